/**
 * Campaigns: one storyline of several scenarios injected at offsets (logging stopped, then a backdoor
 * user, then a public object for exfiltration), plus decoys — benign, ticketed changes that responders
 * must leave alone (touching one is collateral damage). A campaign is a file in a catalog's scenarios/
 * folder with a `stages:` key; its stage scenarios are ordinary scenarios of the same catalog.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readCfnTemplate, type CfnTemplate } from './cfn-template.js';
import type { CheckContext } from './context.js';
import { didYouMean } from './did-you-mean.js';
import { isRecord, valueAt } from './issues.js';
import { durationMs } from './duration.js';
import { parsePlaceholder, scanPlaceholders } from './placeholders.js';
import { stringScalars } from './document.js';
import { Action, Condition, Duration, KEBAB_CASE, ScenarioId, Severity, Stack } from './schema.js';
import { resolveInside } from './source.js';

export const Stage = z
  .strictObject({
    scenario: ScenarioId.describe('A scenario of the same catalog (scenarios/<id>.yaml).'),
    at: Duration.optional().describe(
      'When the stage is injected, from the start of the exercise (default: at the start); its phase targets, hints and time limit count from when it is live.',
    ),
  })
  .describe('One stage of the storyline.');

export const Decoy = z
  .strictObject({
    id: z
      .string()
      .regex(KEBAB_CASE, { error: 'must be kebab-case, like planned-sftp-change' })
      .describe('Kebab-case id, unique in the campaign.'),
    title: z.string().min(1).describe('The change, as the change calendar names it.'),
    ticket: z
      .string()
      .min(1)
      .describe(
        'The approved change as responders see it in the change calendar sirs prints when the exercise goes live (ticket number, owner, what and why).',
      ),
    stack: Stack.describe('The CloudFormation stack that makes the benign change.'),
    actions: z.array(Action).optional().describe('API calls made after the stack is up.'),
    steadyState: z
      .array(Condition)
      .min(1, { error: 'a decoy needs at least one steady-state check: what responders must leave alone' })
      .describe(
        'What must stay as it is; a responder who reverts the change breaches it (collateral damage).',
      ),
  })
  .describe('A benign, planned change that looks suspicious: responders must not "fix" it.');

export const Campaign = z
  .strictObject({
    id: ScenarioId,
    title: z
      .string()
      .min(1, { error: 'must not be empty' })
      .describe('Short title, as listed by `sirs list`.'),
    summary: z
      .string()
      .min(1, { error: 'must not be empty' })
      .describe('The storyline, for the facilitator.'),
    severity: Severity.optional().describe('How bad the whole campaign is (default: its worst stage).'),
    stages: z
      .array(Stage)
      .min(1, { error: 'a campaign needs at least one stage' })
      .describe('The scenarios of the storyline and when each is injected.'),
    decoys: z.array(Decoy).optional().describe('Benign changes responders must leave alone.'),
  })
  .meta({ title: 'sirs campaign' })
  .describe('A sirs campaign: scenarios chained with offsets into one storyline, and decoys.');

export type Campaign = z.output<typeof Campaign>;
export type Decoy = z.output<typeof Decoy>;

/** Is this parsed file a campaign (rather than a scenario)? */
export function isCampaignData(data: Record<string, unknown>): boolean {
  return Object.hasOwn(data, 'stages');
}

export function renderCampaignJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(Campaign, { io: 'input', target: 'draft-07' }), null, 2)}\n`;
}

/** Semantic checks of a campaign: stage scenarios exist, decoy templates and their outputs. */
export function checkCampaign(
  ctx: CheckContext,
  stageScenario: (id: string) => { valid: boolean } | undefined,
): Map<string, CfnTemplate> {
  const templates = new Map<string, CfnTemplate>();
  const stages = ctx.data.stages;
  const seen = new Set<string>();
  if (Array.isArray(stages)) {
    const known = existsSync(join(ctx.root, 'scenarios'))
      ? [
          ...new Set(
            stages.flatMap((s) => (isRecord(s) && typeof s.scenario === 'string' ? [s.scenario] : [])),
          ),
        ]
      : [];
    stages.forEach((s, i) => {
      if (!isRecord(s) || typeof s.scenario !== 'string' || !KEBAB_CASE.test(s.scenario)) return;
      if (seen.has(s.scenario)) {
        ctx.at(['stages', i, 'scenario'], 'duplicate-stage', `scenario ${s.scenario} is already a stage`);
      }
      seen.add(s.scenario);
      const checked = stageScenario(s.scenario);
      if (!checked) {
        ctx.at(
          ['stages', i, 'scenario'],
          'stage-not-found',
          `stage scenario "${s.scenario}" not found: there is no scenarios/${s.scenario}.yaml`,
          didYouMean(
            s.scenario,
            known.filter((k) => k !== s.scenario),
          ),
        );
      } else if (!checked.valid) {
        ctx.at(
          ['stages', i, 'scenario'],
          'stage-invalid',
          `stage scenario ${s.scenario} is invalid`,
          `sirs validate ${s.scenario}`,
        );
      }
    });
  }
  const decoys = ctx.data.decoys;
  if (!Array.isArray(decoys)) return templates;
  const ids = new Set<string>();
  decoys.forEach((d, i) => {
    if (!isRecord(d)) return;
    if (typeof d.id === 'string') {
      if (ids.has(d.id) || seen.has(d.id))
        ctx.at(['decoys', i, 'id'], 'duplicate-decoy', `"${d.id}" is already the id of a stage or decoy`);
      ids.add(d.id);
    }
    const name = valueAt(d, ['stack', 'template']);
    if (typeof name !== 'string' || name === '') return;
    const resolved = resolveInside(join(ctx.root, 'templates'), name, 'templates');
    if (!resolved.ok) {
      ctx.at(['decoys', i, 'stack', 'template'], 'template-not-found', `template ${resolved.issue.message}`);
      return;
    }
    const { template, problems } = readCfnTemplate(resolved.abs, ctx.display(resolved.abs));
    problems.forEach((p) => ctx.report(p));
    if (!template) return;
    templates.set(String(d.id), template);
    const params = valueAt(d, ['stack', 'parameters']);
    for (const p of Object.keys(isRecord(params) ? params : {})) {
      if (!template.parameters.has(p)) {
        ctx.at(
          ['decoys', i, 'stack', 'parameters', p],
          'unknown-parameter',
          `parameter "${p}" is not declared in ${template.file}`,
          didYouMean(p, [...template.parameters.keys()]),
          { key: true },
        );
      }
    }
  });
  // Placeholders in a decoy refer to its own template's outputs.
  for (const { value, path } of stringScalars(ctx.source)) {
    if (path[0] !== 'decoys' || typeof path[1] !== 'number') continue;
    const decoy = decoys[path[1]];
    const outputs = isRecord(decoy) ? templates.get(String(decoy.id))?.outputs : undefined;
    for (const token of scanPlaceholders(value).tokens) {
      const parsed = parsePlaceholder(token.expr, outputs, new Set());
      if (!parsed.ok) ctx.at(path, 'unknown-placeholder', parsed.message, parsed.hint);
    }
  }
  return templates;
}

/** When the campaign ends: the latest stage start plus that scenario's time limit. */
export function campaignTimeLimitMs(stages: ReadonlyArray<{ atMs: number; timeLimit: string }>): number {
  return Math.max(...stages.map((s) => s.atMs + durationMs(s.timeLimit)));
}
