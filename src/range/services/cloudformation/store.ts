import { defineState } from '../../state.js';
import { record } from '../../records.js';
import type { Principal } from '../../identity.js';
import type { Attributes, Tag } from './provider.js';
import type { StackParameterValue } from './template/parameters.js';
import type { Json } from './template/types.js';

export type StackStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'CREATE_COMPLETE'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_FAILED'
  | 'ROLLBACK_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'DELETE_COMPLETE'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_FAILED'
  | 'UPDATE_ROLLBACK_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_FAILED'
  | 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_COMPLETE'
  | 'REVIEW_IN_PROGRESS';

export type ResourceStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'CREATE_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'DELETE_COMPLETE'
  | 'DELETE_SKIPPED'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_FAILED'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_ROLLBACK_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_FAILED'
  | 'UPDATE_ROLLBACK_COMPLETE'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_COMPLETE'
  | 'ROLLBACK_FAILED';

/** One resource of a stack as the engine tracks it. Plain data (written to --state-dir). */
export interface StackResource {
  logicalId: string;
  type: string;
  physicalId?: string;
  ref?: string;
  status: ResourceStatus;
  statusReason?: string;
  updatedAt: Date;
  /** Resolved properties last applied, for updates and change detection. */
  properties?: Record<string, Json>;
  attributes: Attributes;
  state: Record<string, unknown>;
  /** The stack tags the resource was last created or updated with (a tag change updates it). */
  stackTags?: Tag[];
  deletionPolicy: string;
  updateReplacePolicy: string;
  dependsOn: string[];
  description?: string;
  metadata?: Json;
}

export interface StackEvent {
  EventId: string;
  LogicalResourceId: string;
  PhysicalResourceId: string;
  ResourceType: string;
  Timestamp: Date;
  ResourceStatus: string;
  ResourceStatusReason?: string;
  ResourceProperties?: string;
  ClientRequestToken?: string;
}

export interface StackOutput {
  OutputKey: string;
  OutputValue: string;
  Description?: string;
  ExportName?: string;
}

/** What a stack operation runs from: the template, parameters and settings of one version of the stack. */
export interface StackVersion {
  templateBody: string;
  parameters: StackParameterValue[];
  tags: Tag[];
  capabilities: string[];
  notificationArns: string[];
  description?: string;
}

export interface Stack extends StackVersion {
  stackId: string;
  stackName: string;
  status: StackStatus;
  statusReason?: string;
  createdAt: Date;
  updatedAt?: Date;
  deletedAt?: Date;
  disableRollback: boolean;
  onFailure: 'ROLLBACK' | 'DELETE' | 'DO_NOTHING';
  timeoutInMinutes?: number;
  roleArn?: string;
  terminationProtection: boolean;
  /** Who started the current or last operation: CloudFormation acts as this principal. */
  principal: Principal;
  clientRequestToken?: string;
  resources: Record<string, StackResource>;
  events: StackEvent[];
  outputs: StackOutput[];
  /** Export name → value while the stack exports it. */
  exports: Record<string, string>;
  /** Export names this stack imports (Fn::ImportValue). */
  imports: string[];
  /** The stack as it was before the running update, for update rollback. */
  previous?: StackSnapshot;
  /** Resources an update replaced or removed, deleted in the cleanup phase. */
  cleanup: StackResource[];
  /** DeleteStack arrived while the stack was being created: creation stops and the stack is deleted. */
  deleteRequested?: boolean;
  /** DeleteStack's RetainResources for the running delete. */
  retainResources?: string[];
  changeSetId?: string;
}

export interface StackSnapshot extends StackVersion {
  resources: Record<string, StackResource>;
  outputs: StackOutput[];
  exports: Record<string, string>;
  imports: string[];
}

export interface ChangeSet extends StackVersion {
  changeSetId: string;
  changeSetName: string;
  stackId: string;
  stackName: string;
  type: 'CREATE' | 'UPDATE';
  status:
    | 'CREATE_PENDING'
    | 'CREATE_IN_PROGRESS'
    | 'CREATE_COMPLETE'
    | 'DELETE_PENDING'
    | 'DELETE_IN_PROGRESS'
    | 'DELETE_COMPLETE'
    | 'DELETE_FAILED'
    | 'FAILED';
  statusReason?: string;
  executionStatus:
    'UNAVAILABLE' | 'AVAILABLE' | 'EXECUTE_IN_PROGRESS' | 'EXECUTE_COMPLETE' | 'EXECUTE_FAILED' | 'OBSOLETE';
  createdAt: Date;
  changeDescription?: string;
  changes: ChangeSetChange[];
  roleArn?: string;
  disableRollback?: boolean;
  onStackFailure?: 'ROLLBACK' | 'DELETE' | 'DO_NOTHING';
}

export interface ChangeSetChange {
  action: 'Add' | 'Modify' | 'Remove';
  logicalId: string;
  physicalId?: string;
  type: string;
  replacement?: 'True' | 'False' | 'Conditional';
  scope: string[];
  details: Array<{
    name: string;
    requiresRecreation: 'Never' | 'Always' | 'Conditionally';
    evaluation: 'Static' | 'Dynamic';
  }>;
}

export interface CloudFormationState {
  /** By stack id; deleted stacks stay (DescribeStacks by id, ListStacks). */
  stacks: Record<string, Stack>;
  /** By change set id. */
  changeSets: Record<string, ChangeSet>;
}

export const cloudFormationState = defineState<CloudFormationState>('cloudformation', 'regional', () => ({
  stacks: record(),
  changeSets: record(),
}));
