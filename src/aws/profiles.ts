/**
 * Named profiles in the shared AWS config and credentials files, so that `--profile nosuch` is refused
 * as what it is (an unknown profile, listing those that exist) before the SDK turns it into a puzzling
 * "needs a region" or "could not load credentials".
 *
 * Section names as the AWS CLI documents them (docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html):
 * `[default]` and `[profile NAME]` in the config file; `[default]` and `[NAME]` in the credentials file.
 * Other config sections (`[sso-session NAME]`, `[services NAME]`) are not profiles.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { closest } from '../scenario/did-you-mean.js';

export interface SharedFiles {
  configFile: string;
  credentialsFile: string;
}

/** Where the SDK and the AWS CLI look: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else ~/.aws. */
export function sharedFiles(env: NodeJS.ProcessEnv = process.env): SharedFiles {
  const home = env.HOME || homedir();
  return {
    configFile: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

function sections(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
    if (m) names.push(m[1]!);
  }
  return names;
}

/** Every profile name the two files define, sorted. */
export function profileNames(files: SharedFiles = sharedFiles()): string[] {
  const names = new Set<string>();
  for (const s of sections(files.configFile)) {
    if (s === 'default') names.add(s);
    const m = /^profile\s+(\S.*)$/.exec(s);
    if (m) names.add(m[1]!);
  }
  for (const s of sections(files.credentialsFile)) names.add(s);
  return [...names].sort();
}

/** Refuses a profile that neither file defines, naming the ones that exist. */
export function checkProfile(profile: string, opts: { via?: string; files?: SharedFiles } = {}): void {
  const files = opts.files ?? sharedFiles();
  const known = profileNames(files);
  if (known.includes(profile)) return;
  const near = closest(profile, known);
  throw new UsageError(
    'unknown-profile',
    `profile ${profile}${opts.via ? ` (${opts.via})` : ''} not found in ${files.configFile} or ${files.credentialsFile}`,
    {
      suggestions: [
        ...(near ? [`did you mean --profile ${near}?`] : []),
        known.length
          ? `profiles that exist: ${known.join(', ')}`
          : 'no profiles are defined: create one with `aws configure --profile NAME` (or `aws configure sso`)',
      ],
    },
  );
}

/** The profile the SDK would use: --profile, else AWS_PROFILE (unless keys in the environment win). */
export function checkSelectedProfile(
  profile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (profile) return checkProfile(profile, { via: '--profile' });
  if (env.AWS_PROFILE && !env.AWS_ACCESS_KEY_ID) checkProfile(env.AWS_PROFILE, { via: 'AWS_PROFILE' });
}
