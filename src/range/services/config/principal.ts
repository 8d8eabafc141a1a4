import type { CallContext, DispatchOptions } from '../../context.js';
import { rootPrincipal, servicePrincipal } from '../../identity.js';

/**
 * AWS Config reads resources through its service-linked role, which may read everything in the
 * account; the range reads as the account (unrestricted) and never records those reads
 * (`record: false`), so they appear nowhere. What Config starts on the customer's behalf
 * (remediation, compliance events, custom-rule invocations) is made as the config.amazonaws.com
 * service and recorded with invokedBy config.amazonaws.com, so a report can tell Config from a person.
 */
export interface ConfigWhere {
  accountId: string;
  region: string;
}

export function configReader(where: ConfigWhere): DispatchOptions {
  return {
    principal: rootPrincipal(where.accountId),
    accountId: where.accountId,
    region: where.region,
    record: false,
  };
}

export function configActor(where: ConfigWhere, record = true): DispatchOptions {
  return {
    principal: servicePrincipal('config.amazonaws.com', where.accountId),
    accountId: where.accountId,
    region: where.region,
    invokedBy: 'config.amazonaws.com',
    record,
  };
}

export function whereOf(ctx: CallContext): ConfigWhere {
  return { accountId: ctx.accountId, region: ctx.region };
}
