/**
 * The live phase of an exercise under the controller: open the exercise channel, resolve each scenario's
 * conditions against its stack outputs, wire the probes (through the shared reader) and the autopilot,
 * and run the controller until the exercise ends.
 */
import type { LiveContext, LivePhase } from '../exercise/run.js';
import { resolvePlaceholders } from '../exercise/plan.js';
import { withPrincipal } from '../exercise/apply.js';
import type { LoadedScenario } from '../scenario/load.js';
import { durationMs } from '../scenario/duration.js';
import type { Condition } from '../signals/registry.js';
import { AckReader, channelName, createChannel, writeAck } from './channel.js';
import { Controller, type ControlledScenario, type ControllerEvent } from './controller.js';
import { scoringScenario } from './model.js';

export interface LiveOptions {
  /** Tick interval (default: 1 s on the range, 15 s on AWS). */
  tickMs?: number;
  /** Gives the facilitator's screen the controller (keys: hint, end, status) and what it controls. */
  onController?(controller: Controller, scenarios: readonly ControlledScenario[]): void;
  /** Controller events, for the board, plain lines or JSON. */
  onEvent(event: ControllerEvent): void;
}

export function controlled(
  loaded: LoadedScenario,
  ctx: Pick<LiveContext, 'outputs' | 'exerciseId' | 'identity' | 'timeLimitMs'>,
): ControlledScenario {
  const s = loaded.scenario;
  const values = {
    outputs: ctx.outputs[s.id] ?? {},
    exerciseId: ctx.exerciseId,
    accountId: ctx.identity.accountId,
    region: ctx.identity.region,
  };
  const resolve = (cs: readonly Condition[] | undefined): Condition[] =>
    (cs ?? []).map((c) => resolvePlaceholders(c, values));
  const phases: ControlledScenario['phases'] = {};
  for (const name of ['detect', 'contain', 'recover'] as const) {
    const p = s.phases[name];
    if (p)
      phases[name] = p.any
        ? { mode: 'any', conditions: resolve(p.any) }
        : { mode: 'all', conditions: resolve(p.all) };
  }
  return {
    id: s.id,
    scoring: scoringScenario(s, ctx.timeLimitMs),
    phases,
    steadyState: resolve(s.steadyState),
    hints: (s.hints ?? []).map((h) => ({ atMs: durationMs(h.at), cost: h.cost, text: h.text })),
    autopilot: (s.autopilot ?? []).map((step) => ({
      atMs: durationMs(step.at),
      step: resolvePlaceholders(step, values),
    })),
  };
}

export function controllerLivePhase(opts: LiveOptions): LivePhase {
  return async (ctx) => {
    const startedAt = new Date();
    ctx.journal.append({ type: 'channel.created', logGroup: channelName(ctx.exerciseId) });
    await createChannel(ctx.session, ctx.exerciseId);
    const { createObserver } = await import('../signals/observer.js');
    // Probes fail fast: a throttled read is unknown this tick rather than retried into the next one.
    const probeSession = ctx.target.session({ userAgent: ctx.userAgent, maxAttempts: 1 });
    const observer = createObserver({
      session: probeSession,
      exercise: {
        id: ctx.exerciseId,
        startedAt,
        accountId: ctx.identity.accountId,
        region: ctx.identity.region,
        ...(ctx.target.endpoint ? { endpoint: ctx.target.endpoint } : {}),
      },
    });
    const acks = new AckReader(probeSession, ctx.exerciseId, startedAt);
    const autopilotBy = `${ctx.identity.principalArn} (sirs autopilot)`;
    const scenarios = ctx.scenarios.map((l) => controlled(l, ctx));
    const controller = new Controller({
      scenarios,
      observe: (condition, scenario) => observer.observe(condition, scenario),
      beginTick: () => observer.beginTick(),
      newAcks: () => acks.read(),
      runStep: async (scenario, step) => {
        if (step.ack) {
          await writeAck(ctx.session, ctx.exerciseId, step.ack, { by: autopilotBy });
          return;
        }
        if (step.call) {
          const call = step.call;
          await withPrincipal({ ...ctx, signal: ctx.signal }, scenario.id, step.as ?? 'default', (session) =>
            session.call(call, step.input ?? {}, { abortSignal: ctx.signal }),
          );
        }
      },
      journal: ctx.journal,
      emit: opts.onEvent,
      tickMs: opts.tickMs ?? (ctx.target.kind === 'range' ? 1000 : 15_000),
      signal: ctx.signal,
      autopilot: ctx.autopilot,
    });
    opts.onController?.(controller, scenarios);
    try {
      return await controller.run();
    } finally {
      probeSession.destroy();
    }
  };
}
