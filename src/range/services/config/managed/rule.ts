import type { ComplianceType } from '../store.js';

/** One resource's verdict from a rule. */
export interface Finding {
  resourceType: string;
  resourceId: string;
  compliance: ComplianceType;
  annotation?: string;
}

/** Read-only access to the range's resources, as AWS Config's service-linked role sees them. */
export interface ResourceReader {
  readonly accountId: string;
  readonly region: string;
  read<O>(service: string, operation: string, input: object): Promise<O>;
  /** Like read, but a service error (a missing bucket, no policy) answers undefined. */
  tryRead<O>(service: string, operation: string, input: object): Promise<O | undefined>;
}

export interface ManagedRuleParameter {
  name: string;
  optional: boolean;
  default?: string;
  type: 'String' | 'int' | 'boolean' | 'CSV';
}

/** An AWS managed rule as the AWS Config developer guide describes it. */
export interface ManagedRule {
  identifier: string;
  /** The rule name the guide uses (restricted-ssh for INCOMING_SSH_DISABLED). */
  guideName: string;
  resourceTypes: string[];
  /** Configuration changes (re-evaluated when a resource of these types changes) and/or periodic. */
  changeTriggered: boolean;
  periodic: boolean;
  /** CloudTrail event sources whose writes change the resources this rule reads. */
  eventSources: string[];
  parameters: ManagedRuleParameter[];
  evaluate(reader: ResourceReader, params: Record<string, string>): Promise<Finding[]>;
}

export const ACCOUNT = 'AWS::::Account';

export function accountFinding(
  reader: ResourceReader,
  compliance: ComplianceType,
  annotation?: string,
): Finding[] {
  return [{ resourceType: ACCOUNT, resourceId: reader.accountId, compliance, annotation }];
}
