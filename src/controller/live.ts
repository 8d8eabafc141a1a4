/**
 * The live phase of an exercise under the controller: open the exercise channel, resolve each scenario's
 * conditions against its stack outputs, wire the probes (through the shared reader) and the autopilot,
 * and run the controller until the exercise ends.
 */
import type { LiveContext, LivePhase } from '../exercise/run.js';
import { resolvePlaceholders } from '../exercise/plan.js';
import { withPrincipal } from '../exercise/apply.js';
import type { LoadedDecoy, LoadedScenario } from '../scenario/load.js';
import { durationMs } from '../scenario/duration.js';
import { conditionParts, describeCondition, type Condition } from '../signals/registry.js';
import type { ConditionFacts, ScenarioFacts } from '../exercise/entries.js';
import { isSecretName, redactSecrets } from '../exercise/journal.js';
import { runbookOf, type PhaseName } from '../scenario/schema.js';
import { AckReader, channelName, createChannel, writeAck } from './channel.js';
import { Controller, type ControlledScenario, type ControllerEvent } from './controller.js';
import { scoringScenario } from './model.js';
import { responderOf } from './responder.js';
import { explainLoops, readLoopFacts, type FactsSession } from './explain.js';
import { emptyInventory } from '../exercise/defenses.js';

export interface LiveOptions {
  /** Tick interval (default: 1 s on the range, 15 s on AWS). */
  tickMs?: number;
  /** Gives the facilitator's screen the controller (keys: hint, end, status) and what it controls. */
  onController?(controller: Controller, scenarios: readonly ControlledScenario[]): void;
  /** Controller events, for the board, plain lines or JSON. */
  onEvent(event: ControllerEvent): void;
  /**
   * Exercise time to stay up after every scenario is resolved, so responders can validate their fix
   * (default 0; `sirs start` chooses 2m for people, 0 for the autopilot). Not scored.
   */
  wrapUpMs?: number;
}

export function controlled(
  loaded: LoadedScenario,
  ctx: Pick<LiveContext, 'outputs' | 'exerciseId' | 'identity' | 'timeLimitMs'> & {
    actions?: LiveContext['actions'];
  },
): ControlledScenario {
  const s = loaded.scenario;
  const values = {
    outputs: ctx.outputs[s.id] ?? {},
    actions: ctx.actions?.[s.id] ?? {},
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
      phases[name] = {
        ...(p.any
          ? { mode: 'any', conditions: resolve(p.any) }
          : { mode: 'all', conditions: resolve(p.all) }),
        ...(p.by ? { by: p.by } : {}),
      };
  }
  return {
    id: s.id,
    scoring: scoringScenario(s, ctx.timeLimitMs),
    phases,
    steadyState: resolve(s.steadyState),
    hints: (s.hints ?? []).map((h) => ({
      atMs: durationMs(h.at),
      cost: h.cost,
      text: resolvePlaceholders(h.text, values),
    })),
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
    // A campaign stage due later is a placeholder until it is injected: its conditions name resources
    // that do not exist yet.
    const scenarios: ControlledScenario[] = ctx.scenarios.map((l) =>
      (l.atMs ?? 0) > 0 ? pendingStage(l, ctx) : controlled(l, ctx),
    );
    for (const [i, l] of ctx.scenarios.entries()) {
      if ((l.atMs ?? 0) > 0) continue;
      ctx.journal.append({ type: 'scenario.defined', scenario: scenarioFacts(l, scenarios[i]!, ctx) });
    }
    for (const d of ctx.decoys) {
      const c = controlledDecoy(d, ctx);
      scenarios.push(c);
      const ticket = resolvePlaceholders(d.decoy.ticket, {
        outputs: ctx.outputs[d.decoy.id] ?? {},
        exerciseId: ctx.exerciseId,
        accountId: ctx.identity.accountId,
        region: ctx.identity.region,
      });
      ctx.journal.append({ type: 'scenario.defined', scenario: decoyFacts(d, c, ticket) });
    }
    // The autopilot's calls say so in their user agent: reports count it as a responder, not as sirs.
    const autopilotAgent: typeof ctx.userAgent = [...ctx.userAgent, ['autopilot', '1']];
    const autopilotSession = ctx.target.session({ userAgent: autopilotAgent });
    const controller = new Controller({
      scenarios,
      observe: (condition, scenario) => observer.observe(condition, scenario),
      responderOf: (evidence) =>
        responderOf(evidence, { exerciseId: ctx.exerciseId, inventory: ctx.defenses ?? emptyInventory() }),
      beginTick: () => observer.beginTick(),
      newAcks: () => acks.read(),
      runStep: async (scenario, step) => {
        if (step.ack) {
          await writeAck(autopilotSession, ctx.exerciseId, step.ack, { by: autopilotBy });
          return;
        }
        if (step.call) {
          const call = step.call;
          await withPrincipal(
            { ...ctx, session: autopilotSession, userAgent: autopilotAgent, signal: ctx.signal },
            scenario.id,
            step.as ?? 'default',
            (session) => session.call(call, step.input ?? {}, { abortSignal: ctx.signal }),
          );
        }
      },
      injectStage: async (pending) => {
        const loaded = ctx.scenarios.find((l) => l.scenario.id === pending.id)!;
        await ctx.injectStage(pending.id);
        const c = { ...controlled(loaded, ctx), startMs: pending.startMs };
        ctx.journal.append({ type: 'scenario.defined', scenario: scenarioFacts(loaded, c, ctx) });
        return c;
      },
      journal: ctx.journal,
      emit: opts.onEvent,
      tickMs: opts.tickMs ?? defaultTickMs(ctx.target.kind, ctx.timeScale ?? 1),
      signal: ctx.signal,
      autopilot: ctx.autopilot,
      timeScale: ctx.timeScale ?? 1,
      ...(opts.wrapUpMs ? { wrapUpMs: opts.wrapUpMs } : {}),
    });
    opts.onController?.(controller, scenarios);
    try {
      const reason = await controller.run();
      // Ended early too (the facilitator, Ctrl-C): how the loops ran so far is what the report needs.
      if (ctx.defenses) await explainDefenses(ctx, probeSession, startedAt, reason === 'resolved');
      return reason;
    } finally {
      probeSession.destroy();
      autopilotSession.destroy();
    }
  };
}

/**
 * What AWS says about each loop of the defences, before teardown removes them: journaled, so drills
 * (JUnit, terminal) and reports say which loop failed and why.
 */
async function explainDefenses(
  ctx: LiveContext,
  session: FactsSession,
  since: Date,
  resolved: boolean,
): Promise<void> {
  const inventory = ctx.defenses!;
  if (!inventory.rules.length && !inventory.functions.length && !inventory.configRules.length) return;
  try {
    const facts = await readLoopFacts(session, inventory, { since, until: new Date() });
    ctx.journal.append({ type: 'defenses.explained', loops: explainLoops(inventory, facts, { resolved }) });
  } catch (err) {
    ctx.emit({ type: 'warning', message: `could not read how the defences ran: ${(err as Error).message}` });
  }
}

/** A campaign stage before its injection: its scoring and start; conditions come when it is injected. */
function pendingStage(loaded: LoadedScenario, ctx: Pick<LiveContext, 'timeLimitMs'>): ControlledScenario {
  return {
    id: loaded.scenario.id,
    scoring: scoringScenario(loaded.scenario, ctx.timeLimitMs),
    startMs: loaded.atMs ?? 0,
    phases: {},
    steadyState: [],
    hints: [],
    autopilot: [],
  };
}

/** A campaign decoy: only its steady state, for as long as the exercise runs. */
export function controlledDecoy(
  d: LoadedDecoy,
  ctx: Pick<LiveContext, 'outputs' | 'actions' | 'exerciseId' | 'identity'>,
): ControlledScenario {
  const values = {
    outputs: ctx.outputs[d.decoy.id] ?? {},
    actions: ctx.actions[d.decoy.id] ?? {},
    exerciseId: ctx.exerciseId,
    accountId: ctx.identity.accountId,
    region: ctx.identity.region,
  };
  return {
    id: d.decoy.id,
    decoy: true,
    scoring: { id: d.decoy.id, title: d.decoy.title, severity: 'low', timeLimitMs: 0, phases: {}, hints: [] },
    phases: {},
    steadyState: d.decoy.steadyState.map((c) => resolvePlaceholders(c, values)),
    hints: [],
    autopilot: [],
  };
}

function decoyFacts(d: LoadedDecoy, c: ControlledScenario, ticket: string): ScenarioFacts {
  const describe = (cond: Condition): ConditionFacts => {
    const { kind } = conditionParts(cond);
    return { kind: kind.name, description: describeCondition(cond), family: kind.family };
  };
  return {
    id: d.decoy.id,
    title: d.decoy.title,
    summary: ticket,
    severity: 'low',
    layer: 'network',
    control: 'Approved changes are left as they are.',
    monitor: 'The change calendar, before reverting anything.',
    fix: 'None: this change is benign.',
    mitre: [],
    runbook: '',
    timeLimitMs: 0,
    phases: {},
    steadyState: c.steadyState.map(describe),
    hints: [],
    detections: [],
    resources: [],
    decoy: { ticket, campaign: d.campaign },
  };
}

/** 1 s on the range and 15 s on AWS, in exercise time: a compressed exercise ticks more often (at least every 100 ms). */
export function defaultTickMs(kind: 'range' | 'aws', timeScale: number): number {
  const base = kind === 'range' ? 1000 : 15_000;
  return Math.max(kind === 'range' ? 100 : 1000, Math.round(base / timeScale));
}

/** What reports need of a scenario, with its conditions described as they are checked. */
export function scenarioFacts(
  loaded: LoadedScenario,
  c: ControlledScenario,
  ctx: Pick<LiveContext, 'outputs' | 'actions'>,
): ScenarioFacts {
  const s = loaded.scenario;
  const describe = (cond: Condition): ConditionFacts => {
    const { kind } = conditionParts(cond);
    let description: string;
    try {
      description = describeCondition(cond);
    } catch {
      description = kind.summary;
    }
    return { kind: kind.name, description, family: kind.family };
  };
  const phases: ScenarioFacts['phases'] = {};
  for (const [name, p] of Object.entries(c.phases) as Array<
    [PhaseName, NonNullable<ControlledScenario['phases'][PhaseName]>]
  >) {
    phases[name] = {
      targetMs: c.scoring.phases[name]!.targetMs,
      mode: p.mode,
      conditions: p.conditions.map(describe),
      ...(p.by ? { by: p.by } : {}),
    };
  }
  // Outputs are journaled by name, and a name that says secret is redacted there: never list its value.
  const resources = new Set<string>(
    Object.entries(ctx.outputs[s.id] ?? {})
      .filter(([name]) => !isSecretName(name))
      .map(([, value]) => value),
  );
  // Action results hold secrets in memory (a created key's secret): only what the journal may hold is used.
  for (const out of Object.values(ctx.actions[s.id] ?? {}))
    for (const v of leafStrings(redactSecrets(out))) if (v !== '[redacted]') resources.add(v);
  return {
    id: s.id,
    title: s.title,
    summary: s.summary,
    severity: s.severity,
    layer: s.layer,
    control: s.control,
    monitor: s.monitor,
    fix: s.fix,
    mitre: s.mitre ?? [],
    runbook: runbookOf(s).name,
    timeLimitMs: c.scoring.timeLimitMs,
    phases,
    steadyState: c.steadyState.map(describe),
    hints: c.hints,
    detections: s.detections ?? [],
    // Ids worth matching: not CIDRs, numbers or flags that any call might mention.
    resources: [...resources].filter(
      (r) => r.length >= 6 && !/^[\d./:]+$/.test(r) && !/^(true|false)$/.test(r),
    ),
  };
}

function leafStrings(value: unknown, depth = 0): string[] {
  if (depth > 10) return [];
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object')
    return Object.values(value).flatMap((v) => leafStrings(v, depth + 1));
  return [];
}
