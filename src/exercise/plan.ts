/**
 * Plan, then apply: a pure function from scenarios + config to the stacks and actions of an exercise.
 * Nothing here touches the world, so every naming, tagging and templating rule is unit-tested.
 */
import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors.js';
import type { Scenario } from '../scenario/schema.js';
import {
  isPlaceholderOnly,
  parsePlaceholder,
  scanPlaceholders,
  substitutePlaceholders,
  type PlaceholderValues,
} from '../scenario/placeholders.js';
import type { SirsConfig } from './config.js';
import type { PlannedAction, PlannedStack } from './entries.js';

export const EXERCISE_ID = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const MAX_STACK_NAME = 128;

export interface PlanInput {
  exerciseId: string;
  /** Scenarios and campaign decoys: anything with an id and a stack (and actions) to inject. */
  scenarios: ReadonlyArray<{ scenario: Pick<Scenario, 'id' | 'inject'>; templateBody: string }>;
  config: SirsConfig;
  /** Known before anything is created (preflight), so parameters may use {{account.id}} and {{region}}. */
  accountId: string;
  region: string;
}

export interface InjectionPlan {
  exerciseId: string;
  stacks: Array<PlannedStack & { templateBody: string }>;
  actions: Array<PlannedAction & { input: Record<string, unknown> }>;
}

export function generateExerciseId(
  now: Date,
  random: () => string = () => randomBytes(2).toString('hex'),
): string {
  const iso = now.toISOString();
  return `gd-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 16).replace(':', '')}-${random()}`;
}

export function checkExerciseId(id: string): void {
  if (!EXERCISE_ID.test(id)) {
    throw new UsageError(
      'bad-exercise-id',
      `exercise id '${id}' must be 1-32 lower-case letters, digits and hyphens`,
      {
        suggestions: ['e.g. --exercise-id blue-team-1, or leave it out to get a generated one'],
      },
    );
  }
}

export function stackNameFor(config: SirsConfig, exerciseId: string, scenarioId: string): string {
  return `${config.namePrefix}-${exerciseId}-${scenarioId}`;
}

export function planExercise(input: PlanInput): InjectionPlan {
  checkExerciseId(input.exerciseId);
  const seen = new Set<string>();
  const stacks: InjectionPlan['stacks'] = [];
  const actions: InjectionPlan['actions'] = [];
  for (const { scenario, templateBody } of input.scenarios) {
    if (seen.has(scenario.id)) {
      throw new UsageError(
        'duplicate-scenario',
        `scenario ${scenario.id} is named twice; an exercise runs each scenario once`,
      );
    }
    seen.add(scenario.id);
    const stackName = stackNameFor(input.config, input.exerciseId, scenario.id);
    if (stackName.length > MAX_STACK_NAME) {
      throw new UsageError(
        'stack-name-too-long',
        `stack name ${stackName} is longer than ${MAX_STACK_NAME} characters`,
        {
          suggestions: ['use a shorter --exercise-id or namePrefix'],
        },
      );
    }
    const values: PlaceholderValues = {
      outputs: {},
      exerciseId: input.exerciseId,
      accountId: input.accountId,
      region: input.region,
    };
    const parameters: Record<string, string> = {};
    for (const [k, v] of Object.entries(scenario.inject.stack.parameters ?? {})) {
      parameters[k] = typeof v === 'string' ? substitutePlaceholders(v, values) : String(v);
    }
    stacks.push({
      scenario: scenario.id,
      stackName,
      template: scenario.inject.stack.template,
      templateBody,
      parameters,
      capabilities: [...(scenario.inject.stack.capabilities ?? [])],
      // Configured tags first, so the sirs: tags (reserved in the config) always win.
      tags: { ...input.config.tags, 'sirs:exercise': input.exerciseId, 'sirs:scenario': scenario.id },
    });
    (scenario.inject.actions ?? []).forEach((a, index) => {
      actions.push({
        scenario: scenario.id,
        index,
        ...(a.id ? { id: a.id } : {}),
        call: a.call,
        as: a.as ?? 'default',
        input: a.input ?? {},
      });
    });
  }
  return { exerciseId: input.exerciseId, stacks, actions };
}

/**
 * Substitute placeholders in every string of a value (an action's or autopilot step's input). A string
 * that is exactly one reference to a number or boolean an earlier action returned keeps that type: API
 * members such as a log event's `timestamp` are numbers, and AWS refuses a quoted one.
 */
export function resolvePlaceholders<T>(value: T, values: PlaceholderValues): T {
  if (typeof value === 'string')
    return (typedActionValue(value, values) ?? substitutePlaceholders(value, values)) as T;
  if (Array.isArray(value)) return value.map((v) => resolvePlaceholders(v, values)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolvePlaceholders(v, values);
    return out as T;
  }
  return value;
}

/** The number or boolean a string that is one `{{actions.<id>.<path>}}` refers to, if it is one. */
function typedActionValue(text: string, values: PlaceholderValues): number | boolean | undefined {
  if (!isPlaceholderOnly(text)) return undefined;
  const parsed = parsePlaceholder(scanPlaceholders(text).tokens[0]!.expr);
  if (!parsed.ok || parsed.ref.kind !== 'action') return undefined;
  let cur: unknown = values.actions?.[parsed.ref.id];
  for (const key of parsed.ref.path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return typeof cur === 'number' || typeof cur === 'boolean' ? cur : undefined;
}
