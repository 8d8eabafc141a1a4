/**
 * What an exercise reports while it runs. The library emits these; the CLI renders them (listr2 on a
 * terminal, plain lines in CI, one JSON object per line with --json) and tests subscribe to the same.
 */
import type { Leftover } from './entries.js';

export type ExerciseEvent =
  | {
      type: 'preflight';
      accountId: string;
      accountAlias?: string;
      region: string;
      principalArn: string;
      target: string;
    }
  | { type: 'stack.creating'; scenario: string; stackName: string }
  | {
      type: 'stack.event';
      stackName: string;
      logicalId: string;
      resourceType: string;
      status: string;
      reason?: string;
    }
  | { type: 'stack.created'; scenario: string; stackName: string; outputs: Record<string, string> }
  | { type: 'stack.failed'; scenario: string; stackName: string; reason: string; resource?: string }
  | { type: 'action.start'; scenario: string; call: string; as: string }
  | { type: 'action.done'; scenario: string; call: string }
  | { type: 'action.failed'; scenario: string; call: string; error: string }
  | {
      type: 'live';
      exerciseId: string;
      env?: Record<string, string>;
      runbooks?: string[];
      /** The change calendar: approved changes in the account (campaign decoys), for responders. */
      changes?: Array<{ title: string; ticket: string }>;
    }
  | { type: 'stage.live'; scenario: string; runbooks: string[] }
  | { type: 'teardown.start'; exerciseId: string }
  | { type: 'action.undone'; resource: string }
  | { type: 'bucket.emptied'; stackName: string; bucket: string; objects: number }
  | { type: 'stack.deleting'; stackName: string }
  | { type: 'stack.deleted'; stackName: string }
  | { type: 'stack.delete-failed'; stackName: string; reason: string }
  | { type: 'teardown.done'; exerciseId: string; leftovers: Leftover[] }
  | { type: 'warning'; message: string };

export type ExerciseListener = (event: ExerciseEvent) => void;
