import type { InputTransformer, RuleState } from '@aws-sdk/client-eventbridge';
import { defineState } from '../../state.js';
import { record } from '../../records.js';

/** A target of a rule, as PutTargets stored it (the members the range acts on). */
export interface StoredTarget {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: InputTransformer;
}

/** A rule on the default event bus. */
export interface StoredRule {
  Name: string;
  Arn: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State: RuleState;
  Description?: string;
  RoleArn?: string;
  EventBusName: string;
  /** The account that created the rule (DescribeRule's CreatedBy). */
  CreatedBy: string;
  /** In the order PutTargets added them. */
  Targets: StoredTarget[];
  Tags: Record<string, string>;
  /** When the schedule started counting (rates fall due every period after it), in ms. */
  scheduleStart?: number;
  /** Owns the rule's timer chain: a re-armed or deleted rule's old chain stops at its next tick. */
  armToken?: string;
}

export interface EventsState {
  rules: Record<string, StoredRule>;
}

export const eventsState = defineState<EventsState>('events', 'regional', () => ({ rules: record() }));

export const DEFAULT_BUS = 'default';
/** Targets per rule (AWS's quota, which PutTargets enforces). */
export const TARGETS_PER_RULE = 5;

export function ruleArn(region: string, accountId: string, name: string): string {
  return `arn:aws:events:${region}:${accountId}:rule/${name}`;
}

export function busArn(region: string, accountId: string): string {
  return `arn:aws:events:${region}:${accountId}:event-bus/${DEFAULT_BUS}`;
}
