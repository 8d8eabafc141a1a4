import type { GetAccessKeyInfoRequest, GetAccessKeyInfoResponse } from '@aws-sdk/client-sts';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { identityState } from '../../identity.js';
import { has } from '../../records.js';

/**
 * sts:GetAccessKeyInfo: the account an access key ID belongs to, "whether the key is active, inactive,
 * or deleted" (STS API Reference). A key the range issued answers its account, from the range's
 * credentials or, once deleted, from the CloudTrail history of calls made with it. Any other
 * well-formed AWS key ID (AKIA/ASIA and sixteen base32 characters) answers the account AWS encodes in
 * the ID itself (bits 1-40 of its decoded body, as publicly analysed), so a responder can look up
 * a leaked key found in a report; a key ID that is neither is refused as unknown.
 */
export function getAccessKeyInfo(ctx: CallContext, input: GetAccessKeyInfoRequest): GetAccessKeyInfoResponse {
  const id = input.AccessKeyId ?? '';
  if (id.length < 16 || id.length > 128 || !/^\w+$/.test(id)) {
    const rule =
      id.length < 16
        ? 'Member must have length greater than or equal to 16'
        : id.length > 128
          ? 'Member must have length less than or equal to 128'
          : 'Member must satisfy regular expression pattern: [\\w]*';
    throw new ServiceError(
      'ValidationError',
      `1 validation error detected: Value '${id.slice(0, 128)}' at 'accessKeyId' failed to satisfy constraint: ${rule}`,
    );
  }
  const account = issuedTo(ctx, id) ?? encodedAccount(id);
  if (account === undefined) {
    throw new ServiceError(
      'InvalidParameterValue',
      `The access key ID ${id} does not exist: the range did not issue it and it does not encode an account.`,
    );
  }
  return { Account: account };
}

function issuedTo(ctx: CallContext, id: string): string | undefined {
  const creds = ctx.state(identityState).credentials;
  if (has(creds, id)) return creds[id]?.principal.accountId;
  for (const e of ctx.history.entries()) if (e.accessKeyId === id) return e.accountId;
  return undefined;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The account in an AWS access key ID's body: base32 → the first six bytes → bits 1-40 (>> 7). */
export function encodedAccount(id: string): string | undefined {
  const m = /^(?:AKIA|ASIA)([A-Z2-7]{16})$/.exec(id);
  if (!m) return undefined;
  let bits = 0n;
  for (const c of (m[1] as string).slice(0, 10)) bits = (bits << 5n) | BigInt(BASE32.indexOf(c));
  // Ten characters are 50 bits; the first six bytes are the top 48 of them.
  const first6 = bits >> 2n;
  const account = (first6 & 0x7fffffffff80n) >> 7n;
  return account.toString().padStart(12, '0');
}
