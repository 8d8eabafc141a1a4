import type { ScenarioList } from '../../scenario/list.js';
import { plural, table } from './text.js';

export function renderList(list: ScenarioList, width: number): string {
  const out: string[] = [];
  if (list.scenarios.length === 0) out.push('No scenarios match.');
  else {
    out.push(
      table(
        ['ID', 'TITLE', 'SEVERITY', 'LAYER', 'TARGETS', 'CONTROL'],
        list.scenarios.map((s) => [s.id, s.title, s.severity, s.layer, s.targets.join(','), s.control]),
        width,
      ),
    );
  }
  if (list.invalid.length > 0) {
    out.push('');
    out.push(`Not listed, invalid: ${list.invalid.map((f) => f.file).join(', ')} (run \`sirs validate\`).`);
  }
  out.push('');
  const campaigns = list.scenarios.filter((s) => s.kind === 'campaign').length;
  out.push(
    `${plural(list.scenarios.length - campaigns, 'scenario')}${campaigns ? ` and ${plural(campaigns, 'campaign')}` : ''}.`,
  );
  return out.join('\n');
}
