import { defineState } from '../../state.js';
import { record } from '../../records.js';

export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA';

export interface StoredRecorder {
  name: string;
  roleARN: string;
  recordingGroup?: Record<string, unknown>;
  recording: boolean;
  lastStartTime?: Date;
  lastStopTime?: Date;
  lastStatusChangeTime?: Date;
}

export interface StoredDeliveryChannel {
  name: string;
  s3BucketName: string;
  s3KeyPrefix?: string;
  s3KmsKeyArn?: string;
  snsTopicARN?: string;
  deliveryFrequency?: string;
}

export interface StoredRule {
  name: string;
  id: string;
  arn: string;
  description?: string;
  owner: 'AWS' | 'CUSTOM_LAMBDA';
  /** The managed rule's identifier, or the function ARN of a custom rule. */
  sourceIdentifier: string;
  /** Custom rules: when the function is invoked (ConfigurationItemChangeNotification, ScheduledNotification...). */
  sourceDetails: Array<{ EventSource?: string; MessageType?: string; MaximumExecutionFrequency?: string }>;
  inputParameters: string;
  maximumExecutionFrequency?: string;
  scope?: {
    ComplianceResourceTypes?: string[];
    TagKey?: string;
    TagValue?: string;
    ComplianceResourceId?: string;
  };
  state: 'ACTIVE' | 'DELETING' | 'EVALUATING';
  createdBy?: string;
  createdAt: Date;
  /** Owns the rule's periodic timer chain in this process; a re-put or delete ends the old chain. */
  armToken?: string;
}

export interface StoredEvaluation {
  resourceType: string;
  resourceId: string;
  compliance: ComplianceType;
  annotation?: string;
  orderingTimestamp: Date;
  recordedAt: Date;
  invokedAt: Date;
}

export interface StoredRuleStatus {
  firstActivatedTime: Date;
  lastSuccessfulInvocationTime?: Date;
  lastFailedInvocationTime?: Date;
  lastSuccessfulEvaluationTime?: Date;
  lastFailedEvaluationTime?: Date;
  lastErrorCode?: string;
  lastErrorMessage?: string;
  firstEvaluationStarted: boolean;
}

export interface StoredRemediation {
  configRuleName: string;
  targetType: 'SSM_DOCUMENT';
  targetId: string;
  targetVersion?: string;
  parameters: Record<string, { ResourceValue?: { Value?: string }; StaticValue?: { Values?: string[] } }>;
  resourceType?: string;
  automatic: boolean;
  maximumAutomaticAttempts: number;
  retryAttemptSeconds: number;
  executionControls?: Record<string, unknown>;
  arn: string;
  createdByService?: string;
}

export interface StoredRemediationExecution {
  resourceType: string;
  resourceId: string;
  automationExecutionId?: string;
  /** Set when the automation could not be started (a bad parameter, a missing role). */
  startFailure?: string;
  invokedAt: Date;
  /** Times automatic remediation ran for this resource, for MaximumAutomaticAttempts/RetryAttemptSeconds. */
  attempts: Date[];
}

/** A custom rule's invocation awaiting the function's PutEvaluations. */
export interface StoredResultToken {
  ruleName: string;
  invokedAt: Date;
  orderingTimestamp: Date;
}

/** One configuration item: the resource as the recorder saw it after a change. */
export interface StoredConfigurationItem {
  captureTime: Date;
  status: 'OK' | 'ResourceDiscovered' | 'ResourceDeleted';
  stateId: string;
  md5: string;
  resourceName?: string;
  arn: string;
  /** The configuration as JSON text, as Config returns it; absent for a deleted resource. */
  configuration?: string;
  /** Each supplementary configuration as JSON text. */
  supplementary: Record<string, string>;
  tags: Record<string, string>;
  creationTime?: Date;
  relationships: Array<{ resourceType: string; resourceId: string; relationshipName: string }>;
  /** The CloudTrail event ids of the change that produced the item. */
  relatedEvents: string[];
}

/** A resource the recorder has discovered, with its configuration history (oldest first, bounded). */
export interface StoredResourceHistory {
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  deletedAt?: Date;
  items: StoredConfigurationItem[];
}

export interface ConfigState {
  recorders: Record<string, StoredRecorder>;
  channels: Record<string, StoredDeliveryChannel>;
  rules: Record<string, StoredRule>;
  /** By rule name, then `<resource type>|<resource id>`. */
  evaluations: Record<string, Record<string, StoredEvaluation>>;
  ruleStatus: Record<string, StoredRuleStatus>;
  remediations: Record<string, StoredRemediation>;
  /** By rule name, then `<resource type>|<resource id>`. */
  remediationExecutions: Record<string, Record<string, StoredRemediationExecution>>;
  resultTokens: Record<string, StoredResultToken>;
  /** By `<resource type>|<resource id>`; absent in a state saved before the range recorded history. */
  resources?: Record<string, StoredResourceHistory>;
}

export const configState = defineState<ConfigState>('config', 'regional', () => ({
  recorders: record(),
  channels: record(),
  rules: record(),
  evaluations: record(),
  ruleStatus: record(),
  remediations: record(),
  remediationExecutions: record(),
  resultTokens: record(),
  resources: record(),
}));

export function resourceKey(resourceType: string, resourceId: string): string {
  return `${resourceType}|${resourceId}`;
}

/** Range-clock delays of AWS Config's work; tests move a ManualClock past them. */
export const configTimes = {
  /** From a recorded change to the re-evaluation of the rules it concerns. */
  changeEvaluationMs: 1_000,
};
