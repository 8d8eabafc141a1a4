/**
 * The project config, `sirs.config.yaml` in the working directory (or --config): which AWS accounts and
 * regions sirs may touch, the name prefix of everything it creates, and extra tags. Without one, sirs
 * runs on the range only: a real AWS account must be allowed explicitly.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { SirsError } from '../errors.js';
import { parseYaml } from '../scenario/document.js';
import { schemaProblems } from '../scenario/issues.js';
import { formatProblem } from '../scenario/problem.js';
import { readTextFile } from '../scenario/source.js';

export const CONFIG_FILE = 'sirs.config.yaml';

const TagKey = z
  .string()
  .regex(/^[\w .:/=+\-@]{1,128}$/, {
    error: 'must be a valid AWS tag key (1-128 letters, digits, spaces, _ . : / = + - @)',
  })
  .refine((k) => !k.startsWith('aws:') && !k.startsWith('sirs:'), {
    error: 'aws: and sirs: tag keys are reserved',
  });

export const SirsConfig = z
  .strictObject({
    aws: z
      .strictObject({
        allowedAccounts: z
          .array(z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' }))
          .min(1)
          .describe('AWS accounts sirs may create resources in (sandbox accounts only).'),
        allowedRegions: z
          .array(
            z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be a region name like us-east-1' }),
          )
          .optional()
          .describe('Regions sirs may use; any region of an allowed account when absent.'),
      })
      .optional(),
    namePrefix: z
      .string()
      .regex(/^[a-z][a-z0-9]{0,15}$/, {
        error: 'must be 1-16 lower-case letters and digits, starting with a letter',
      })
      .default('sirs')
      .describe('Prefix of every stack sirs creates: <prefix>-<exercise>-<scenario>.'),
    tags: z
      .record(TagKey, z.string().max(256))
      .default({})
      .describe('Extra tags on every stack (and so on every taggable resource).'),
  })
  .describe('sirs project configuration');

export type SirsConfig = z.output<typeof SirsConfig>;

export function defaultConfig(): SirsConfig {
  return SirsConfig.parse({});
}

/** Load the config; a missing default file means defaults, a missing explicit file is an error. */
export function loadConfig(opts: { path?: string; cwd?: string } = {}): {
  config: SirsConfig;
  file?: string;
} {
  const cwd = opts.cwd ?? process.cwd();
  const file = resolve(cwd, opts.path ?? CONFIG_FILE);
  if (!existsSync(file)) {
    if (opts.path) throw new SirsError('config-not-found', `config file ${opts.path} does not exist`);
    return { config: defaultConfig() };
  }
  const read = readTextFile(file, 'the config file');
  if (!read.ok) throw new SirsError('bad-config', `${file}: ${read.issue.message}`);
  const parsed = parseYaml(read.text, file);
  if (!parsed.ok) throw configError(file, parsed.problems.map(formatProblem));
  const problems = schemaProblems(SirsConfig, parsed.data ?? {}, parsed.source);
  if (problems.length) throw configError(file, problems.map(formatProblem));
  return { config: SirsConfig.parse(parsed.data ?? {}), file };
}

function configError(file: string, lines: string[]): SirsError {
  return new SirsError('bad-config', `${file} is not a valid sirs config`, { suggestions: lines });
}
