/**
 * Preflight, before anything is created: who sirs is acting as, in which account and region, whether
 * that account and region are allowed, and whether the exercise id is free. Only read calls here, so a
 * refusal leaves no trace but read events.
 */
import type { ApiSession } from '../aws/api.js';
import { awsErrorCode } from '../aws/api.js';
import type { Target } from '../aws/target.js';
import { SirsError } from '../errors.js';
import type { Scenario } from '../scenario/schema.js';
import type { SirsConfig } from './config.js';
import { CONFIG_FILE } from './config.js';
import { deriveExercise, hasLiveResources } from './derive.js';
import { journalPath, readJournal } from './journal.js';
import { existsSync } from 'node:fs';
import { taggedStacks } from './stacks.js';
import { checkPermissions, describeMissing } from '../policy/check.js';
import { policyFor, type PolicySubject } from '../policy/generate.js';

export interface Identity {
  accountId: string;
  accountAlias?: string;
  principalArn: string;
  region: string;
}

export class Refusal extends SirsError {
  constructor(code: string, message: string, suggestions: string[] = []) {
    super(code, message, { suggestions });
  }
}

export async function whoAmI(session: ApiSession, region: string): Promise<Identity> {
  let me: Record<string, unknown>;
  try {
    me = await session.call('sts:GetCallerIdentity', {});
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EHOSTUNREACH/.test(code)) {
      throw new SirsError('target-unreachable', `cannot reach the target: ${(err as Error).message}`, {
        suggestions: ['is the range running (sirs range start)? Is --endpoint-url right?'],
      });
    }
    if (
      /CredentialsProviderError|Could not load credentials/.test(
        `${(err as Error).name} ${(err as Error).message}`,
      )
    ) {
      throw new SirsError('no-credentials', 'no AWS credentials found', {
        suggestions: [
          'use --profile, AWS_PROFILE, `aws sso login`, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
        ],
      });
    }
    throw err;
  }
  let accountAlias: string | undefined;
  try {
    const aliases = await session.call('iam:ListAccountAliases', {});
    accountAlias = (aliases.AccountAliases as string[] | undefined)?.[0];
  } catch (err) {
    // The alias is shown when sirs may read it; AccessDenied is not a reason to stop.
    if (!awsErrorCode(err)) throw err;
  }
  return {
    accountId: String(me.Account),
    principalArn: String(me.Arn),
    region,
    ...(accountAlias ? { accountAlias } : {}),
  };
}

/** Every reason not to start, checked before anything is created. */
export async function preflight(opts: {
  session: ApiSession;
  target: Target;
  config: SirsConfig;
  configFile?: string;
  scenarios: readonly Scenario[];
  exerciseId: string;
  stateRoot: string;
  namePrefix: string;
  /**
   * The permission check of the caller against what `sirs policy` prints for these scenarios: on AWS,
   * and on the range for anyone but root and its built-in administrator. Absent or `skip`: not run.
   */
  permissions?: {
    subject: PolicySubject;
    /** `--defenses` as given, for the `sirs policy` command that grants what they need. */
    defensePaths?: readonly string[];
    skip?: boolean;
    warn(message: string): void;
  };
}): Promise<Identity> {
  const identity = await whoAmI(opts.session, opts.target.region);
  if (opts.target.kind === 'aws') {
    const allowed = opts.config.aws?.allowedAccounts ?? [];
    if (!allowed.includes(identity.accountId)) {
      throw new Refusal(
        'account-not-allowed',
        `account ${identity.accountId}${identity.accountAlias ? ` (${identity.accountAlias})` : ''} is not on the allowlist; sirs creates nothing there`,
        [
          allowed.length
            ? `allowed accounts (${opts.configFile ?? CONFIG_FILE}): ${allowed.join(', ')}`
            : `add it to aws.allowedAccounts in ${CONFIG_FILE} if it is a sandbox account`,
          'or run on the range: leave out --target aws',
        ],
      );
    }
    const regions = opts.config.aws?.allowedRegions;
    if (regions && !regions.includes(identity.region)) {
      throw new Refusal('region-not-allowed', `region ${identity.region} is not allowed for exercises`, [
        `allowed regions: ${regions.join(', ')} (aws.allowedRegions in ${opts.configFile ?? CONFIG_FILE})`,
      ]);
    }
  }
  if (!opts.target.canActAsRoot) {
    for (const s of opts.scenarios) {
      const needsRoot = [...(s.inject.actions ?? []), ...(s.autopilot ?? [])].some((a) => a.as === 'root');
      if (needsRoot) {
        throw opts.target.kind === 'range'
          ? new Refusal(
              'range-root-keys-required',
              `scenario ${s.id} acts as the account root, and sirs does not have this range's root keys`,
              [
                'export SIRS_RANGE_ROOT_ACCESS_KEY_ID and SIRS_RANGE_ROOT_SECRET_ACCESS_KEY as `sirs range start` printed them',
              ],
            )
          : new Refusal(
              'root-required',
              `scenario ${s.id} acts as the account root, which only the range can do`,
              ['run it on the range (leave out --target aws)'],
            );
      }
    }
  }
  const path = journalPath(opts.exerciseId, opts.stateRoot);
  if (existsSync(path)) {
    const summary = deriveExercise(opts.exerciseId, readJournal(path));
    if (hasLiveResources(summary)) {
      throw new Refusal(
        'exercise-id-live',
        `exercise ${opts.exerciseId} still has live resources: ${summary.liveStacks.join(', ') || 'temporary keys'}`,
        [`finish it first: sirs cleanup --exercise ${opts.exerciseId}`, 'or choose another --exercise-id'],
      );
    }
  }
  const tagged = await taggedStacks(opts.session, opts.exerciseId);
  if (tagged.length) {
    const names = tagged.map((t) => t.stackName).join(', ');
    throw new Refusal(
      'exercise-id-live',
      `exercise ${opts.exerciseId} still has stacks in the target: ${names}`,
      [`finish it first: sirs cleanup --exercise ${opts.exerciseId}`, 'or choose another --exercise-id'],
    );
  }
  if (opts.permissions && !opts.permissions.skip) await permissionCheck(opts, identity, opts.permissions);
  return identity;
}

/** A path as a shell takes it: quoted when it holds anything but safe characters. */
function shellWord(value: string): string {
  return /^[\w./@:=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The range's built-in administrator and root are unrestricted: nothing to check for them. */
function unrestrictedOnRange(arn: string): boolean {
  return /:root$/.test(arn) || /:user\/range-admin$/.test(arn);
}

async function permissionCheck(
  opts: { session: ApiSession; target: Target; scenarios: readonly Scenario[]; namePrefix: string },
  identity: Identity,
  permissions: NonNullable<Parameters<typeof preflight>[0]['permissions']>,
): Promise<void> {
  if (opts.target.kind === 'range' && unrestrictedOnRange(identity.principalArn)) return;
  const policy = policyFor(permissions.subject, { namePrefix: opts.namePrefix });
  const check = await checkPermissions(opts.session, {
    principalArn: identity.principalArn,
    accountId: identity.accountId,
    region: identity.region,
    policy,
  });
  if (!check.checked) {
    permissions.warn(
      `permissions not checked before injecting: ${check.reason}; a missing permission will fail the exercise once it is live (sirs tears down what it created)`,
    );
    return;
  }
  if (check.missing.length === 0) return;
  const ids = policy.scenarios.join(' ');
  const defenses = (permissions.defensePaths ?? []).map((p) => ` --defenses ${shellWord(p)}`).join('');
  const actions = check.missing.reduce((n, m) => n + m.actions.length, 0);
  throw new Refusal(
    'permissions-missing',
    `${check.principal} lacks ${actions} permission${actions === 1 ? '' : 's'} these scenarios${defenses ? ' and defences' : ''} need, in ${check.missing.length} statement${check.missing.length === 1 ? '' : 's'} of sirs' policy; nothing was created`,
    [
      ...describeMissing(check.missing),
      `grant them: sirs policy ${ids}${defenses} --format cfn --out sirs-role.cfn.yaml, deploy it once, and run sirs as its role`,
      'or run anyway with --skip-permission-check (the exercise fails when it first needs one)',
    ],
  );
}
