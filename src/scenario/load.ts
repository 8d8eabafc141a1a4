import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { SirsError, UsageError } from '../errors.js';
import type { CfnTemplate } from './cfn-template.js';
import type { Campaign, Decoy } from './campaign.js';
import { catalogRootOf, resolveTargets } from './catalog.js';
import { durationMs } from './duration.js';
import { formatProblem } from './problem.js';
import type { Scenario } from './schema.js';
import { checkScenarioFile, type CatalogOptions, type CheckedScenario } from './validate.js';

export interface LoadedScenario {
  scenario: Scenario;
  template: CfnTemplate;
  /** The scenario file, as shown to the user. */
  file: string;
  /** The catalog root (the folder with scenarios/, templates/ and runbooks/), absolute. */
  root: string;
  /** A campaign stage: injected this long after the exercise starts (exercise time). */
  atMs?: number;
}

/** A campaign's decoy: a benign change responders must leave alone. */
export interface LoadedDecoy {
  decoy: Decoy;
  template: CfnTemplate;
  root: string;
  campaign: string;
}

/** What `sirs start` runs: scenarios (campaign stages with their offsets) and decoys. */
export interface LoadedExercise {
  scenarios: LoadedScenario[];
  decoys: LoadedDecoy[];
  campaigns: Campaign[];
}

function invalid(idOrPath: string, checked: CheckedScenario, what: string): SirsError {
  const problems = checked.report.problems.filter((p) => p.severity !== 'warning');
  const shown = problems.slice(0, 5).map(formatProblem);
  if (problems.length > shown.length) shown.push(`... and ${problems.length - shown.length} more`);
  return new SirsError(
    'invalid-scenario',
    `${what} ${idOrPath} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
    { suggestions: [...shown, `run \`sirs validate ${idOrPath}\` for the full list`] },
  );
}

function check(idOrPath: string, opts: CatalogOptions): { abs: string; checked: CheckedScenario } {
  const cwd = opts.cwd ?? process.cwd();
  const root = opts.root ?? packageRoot();
  const [abs] = resolveTargets([idOrPath], { cwd, root });
  return { abs: abs!, checked: checkScenarioFile(abs!, { cwd }) };
}

/**
 * Loads one valid scenario by id (or path). An invalid one is an error that lists its first problems and
 * points at `sirs validate`; later stages (planning, running) only ever see valid scenarios.
 */
export function loadScenario(idOrPath: string, opts: CatalogOptions = {}): LoadedScenario {
  const { abs, checked } = check(idOrPath, opts);
  if (checked.campaign) {
    throw new UsageError('is-a-campaign', `${idOrPath} is a campaign, not a scenario`, {
      suggestions: [`run it with sirs start ${idOrPath}`],
    });
  }
  if (!checked.scenario || !checked.template) throw invalid(idOrPath, checked, 'scenario');
  return {
    scenario: checked.scenario,
    template: checked.template,
    file: checked.report.file,
    root: catalogRootOf(abs),
  };
}

/** Scenarios and campaigns named on the command line, campaigns expanded into their stages and decoys. */
export function loadExercise(idsOrPaths: readonly string[], opts: CatalogOptions = {}): LoadedExercise {
  const out: LoadedExercise = { scenarios: [], decoys: [], campaigns: [] };
  for (const idOrPath of idsOrPaths) {
    const { abs, checked } = check(idOrPath, opts);
    if (checked.scenario && checked.template) {
      out.scenarios.push({
        scenario: checked.scenario,
        template: checked.template,
        file: checked.report.file,
        root: catalogRootOf(abs),
      });
      continue;
    }
    const campaign = checked.campaign;
    if (!campaign) throw invalid(idOrPath, checked, 'scenario');
    const root = catalogRootOf(abs);
    out.campaigns.push(campaign);
    for (const stage of campaign.stages) {
      const loaded = loadScenario(join(root, 'scenarios', `${stage.scenario}.yaml`), opts);
      out.scenarios.push({ ...loaded, atMs: stage.at ? durationMs(stage.at) : 0 });
    }
    for (const decoy of campaign.decoys ?? []) {
      out.decoys.push({
        decoy,
        template: checked.decoyTemplates!.get(decoy.id)!,
        root,
        campaign: campaign.id,
      });
    }
  }
  return out;
}
