import type { CampaignView, ScenarioView, SignalView } from '../../scenario/show.js';
import { wrap } from './text.js';

/** A scenario as a facilitator reads it: what breaks, the closed loop, how the response is judged. */
export function renderScenario(v: ScenarioView, width: number): string {
  const out: string[] = [];
  const section = (title: string) => out.push('', title);
  const field = (label: string, value: string, pad = 9) =>
    out.push(`  ${label.padEnd(pad)}${wrap(value, width, pad + 2)}`);
  const bullet = (s: SignalView, indent: number) =>
    out.push(`${' '.repeat(indent)}• ${wrap(s.description, width, indent + 2)}`);

  out.push(`${v.title} (${v.id})`);
  const mitre = v.mitre.length > 0 ? ` · MITRE ${v.mitre.join(', ')}` : '';
  out.push(`severity ${v.severity} · layer ${v.layer}${mitre} · time limit ${v.timeLimit}`);
  out.push('');
  out.push(wrap(v.summary, width));

  section('CLOSED LOOP');
  field('control', v.loop.control);
  field('monitor', v.loop.monitor);
  field('fix', v.loop.fix);

  section('PHASES');
  for (const p of v.phases) {
    out.push(`  ${p.name.padEnd(9)}within ${p.target}, when ${p.mode === 'any' ? 'any' : 'all'} of:`);
    for (const s of p.signals) bullet(s, 13);
  }
  if (v.steadyState.length > 0) {
    section('STEADY STATE (must stay true; a breach is collateral damage)');
    for (const s of v.steadyState) bullet(s, 2);
  }
  if (v.hints.length > 0) {
    section('HINTS');
    for (const h of v.hints) {
      const head = `  ${h.at.padEnd(6)}-${String(h.cost).padStart(3)} pts  `;
      out.push(head + wrap(h.text, width, head.length));
    }
  }

  section('INJECT');
  const params = Object.entries(v.inject.parameters).map(([k, val]) => `${k}=${String(val)}`);
  field('stack', v.inject.template);
  if (params.length > 0) field('params', params.join(', '));
  if (v.inject.capabilities.length > 0) field('caps', v.inject.capabilities.join(', '));
  field('creates', v.inject.resources.map((r) => `${r.id} (${r.type})`).join(', '));
  field('outputs', v.inject.outputs.join(', ') || 'none');
  v.inject.actions.forEach((a, i) => field(i === 0 ? 'then' : '', `${a.call}${a.as ? ` as ${a.as}` : ''}`));

  section('RUNBOOK');
  out.push(`  ${v.runbook.file}`);
  if (v.autopilot.length > 0) {
    section('AUTOPILOT (scripted responder)');
    for (const a of v.autopilot) out.push(`  ${a.at.padEnd(6)} ${wrap(a.description, width, 9)}`);
  }
  return out.join('\n');
}

export function renderCampaign(v: CampaignView): string {
  const out = [`${v.title} (${v.id}) · campaign`, '', v.summary, '', 'STAGES'];
  for (const st of v.stages)
    out.push(
      `  at ${st.at.padEnd(6)} ${st.scenario} — ${st.title} (${st.severity}, time limit ${st.timeLimit})`,
    );
  if (v.decoys.length) {
    out.push('', 'DECOYS (benign changes responders must leave alone)');
    for (const d of v.decoys) {
      out.push(`  ${d.id} — ${d.title}`, `    ticket: ${d.ticket}`);
      for (const c of d.steadyState) out.push(`    • ${c.description}`);
    }
  }
  return out.join('\n');
}
