import type { ServiceDefinition } from '../../context.js';
import { parsePolicy } from '../../policy/parse.js';
import type { SourcedPolicy } from '../../policy/types.js';
import { findRole } from '../iam/store.js';
import { getAccessKeyInfo } from './access-keys.js';
import { decodeAuthorizationMessage, rememberDenial } from './authorization-messages.js';
import { assumeRole, getCallerIdentity, getSessionToken } from './handlers.js';

export const stsService: ServiceDefinition = {
  name: 'sts',
  eventSource: 'sts.amazonaws.com',
  globalEvents: true,
  handlers: {
    GetCallerIdentity: getCallerIdentity,
    AssumeRole: assumeRole,
    GetSessionToken: getSessionToken,
    GetAccessKeyInfo: getAccessKeyInfo,
    DecodeAuthorizationMessage: decodeAuthorizationMessage,
  },
  // A denial's encoded authorization message is remembered as its CloudTrail record passes by.
  onEvent(ctx, record) {
    if (record.errorMessage) rememberDenial(ctx, record);
  },
  /**
   * A role's trust policy is the resource-based policy of sts:AssumeRole: a trust policy that names the
   * user allows on its own; one that names the account needs the caller's identity policy too.
   */
  resourcePolicy(ctx, action, resourceArn): SourcedPolicy | undefined {
    if (action !== 'sts:AssumeRole') return undefined;
    const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(resourceArn);
    const role = m ? findRole(ctx, m[1] as string, m[2] as string) : undefined;
    if (!role) return undefined;
    try {
      return { id: `${role.Arn} trust policy`, kind: 'resource', document: parsePolicy(role.trustPolicy) };
    } catch {
      return undefined;
    }
  },
};
