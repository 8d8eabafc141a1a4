import type {
  DeletePublicAccessBlockRequest,
  GetPublicAccessBlockOutput,
  GetPublicAccessBlockRequest,
  PutPublicAccessBlockRequest,
} from '@aws-sdk/client-s3-control';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { s3ControlState } from './store.js';

/** S3 Control calls name the account in `x-amz-account-id`; only that account's principals may use it. */
function checkAccount(ctx: CallContext, accountId: string | undefined): void {
  if (accountId !== ctx.accountId) throw new ServiceError('AccessDenied', 'Access Denied', 403);
}

export function getPublicAccessBlock(
  ctx: CallContext,
  input: GetPublicAccessBlockRequest,
): GetPublicAccessBlockOutput {
  checkAccount(ctx, input.AccountId);
  const config = ctx.state(s3ControlState).publicAccessBlock;
  if (!config) {
    throw new ServiceError(
      'NoSuchPublicAccessBlockConfiguration',
      'The public access block configuration was not found',
      404,
      {
        fields: { AccountId: ctx.accountId },
      },
    );
  }
  return { PublicAccessBlockConfiguration: { ...config } };
}

export function putPublicAccessBlock(ctx: CallContext, input: PutPublicAccessBlockRequest): void {
  checkAccount(ctx, input.AccountId);
  const c = input.PublicAccessBlockConfiguration ?? {};
  ctx.state(s3ControlState).publicAccessBlock = {
    BlockPublicAcls: c.BlockPublicAcls ?? false,
    IgnorePublicAcls: c.IgnorePublicAcls ?? false,
    BlockPublicPolicy: c.BlockPublicPolicy ?? false,
    RestrictPublicBuckets: c.RestrictPublicBuckets ?? false,
  };
}

export function deletePublicAccessBlock(ctx: CallContext, input: DeletePublicAccessBlockRequest): void {
  checkAccount(ctx, input.AccountId);
  delete ctx.state(s3ControlState).publicAccessBlock;
}
