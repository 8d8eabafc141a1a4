import { conditionParts, type Condition } from '../signals/registry.js';
import type { SignalFamily } from '../signals/types.js';
import type { Layer, Severity } from './enums.js';
import { loadExercise, loadScenario } from './load.js';
import { UsageError } from '../errors.js';
import { PHASE_NAMES, runbookOf, type PhaseName } from './schema.js';
import type { CatalogOptions } from './validate.js';

export interface SignalView {
  kind: string;
  family: SignalFamily;
  params: unknown;
  /** The kind's human sentence for these parameters. */
  description: string;
}

export interface ScenarioView {
  id: string;
  title: string;
  summary: string;
  severity: Severity;
  layer: Layer;
  mitre: string[];
  file: string;
  /** The closed loop: the control, the monitor that sees it fail, the fix that restores it. */
  loop: { control: string; monitor: string; fix: string };
  timeLimit: string;
  phases: Array<{ name: PhaseName; target: string; mode: 'any' | 'all'; signals: SignalView[] }>;
  steadyState: SignalView[];
  hints: Array<{ at: string; cost: number; text: string }>;
  inject: {
    template: string;
    parameters: Record<string, string | number | boolean>;
    capabilities: string[];
    resources: Array<{ id: string; type: string }>;
    outputs: string[];
    actions: Array<{ id?: string; call: string; as?: string; input: Record<string, unknown> }>;
  };
  runbook: { name: string; file: string };
  autopilot: Array<{ at: string; description: string }>;
}

/** Everything about one scenario a facilitator reads before running it. */
export function showScenario(idOrPath: string, opts: CatalogOptions = {}): ScenarioView {
  const { scenario: s, template, file } = loadScenario(idOrPath, opts);
  const signal = (c: Condition): SignalView => {
    const { kind, params } = conditionParts(c);
    return { kind: kind.name, family: kind.family, params, description: kind.describe(params) };
  };
  const phases: ScenarioView['phases'] = [];
  for (const name of PHASE_NAMES) {
    const phase = s.phases[name];
    if (!phase) continue;
    const mode = phase.any ? 'any' : 'all';
    phases.push({ name, target: phase.target, mode, signals: (phase.any ?? phase.all ?? []).map(signal) });
  }
  return {
    id: s.id,
    title: s.title,
    summary: s.summary,
    severity: s.severity,
    layer: s.layer,
    mitre: s.mitre ?? [],
    file,
    loop: { control: s.control, monitor: s.monitor, fix: s.fix },
    timeLimit: s.timeLimit,
    phases,
    steadyState: (s.steadyState ?? []).map(signal),
    hints: (s.hints ?? []).map((h) => ({ at: h.at, cost: h.cost, text: h.text })),
    inject: {
      template: template.file,
      parameters: s.inject.stack.parameters ?? {},
      capabilities: s.inject.stack.capabilities ?? [],
      resources: [...template.resources.entries()].map(([id, r]) => ({ id, type: r.type })),
      outputs: [...template.outputs],
      actions: (s.inject.actions ?? []).map((a) => ({
        ...(a.id ? { id: a.id } : {}),
        call: a.call,
        ...(a.as ? { as: a.as } : {}),
        input: a.input ?? {},
      })),
    },
    runbook: { name: runbookOf(s).name, file: `runbooks/${runbookOf(s).name}.md.hbs` },
    autopilot: (s.autopilot ?? []).map((step) => ({
      at: step.at,
      description: step.ack
        ? `ack ${step.ack.finding}${step.ack.resource ? ` on ${step.ack.resource}` : ''}`
        : `call ${step.call}${step.as ? ` as ${step.as}` : ''}`,
    })),
  };
}

/** A campaign as a facilitator reads it: the storyline's stages with their offsets, and the decoys. */
export interface CampaignView {
  kind: 'campaign';
  id: string;
  title: string;
  summary: string;
  file: string;
  stages: Array<{ scenario: string; at: string; title: string; severity: string; timeLimit: string }>;
  decoys: Array<{ id: string; title: string; ticket: string; template: string; steadyState: SignalView[] }>;
}

export function showCampaign(idOrPath: string, opts: CatalogOptions = {}): CampaignView {
  const units = loadExercise([idOrPath], opts);
  const campaign = units.campaigns[0];
  if (!campaign) throw new UsageError('not-a-campaign', `${idOrPath} is a scenario, not a campaign`);
  const signal = (c: Condition): SignalView => {
    const { kind, params } = conditionParts(c);
    return { kind: kind.name, family: kind.family, params, description: kind.describe(params) };
  };
  return {
    kind: 'campaign',
    id: campaign.id,
    title: campaign.title,
    summary: campaign.summary,
    file: units.scenarios[0]?.file.replace(/[^/]+$/, `${campaign.id}.yaml`) ?? `${campaign.id}.yaml`,
    stages: campaign.stages.map((st) => {
      const l = units.scenarios.find((x) => x.scenario.id === st.scenario)!;
      return {
        scenario: st.scenario,
        at: st.at ?? '0s',
        title: l.scenario.title,
        severity: l.scenario.severity,
        timeLimit: l.scenario.timeLimit,
      };
    }),
    decoys: units.decoys.map((d) => ({
      id: d.decoy.id,
      title: d.decoy.title,
      ticket: d.decoy.ticket,
      template: d.template.file,
      steadyState: d.decoy.steadyState.map(signal),
    })),
  };
}
