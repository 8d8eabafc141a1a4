import { Flags } from '@oclif/core';
import { SirsCommand } from '../../cli/base.js';
import { SirsError, UsageError } from '../../errors.js';
import type { RangeStateError } from '../../range/index.js';

export default class RangeStart extends SirsCommand {
  static override summary = 'Start the range: a local AWS-compatible endpoint with CloudTrail built in.';
  static override description = `The range listens on 127.0.0.1 only and speaks the AWS wire protocols for the services
scenarios use (STS, IAM, EC2, S3, CloudTrail, CloudWatch Logs, CloudWatch, KMS, SSM, SNS,
CloudFormation), so the real AWS CLI and SDKs work against it unchanged. Every call becomes a
CloudTrail event, visible through LookupEvents and delivered to a logging trail's log group.

It prints the environment a responder pastes into a shell, then serves until Ctrl-C.
With --state-dir the range keeps its state on disk and picks it up again on the next start.

It is a local training endpoint for trusted code: it verifies every request's SigV4 signature
with the secret of the key used, answers only requests addressed to its loopback address and
port, and refuses browser pages. The administrator and root secrets are random, kept in
--state-dir (mode 0600) so they survive a restart; set SIRS_RANGE_ADMIN_SECRET_ACCESS_KEY /
SIRS_RANGE_ROOT_SECRET_ACCESS_KEY to choose them. It does not evaluate IAM policies yet.`;

  static override examples = [
    {
      description: 'Start on the default port and paste the printed exports into another shell',
      command: '<%= config.bin %> range start',
    },
    {
      description: 'Keep state between restarts',
      command: '<%= config.bin %> range start --state-dir .sirs/range',
    },
    {
      description: 'Start again after the state folder was damaged, keeping what can be read',
      command: '<%= config.bin %> range start --state-dir .sirs/range --repair',
    },
    {
      description: 'Stress the toolkit: throttle 10% of calls, fail 2%, add 50 ms',
      command: '<%= config.bin %> range start --faults throttle=0.1,error=0.02,latency=50ms',
    },
  ];

  static override enableJsonFlag = false;

  static override flags = {
    port: Flags.integer({
      description: 'TCP port on 127.0.0.1 (0 picks a free one).',
      default: 4566,
      min: 0,
      max: 65535,
    }),
    'account-id': Flags.string({
      description: 'The 12-digit account id of the default account.',
      default: '123456789012',
    }),
    region: Flags.string({ description: 'The default region.', default: 'us-east-1' }),
    'state-dir': Flags.string({
      description: 'Keep state in this folder across restarts (every answered write is on disk first).',
    }),
    repair: Flags.boolean({
      description:
        'When the state in --state-dir is damaged: keep what reads well, drop the rest (said on stderr), keep the damaged files aside.',
      dependsOn: ['state-dir'],
      exclusive: ['reset-state'],
    }),
    'reset-state': Flags.boolean({
      description:
        'Start with an empty range; the files in --state-dir are kept aside (renamed), not deleted.',
      dependsOn: ['state-dir'],
    }),
    'trail-retention-days': Flags.integer({
      description: 'Days of CloudTrail Event history the range keeps (AWS keeps 90).',
      default: 90,
      min: 1,
    }),
    'trail-retention-events': Flags.integer({
      description: 'At most this many CloudTrail events are kept, the newest (about 3 KB of memory each).',
      default: 100_000,
      min: 1,
    }),
    faults: Flags.string({ description: 'Inject faults: throttle=<share>,error=<share>,latency=<ms>ms.' }),
    'well-known-keys': Flags.boolean({
      description:
        'Use the fixed demo keys printed in the README instead of random secrets (tests and demos only: anyone can sign with them).',
    }),
    'allowed-host': Flags.string({
      description:
        'Also answer requests addressed to this host name (besides 127.0.0.1, localhost, [::1]); repeatable.',
      multiple: true,
    }),
    'allow-origin': Flags.string({
      description:
        'Accept requests from this browser origin (e.g. http://localhost:3000); repeatable. Default: none.',
      multiple: true,
    }),
    'lookup-events-rate': Flags.integer({
      description: 'CloudTrail LookupEvents requests per second per account and region (0: no limit).',
      default: 2,
      min: 0,
    }),
    json: Flags.boolean({ description: 'Print the endpoint and environment as one JSON line.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(RangeStart);
    if (!/^\d{12}$/.test(flags['account-id'])) {
      throw new UsageError('bad-account-id', `--account-id must be 12 digits, got '${flags['account-id']}'.`);
    }
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(flags.region)) {
      throw new UsageError(
        'bad-region',
        `--region '${flags.region}' is not an AWS region name (e.g. us-east-1).`,
      );
    }
    const { startRange, parseFaultSpec, RangeStateError } = await import('../../range/index.js');
    let faults;
    try {
      faults = flags.faults ? parseFaultSpec(flags.faults) : undefined;
    } catch (err) {
      throw new UsageError('bad-faults', `--faults: ${(err as Error).message}`, {
        suggestions: ['Example: --faults throttle=0.1,error=0.02,latency=50ms'],
      });
    }
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    let range;
    try {
      range = await startRange({
        port: flags.port,
        accountId: flags['account-id'],
        region: flags.region,
        stateDir: flags['state-dir'],
        stateRecovery: flags.repair ? 'repair' : flags['reset-state'] ? 'reset' : undefined,
        trailRetention: { days: flags['trail-retention-days'], events: flags['trail-retention-events'] },
        faults,
        wellKnownKeys: flags['well-known-keys'],
        // Secrets chosen by the user come from the environment, never from flags (visible in `ps`).
        adminSecretAccessKey: process.env.SIRS_RANGE_ADMIN_SECRET_ACCESS_KEY || undefined,
        rootSecretAccessKey: process.env.SIRS_RANGE_ROOT_SECRET_ACCESS_KEY || undefined,
        allowedHosts: flags['allowed-host'] ?? [],
        allowedOrigins: flags['allow-origin'] ?? [],
        lookupEventsPerSecond: flags['lookup-events-rate'],
        log: (m) => process.stderr.write(`${m}\n`),
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new SirsError('port-in-use', `Port ${flags.port} on 127.0.0.1 is already in use.`, {
          suggestions: ['Stop whatever holds it (another range?), or pass --port 0 to pick a free port.'],
        });
      }
      if (err instanceof RangeStateError) throw stateError(err);
      throw err;
    }
    const env = range.env();
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ endpoint: range.endpoint, accountId: range.accountId, region: range.region, env, root: range.rootCredentials })}\n`,
      );
    } else {
      this.log(`The range is listening on ${range.endpoint} (account ${range.accountId}, ${range.region}).`);
      this.log(`Paste this into a responder's shell to use the aws CLI and SDKs against it:\n`);
      for (const [k, v] of Object.entries(env)) this.log(`export ${k}=${v}`);
      this.log(
        `\nSIRS_RANGE_ROOT_* are the account root's keys (for simulating root activity: sirs and runbooks use them).`,
      );
      if (flags['well-known-keys']) {
        this.log('These are the well-known demo keys: anyone who has read the README can sign with them.');
      } else if (flags['state-dir']) {
        this.log(`The secrets are kept in ${flags['state-dir']}/range-credentials.json (mode 0600).`);
      } else {
        this.log('The secrets are new for this run (keep them across restarts with --state-dir).');
      }
      if (flags['state-dir']) this.log(`State is kept in ${flags['state-dir']}.`);
      this.log('Stop with Ctrl-C.');
    }
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void range.stop().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    if (!flags.json) this.log('The range stopped.');
  }
}

/** A damaged or newer state folder: say what was found and the two ways to go on. */
function stateError(err: RangeStateError): SirsError {
  const dir = err.dir;
  if (err.newer) {
    return new SirsError('range-state-newer', err.message, {
      suggestions: [
        'Upgrade sirs to a version that reads this state.',
        `Or start empty: sirs range start --state-dir ${dir} --reset-state (the files are kept aside, renamed).`,
        'Or use another --state-dir.',
      ],
    });
  }
  const keeps = err.problems.map((p) => `${p.file}: ${p.keeps}`).join('; ');
  return new SirsError('range-state-damaged', `${err.message}\nNothing was changed.`, {
    suggestions: [
      `Keep what can be read: sirs range start --state-dir ${dir} --repair (keeps ${keeps}; the damaged files are kept as <file>.corrupt-<time>).`,
      `Or start empty: sirs range start --state-dir ${dir} --reset-state (the old files are kept aside, renamed).`,
    ],
  });
}
