import { packageRoot } from '../paths.js';
import { SirsError } from '../errors.js';
import type { CfnTemplate } from './cfn-template.js';
import { catalogRootOf, resolveTargets } from './catalog.js';
import { formatProblem } from './problem.js';
import type { Scenario } from './schema.js';
import { checkScenarioFile, type CatalogOptions } from './validate.js';

export interface LoadedScenario {
  scenario: Scenario;
  template: CfnTemplate;
  /** The scenario file, as shown to the user. */
  file: string;
  /** The catalog root (the folder with scenarios/, templates/ and runbooks/), absolute. */
  root: string;
}

/**
 * Loads one valid scenario by id (or path). An invalid one is an error that lists its first problems and
 * points at `sirs validate`; later stages (planning, running) only ever see valid scenarios.
 */
export function loadScenario(idOrPath: string, opts: CatalogOptions = {}): LoadedScenario {
  const cwd = opts.cwd ?? process.cwd();
  const root = opts.root ?? packageRoot();
  const [abs] = resolveTargets([idOrPath], { cwd, root });
  const checked = checkScenarioFile(abs!, { cwd });
  if (!checked.scenario || !checked.template) {
    const problems = checked.report.problems;
    const shown = problems.slice(0, 5).map(formatProblem);
    if (problems.length > shown.length) shown.push(`... and ${problems.length - shown.length} more`);
    throw new SirsError(
      'invalid-scenario',
      `scenario ${idOrPath} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
      {
        suggestions: [...shown, `run \`sirs validate ${idOrPath}\` for the full list`],
      },
    );
  }
  return {
    scenario: checked.scenario,
    template: checked.template,
    file: checked.report.file,
    root: catalogRootOf(abs!),
  };
}
