import { defineState } from '../../state.js';
import { record } from '../../records.js';

export interface StoredTag {
  Key: string;
  Value: string;
}

export interface StoredTarget {
  Key: string;
  Values: string[];
}

/** One version of a parameter. SecureString values are kept as the base64 KMS ciphertext. */
export interface StoredParameterVersion {
  version: number;
  type: 'String' | 'StringList' | 'SecureString';
  value: string;
  keyId?: string;
  description?: string;
  allowedPattern?: string;
  tier: 'Standard' | 'Advanced';
  dataType: string;
  labels: string[];
  modifiedAt: Date;
  modifiedBy: string;
}

export interface StoredParameter {
  name: string;
  /** Every version, oldest first; the last one is current. */
  versions: StoredParameterVersion[];
  tags: StoredTag[];
}

export interface StoredCommand {
  commandId: string;
  documentName: string;
  comment?: string;
  parameters: Record<string, string[]>;
  instanceIds: string[];
  targets: StoredTarget[];
  requestedAt: Date;
  timeoutSeconds: number;
  maxConcurrency: string;
  maxErrors: string;
  outputS3BucketName?: string;
  outputS3KeyPrefix?: string;
  outputS3Region?: string;
  serviceRole?: string;
  cloudWatchOutputConfig?: { CloudWatchLogGroupName?: string; CloudWatchOutputEnabled?: boolean };
  /** Set when State Manager ran the document for an association: such runs are not listed as commands. */
  associationId?: string;
}

/**
 * A document running on one instance. Its status is a function of the range clock (Pending until
 * `startsAt`, InProgress until `endsAt`, then the outcome); effects are applied once, when settled.
 */
export interface StoredInvocation {
  commandId: string;
  instanceId: string;
  instanceName: string;
  platform: 'Linux' | 'Windows';
  startsAt: Date;
  endsAt: Date;
  cancelledAt?: Date;
  settled: boolean;
  outcome: 'Success' | 'Failed';
  output: string;
}

export interface StoredPatch {
  title: string;
  kbId: string;
  classification: string;
  severity: string;
  cveIds: string;
  installedAt?: Date;
}

export interface StoredPatchState {
  instanceId: string;
  patchGroup: string;
  baselineId: string;
  operation: 'Scan' | 'Install';
  startedAt: Date;
  endedAt: Date;
  executionId: string;
  rebootOption?: string;
  missing: StoredPatch[];
  /** Patches the range installed; the instance's other installed patches are counted in `baseInstalled`. */
  installed: StoredPatch[];
  baseInstalled: number;
}

export interface StoredAssociation {
  associationId: string;
  documentName: string;
  associationName?: string;
  targets: StoredTarget[];
  parameters: Record<string, string[]>;
  scheduleExpression?: string;
  complianceSeverity?: string;
  maxConcurrency?: string;
  maxErrors?: string;
  applyOnlyAtCronInterval: boolean;
  outputS3BucketName?: string;
  outputS3KeyPrefix?: string;
  createdAt: Date;
  /** The command State Manager ran for the latest execution. */
  lastCommandId?: string;
}

export interface StoredAutomationStep {
  name: string;
  action: string;
  inputs: Record<string, string>;
  outputs?: Record<string, string[]>;
  failureMessage?: string;
  /** A step that waited out its timeoutSeconds (else Failed or Success, from failureMessage). */
  timedOut?: boolean;
  /** The step fields of a customer runbook (AWS-owned runbooks leave them to their defaults). */
  onFailure?: string;
  isCritical?: boolean;
  isEnd?: boolean;
  nextStep?: string;
  maxAttempts?: number;
}

export interface StoredAutomation {
  executionId: string;
  documentName: string;
  parameters: Record<string, string[]>;
  executedBy: string;
  startedAt: Date;
  endsAt: Date;
  outcome: 'Success' | 'Failed' | 'TimedOut';
  failureMessage?: string;
  steps: StoredAutomationStep[];
  outputs: Record<string, string[]>;
  /** The version of a customer document that ran (AWS-owned documents have one version). */
  documentVersion?: string;
}

/** One version of a customer SSM document, its content kept exactly as given. */
export interface StoredDocumentVersion {
  version: string;
  content: string;
  format: 'JSON' | 'YAML' | 'TEXT';
  hash: string;
  createdAt: Date;
  versionName?: string;
}

/** A customer-owned SSM document (CreateDocument), with every version. */
export interface StoredDocument {
  name: string;
  documentType: 'Command' | 'Automation';
  targetType?: string;
  createdAt: Date;
  defaultVersion: string;
  /** By version number as a string ("1", "2", ...). */
  versions: Record<string, StoredDocumentVersion>;
  latestVersion: string;
  tags: StoredTag[];
}

export interface SsmState {
  parameters: Record<string, StoredParameter>;
  commands: Record<string, StoredCommand>;
  /** By `<command id>/<instance id>`, in the order they were created. */
  invocations: Record<string, StoredInvocation>;
  patchStates: Record<string, StoredPatchState>;
  associations: Record<string, StoredAssociation>;
  automations: Record<string, StoredAutomation>;
  /** Customer documents by name. Absent in state saved before the range kept them. */
  documents?: Record<string, StoredDocument>;
}

export const ssmState = defineState<SsmState>('ssm', 'regional', () => ({
  parameters: record(),
  commands: record(),
  invocations: record(),
  patchStates: record(),
  associations: record(),
  automations: record(),
}));
