/**
 * `sirs init`: scaffold a scenario catalog outside the package — scenarios/ (with the JSON Schemas, so
 * editors validate while you type), templates/ and runbooks/ — starting from a copy of a shipped
 * scenario. Never overwrites a file.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { KEBAB_CASE, runbookOf } from './schema.js';
import { loadScenario } from './load.js';

export interface InitOptions {
  dir: string;
  /** The scenario to start from (a shipped id). */
  from?: string;
  /** The new scenario's id. */
  id?: string;
  cwd?: string;
}

export interface InitResult {
  catalog: string;
  scenario: string;
  created: string[];
  next: string[];
}

export function initCatalog(opts: InitOptions): InitResult {
  const cwd = opts.cwd ?? process.cwd();
  const catalog = resolve(cwd, opts.dir);
  const from = opts.from ?? 'ssh-open-to-world';
  const id = opts.id ?? `my-${from}`;
  if (!KEBAB_CASE.test(id)) {
    throw new UsageError('bad-id', `--id ${id} must be kebab-case, like my-ssh-exposure`);
  }
  const source = loadScenario(from);
  const runbook = runbookOf(source.scenario).name;
  const pkg = packageRoot();
  const files: Array<{ to: string; text?: string; copy?: string }> = [
    { to: join('scenarios', 'scenario.schema.json'), copy: join(pkg, 'scenarios', 'scenario.schema.json') },
    { to: join('scenarios', 'campaign.schema.json'), copy: join(pkg, 'scenarios', 'campaign.schema.json') },
    {
      to: join('scenarios', `${id}.yaml`),
      text: readFileSync(join(pkg, 'scenarios', `${from}.yaml`), 'utf8')
        .replace(new RegExp(`^id: ${from}$`, 'm'), `id: ${id}`)
        .replace(`template: ${from}.cfn.yaml`, `template: ${id}.cfn.yaml`),
    },
    { to: join('templates', `${id}.cfn.yaml`), copy: join(pkg, 'templates', `${from}.cfn.yaml`) },
    { to: join('runbooks', `${runbook}.md.hbs`), copy: join(pkg, 'runbooks', `${runbook}.md.hbs`) },
  ];
  // The fault as infrastructure, for `sirs lint` (scenarios whose fault is made by inject actions).
  const lintTemplate = source.scenario.lint?.template;
  if (lintTemplate)
    files.push({ to: join('templates', lintTemplate), copy: join(pkg, 'templates', lintTemplate) });
  const textOf = (f: (typeof files)[number]) => f.text ?? readFileSync(f.copy!, 'utf8');
  // A second scenario in the same catalog shares the schemas and maybe the runbook: identical files stay.
  const same = (f: (typeof files)[number]) => readFileSync(join(catalog, f.to), 'utf8') === textOf(f);
  const clashes = files.filter((f) => existsSync(join(catalog, f.to)) && !same(f));
  if (clashes.length) {
    throw new UsageError(
      'would-overwrite',
      `${catalog} already has ${clashes.map((f) => f.to).join(', ')}; sirs init never overwrites a file`,
      { suggestions: ['pick another folder, or another --id'] },
    );
  }
  const created: string[] = [];
  for (const f of files) {
    const to = join(catalog, f.to);
    if (existsSync(to)) continue;
    mkdirSync(join(to, '..'), { recursive: true });
    if (f.copy) copyFileSync(f.copy, to);
    else writeFileSync(to, f.text!);
    created.push(to);
  }
  const rel = (p: string) => (p.startsWith(`${cwd}/`) ? p.slice(cwd.length + 1) : p);
  const scenarioFile = rel(join(catalog, 'scenarios', `${id}.yaml`));
  return {
    catalog,
    scenario: id,
    created,
    next: [
      `edit ${scenarioFile} and ${rel(join(catalog, 'templates', `${id}.cfn.yaml`))} (your editor validates against scenarios/scenario.schema.json)`,
      `sirs validate ${rel(join(catalog, 'scenarios'))}/`,
      `sirs runbook ${scenarioFile} --spoilers`,
      `sirs start ${scenarioFile} --autopilot`,
    ],
  };
}
