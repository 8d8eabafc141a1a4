import { cfnTags } from '../scenario/cfn-template.js';
import { parseYaml, type YamlSource } from '../scenario/document.js';
import { isRecord } from '../scenario/issues.js';
import type { Problem } from '../scenario/problem.js';
import { readTextFile } from '../scenario/source.js';

/**
 * A CloudFormation template read for linting: the data with short forms expanded (`!Ref X` as
 * `{ Ref: X }`), and the parsed source that says where any path of it is. The reader is the scenario
 * validator's (one YAML loader, same limits: size, depth, alias bombs); JSON templates are YAML too.
 */
export interface LintTemplate {
  file: string;
  source: YamlSource;
  data: Record<string, unknown>;
  resources: Array<{ id: string; type: string; raw: Record<string, unknown> }>;
}

export type TemplateRead =
  | { ok: true; template: LintTemplate }
  | { ok: false; problems: Problem[] }
  /** Parsed, but not a CloudFormation template (a workflow file in the same folder, say). */
  | { ok: false; notCloudFormation: true; problems: Problem[] };

export function readLintTemplate(abs: string, display: string): TemplateRead {
  const read = readTextFile(abs, 'the template');
  if (!read.ok) {
    const { line = 1, col = 1, ...rest } = read.issue;
    return { ok: false, problems: [{ file: display, line, col, path: '', ...rest }] };
  }
  return parseLintTemplate(read.text, display);
}

export function parseLintTemplate(text: string, display: string): TemplateRead {
  const parsed = parseYaml(text, display, { customTags: cfnTags });
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  const { source, data } = parsed;
  if (!isRecord(data) || !isRecord(data.Resources)) {
    return {
      ok: false,
      notCloudFormation: true,
      problems: [
        source.problem([], 'not-cloudformation', 'not a CloudFormation template (no Resources section)'),
      ],
    };
  }
  const resources: LintTemplate['resources'] = [];
  const problems: Problem[] = [];
  for (const [id, raw] of Object.entries(data.Resources)) {
    if (!isRecord(raw) || typeof raw.Type !== 'string') {
      problems.push(
        source.problem(
          ['Resources', id],
          'template-invalid',
          `resource ${id} needs a Type like AWS::EC2::VPC`,
        ),
      );
      continue;
    }
    resources.push({ id, type: raw.Type, raw });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, template: { file: display, source, data, resources } };
}
