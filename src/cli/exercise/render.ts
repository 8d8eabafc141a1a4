/**
 * Renderers of exercise events: plain lines (no TTY, CI logs), JSON lines (--json), and the
 * confirmation text shown before anything is created.
 */
import type { ExerciseEvent, ExerciseListener } from '../../exercise/events.js';
import type { ConfirmationSummary } from '../../exercise/run.js';
import type { ControllerEvent } from '../../controller/controller.js';
import { formatDuration } from '../../scenario/duration.js';

export function jsonLines(write: (s: string) => void): ExerciseListener {
  return (e) => write(`${JSON.stringify({ ...e, time: new Date().toISOString() })}\n`);
}

/**
 * Who the live exercise's environment is for: responders (a game day), people who may watch or take part
 * (a drill that tests the team's automation), or nobody (an autopilot drill: no responders).
 */
export type LiveAudience = 'responders' | 'watchers' | 'none';

export function describeEvent(e: ExerciseEvent, audience: LiveAudience = 'responders'): string | undefined {
  switch (e.type) {
    case 'preflight':
      return `Acting as ${e.principalArn} in account ${e.accountId}${e.accountAlias ? ` (${e.accountAlias})` : ''}, ${e.region}, on ${e.target}.`;
    case 'stack.creating':
      return `[${e.scenario}] creating stack ${e.stackName}`;
    case 'stack.event':
      return `  ${e.stackName}: ${e.logicalId} (${e.resourceType}) ${e.status}${e.reason ? `: ${e.reason}` : ''}`;
    case 'stack.created':
      return `[${e.scenario}] stack ${e.stackName} is up`;
    case 'stack.failed':
      return `[${e.scenario}] stack ${e.stackName} FAILED: ${e.resource ? `${e.resource}: ` : ''}${e.reason}`;
    case 'action.start':
      return `[${e.scenario}] ${e.call}${e.as !== 'default' ? ` as ${e.as}` : ''}`;
    case 'action.done':
      return undefined;
    case 'action.failed':
      return `[${e.scenario}] ${e.call} FAILED: ${e.error}`;
    case 'live':
      if (audience === 'none') return `Exercise ${e.exerciseId} is live (autopilot: no responders).`;
      return [
        `Exercise ${e.exerciseId} is live.`,
        ...(e.env
          ? [
              audience === 'responders'
                ? 'Responders: paste this into a shell to use the aws CLI against the range:'
                : 'To watch or take part, paste this into a shell to use the aws CLI against the range:',
              ...Object.entries(e.env).map(([k, v]) => `  export ${k}=${v}`),
            ]
          : []),
        ...(e.runbooks?.length
          ? [
              audience === 'responders' ? 'Runbooks for responders:' : 'Runbooks:',
              ...e.runbooks.map((f) => `  ${f}`),
            ]
          : []),
        ...(e.changes?.length
          ? [
              'Change calendar (approved changes in this account; leave them alone):',
              ...e.changes.map((c) => `  - ${c.title}: ${c.ticket}`),
            ]
          : []),
      ].join('\n');
    case 'teardown.start':
      return `Tearing down exercise ${e.exerciseId}...`;
    case 'stage.live':
      return `Campaign stage ${e.scenario} is injected.${e.runbooks.length ? ` Runbook: ${e.runbooks.join(', ')}` : ''}`;
    case 'action.undone':
      return `  removed ${e.resource}`;
    case 'bucket.emptied':
      return `  emptied bucket ${e.bucket} (${e.objects} object${e.objects === 1 ? '' : 's'})`;
    case 'stack.deleting':
      return `  deleting stack ${e.stackName}`;
    case 'stack.deleted':
      return `  stack ${e.stackName} deleted`;
    case 'stack.delete-failed':
      return `  stack ${e.stackName} could NOT be deleted: ${e.reason}`;
    case 'teardown.done':
      return e.leftovers.length
        ? [
            `Teardown finished with ${e.leftovers.length} thing(s) left:`,
            ...e.leftovers.map((l) => `  - ${l.resource}: ${l.reason}`),
          ].join('\n')
        : 'Teardown finished: nothing sirs created is left.';
    case 'warning':
      return `warning: ${e.message}`;
  }
}

/** The wrap-up, announced to the room: the score is final, the resources stay up a while. */
export function wrapUpLine(e: Extract<ControllerEvent, { type: 'wrap-up' }>): string {
  const until = e.until.slice(11, 19);
  return [
    `Every phase is met: the score is final. Wrap-up: the exercise stays up for ${formatDuration(e.durationMs)} (until ${until} UTC)`,
    '  so responders can run their validation steps; nothing is scored any more. The facilitator can end it sooner.',
  ].join('\n');
}

export function plainLines(
  write: (s: string) => void,
  opts: { stackEvents?: boolean; audience?: LiveAudience } = {},
): ExerciseListener {
  return (e) => {
    if (e.type === 'stack.event' && !opts.stackEvents) return;
    const line = describeEvent(e, opts.audience);
    if (line !== undefined) write(`${line}\n`);
  };
}

export function confirmationText(s: ConfirmationSummary): string {
  const lines = [
    `Exercise ${s.exerciseId} on ${s.target}`,
    `  account: ${s.identity.accountId}${s.identity.accountAlias ? ` (${s.identity.accountAlias})` : ''}`,
    `  region:  ${s.identity.region}`,
    `  as:      ${s.identity.principalArn}`,
    '',
    'It will create:',
  ];
  for (const st of s.plan.stacks) {
    lines.push(`  stack ${st.stackName} from ${st.template}`);
    const params = Object.entries(st.parameters);
    if (params.length) lines.push(`    parameters: ${params.map(([k, v]) => `${k}=${v}`).join(', ')}`);
    if (st.capabilities.length) lines.push(`    capabilities: ${st.capabilities.join(', ')}`);
    lines.push(
      `    tags: ${Object.entries(st.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  }
  if (s.plan.actions.length) {
    lines.push('and then call:');
    for (const a of s.plan.actions)
      lines.push(`  ${a.call}${a.as !== 'default' ? ` as ${a.as}` : ''} (${a.scenario})`);
  }
  lines.push('', 'Everything is torn down when the exercise ends.');
  return lines.join('\n');
}
