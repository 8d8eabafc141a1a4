import type {
  DeleteAlarmsInput,
  DisableAlarmActionsInput,
  EnableAlarmActionsInput,
  SetAlarmStateInput,
} from '@aws-sdk/client-cloudwatch';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { changeState, ensureArmed } from '../alarm-runtime.js';
import type { AlarmStateValue } from '../evaluate.js';
import { monitoringState } from '../store.js';
import { invalidValue } from '../validate.js';
import { configurationHistory } from './alarms.js';

const STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

/**
 * Sets the state for testing, as in AWS: the new state's actions run, and the alarm's next evaluation
 * (at the end of its period, or when data arrives) puts it back where its data says.
 */
export async function setAlarmState(
  ctx: CallContext,
  input: SetAlarmStateInput,
): Promise<Record<string, never>> {
  ensureArmed(ctx);
  const name = input.AlarmName as string;
  const stored = ctx.state(monitoringState).alarms[name];
  if (!stored) throw new ServiceError('ResourceNotFound', `Alarm ${name} not found`, 404);
  const state = input.StateValue as string;
  if (!STATES.includes(state)) throw invalidValue(`The value ${state} for parameter StateValue is invalid.`);
  if ((input.StateReason ?? '').length > 1023)
    throw invalidValue('The parameter StateReason must be shorter than 1024 characters.');
  if (input.StateReasonData !== undefined) {
    try {
      JSON.parse(input.StateReasonData);
    } catch {
      throw new ServiceError('InvalidFormat', 'The parameter StateReasonData is not valid JSON.', 400);
    }
  }
  const next = {
    state: state as AlarmStateValue,
    reason: input.StateReason as string,
    reasonData: input.StateReasonData,
  };
  if (stored.alarm.StateValue === state) {
    stored.alarm.StateReason = next.reason;
    stored.alarm.StateReasonData = next.reasonData;
    stored.alarm.StateUpdatedTimestamp = ctx.now;
    return {};
  }
  await changeState(ctx, stored, next, ctx.now);
  return {};
}

/** Deletes the named alarms; names that do not exist are skipped, as CloudWatch does. */
export function deleteAlarms(ctx: CallContext, input: DeleteAlarmsInput): Record<string, never> {
  ensureArmed(ctx);
  const names = input.AlarmNames ?? [];
  if (names.length > 100)
    throw invalidValue('The collection AlarmNames must not have a size greater than 100.');
  const s = ctx.state(monitoringState);
  for (const name of names) {
    const stored = s.alarms[name];
    if (!stored) continue;
    delete s.alarms[name];
    configurationHistory(ctx, stored.alarm, 'Delete', {});
  }
  return {};
}

function setActionsEnabled(
  ctx: CallContext,
  names: string[] | undefined,
  enabled: boolean,
): Record<string, never> {
  ensureArmed(ctx);
  if ((names ?? []).length > 100)
    throw invalidValue('The collection AlarmNames must not have a size greater than 100.');
  const s = ctx.state(monitoringState);
  for (const name of names ?? []) {
    const stored = s.alarms[name];
    if (!stored || stored.alarm.ActionsEnabled === enabled) continue;
    stored.alarm.ActionsEnabled = enabled;
    stored.alarm.AlarmConfigurationUpdatedTimestamp = ctx.now;
    configurationHistory(ctx, stored.alarm, 'Update', {
      originalUpdatedFields: { actionsEnabled: !enabled },
    });
  }
  return {};
}

export function enableAlarmActions(ctx: CallContext, input: EnableAlarmActionsInput): Record<string, never> {
  return setActionsEnabled(ctx, input.AlarmNames, true);
}

export function disableAlarmActions(
  ctx: CallContext,
  input: DisableAlarmActionsInput,
): Record<string, never> {
  return setActionsEnabled(ctx, input.AlarmNames, false);
}
