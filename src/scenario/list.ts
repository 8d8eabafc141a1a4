import { packageRoot } from '../paths.js';
import { resolveTargets } from './catalog.js';
import { SEVERITIES, type Layer, type Severity } from './enums.js';
import { checkScenarioFile, type CatalogOptions } from './validate.js';

export interface ScenarioListing {
  id: string;
  /** A scenario, or a campaign (stages chained with offsets, and decoys). */
  kind: 'scenario' | 'campaign';
  title: string;
  severity: Severity;
  /** A campaign's layers are its stages'. */
  layer: Layer | 'campaign';
  /** A campaign's control line lists its stages with their offsets. */
  control: string;
  /** Where it can run (default both). */
  targets: Array<'range' | 'aws'>;
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
  const checkedFiles = resolveTargets([], { cwd, root }).map((abs) => checkScenarioFile(abs, { cwd }));
  const byId = new Map(
    checkedFiles.flatMap((c) => (c.scenario ? [[c.scenario.id, c.scenario] as const] : [])),
  );
  for (const { report, scenario: s, campaign } of checkedFiles) {
    if (campaign) {
      const stages = campaign.stages.map((st) => byId.get(st.scenario));
      const severity =
        campaign.severity ??
        SEVERITIES[Math.max(0, ...stages.map((st) => (st ? SEVERITIES.indexOf(st.severity) : 0)))]!;
      if (filter.layer || (filter.severity && severity !== filter.severity)) continue;
      const targets = (['range', 'aws'] as const).filter((t) =>
        stages.every((st) => (st?.targets ?? ['range', 'aws']).includes(t)),
      );
      scenarios.push({
        id: campaign.id,
        kind: 'campaign',
        title: campaign.title,
        severity,
        layer: 'campaign',
        control: `${campaign.stages.map((st) => `${st.scenario} at ${st.at ?? '0s'}`).join(', ')}${campaign.decoys?.length ? ` + ${campaign.decoys.length} decoy${campaign.decoys.length > 1 ? 's' : ''}` : ''}`,
        targets: [...targets],
        file: report.file,
      });
      continue;
    }
    if (!s) {
      invalid.push({ file: report.file, problems: report.problems.length });
      continue;
    }
    if (filter.layer && s.layer !== filter.layer) continue;
    if (filter.severity && s.severity !== filter.severity) continue;
    scenarios.push({
      id: s.id,
      kind: 'scenario',
      title: s.title,
      severity: s.severity,
      layer: s.layer,
      control: s.control,
      targets: s.targets ?? ['range', 'aws'],
      file: report.file,
    });
  }
  scenarios.sort((a, b) => a.id.localeCompare(b.id));
  return { scenarios, invalid };
}
