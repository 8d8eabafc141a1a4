import { packageRoot } from '../paths.js';
import { resolveTargets } from './catalog.js';
import type { Layer, Severity } from './enums.js';
import { checkScenarioFile, type CatalogOptions } from './validate.js';

export interface ScenarioListing {
  id: string;
  title: string;
  severity: Severity;
  layer: Layer;
  control: string;
  file: string;
}

export interface ScenarioList {
  scenarios: ScenarioListing[];
  /** Files that failed validation and so are not listed; `sirs validate` explains why. */
  invalid: Array<{ file: string; problems: number }>;
}

export interface ListFilter {
  layer?: Layer;
  severity?: Severity;
}

/** The valid scenarios of the catalog, optionally filtered by layer and severity, sorted by id. */
export function listScenarios(filter: ListFilter = {}, opts: CatalogOptions = {}): ScenarioList {
  const cwd = opts.cwd ?? process.cwd();
  const root = opts.root ?? packageRoot();
  const scenarios: ScenarioListing[] = [];
  const invalid: ScenarioList['invalid'] = [];
  for (const abs of resolveTargets([], { cwd, root })) {
    const { report, scenario: s } = checkScenarioFile(abs, { cwd });
    if (!s) {
      invalid.push({ file: report.file, problems: report.problems.length });
      continue;
    }
    if (filter.layer && s.layer !== filter.layer) continue;
    if (filter.severity && s.severity !== filter.severity) continue;
    scenarios.push({
      id: s.id,
      title: s.title,
      severity: s.severity,
      layer: s.layer,
      control: s.control,
      file: report.file,
    });
  }
  scenarios.sort((a, b) => a.id.localeCompare(b.id));
  return { scenarios, invalid };
}
