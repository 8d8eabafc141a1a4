import type { ServiceDefinition } from '../../context.js';
import { deletePublicAccessBlock, getPublicAccessBlock, putPublicAccessBlock } from './handlers.js';

/**
 * S3 Control: account-level Block Public Access. Clients put the account id in front of the endpoint's
 * host (`123456789012.127.0.0.1`), which does not resolve: SDK v3 users pass
 * `endpointProvider: () => ({ url: new URL(endpoint) })`, AWS CLI users set `HTTP_PROXY` to the
 * range's endpoint (or use `localhost` where `*.localhost` resolves). See test/range/s3-public.test.ts.
 */
export const s3ControlService: ServiceDefinition = {
  name: 's3control',
  eventSource: 's3.amazonaws.com',
  handlers: {
    GetPublicAccessBlock: getPublicAccessBlock,
    PutPublicAccessBlock: putPublicAccessBlock,
    DeletePublicAccessBlock: deletePublicAccessBlock,
  },
  // CloudTrail names the account-level calls after their IAM actions (s3:PutAccountPublicAccessBlock).
  eventNames: {
    GetPublicAccessBlock: 'GetAccountPublicAccessBlock',
    PutPublicAccessBlock: 'PutAccountPublicAccessBlock',
    DeletePublicAccessBlock: 'DeleteAccountPublicAccessBlock',
  },
  resources: () => [],
};
