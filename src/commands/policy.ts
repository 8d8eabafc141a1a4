import { Args, Flags } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';
import type { PolicyResult } from '../policy/index.js';

export default class Policy extends SirsCommand {
  static override summary = 'Print the least-privilege IAM policy sirs needs to run scenarios on AWS.';
  static override description = `Derived from the scenario files, never listed by hand: CloudFormation's own calls on stacks
named with the configured prefix; for every resource type of the scenarios' templates, what
CloudFormation needs to create, update, read and delete it (from the resource type schemas); every
inject action and autopilot call sirs makes, and what teardown calls to undo them; the reads of every
signal the scenarios use; with --defenses, what CloudFormation needs for every resource type of the
team's defence templates (their EventBridge rules, Lambda functions, Config rules and remediations, SSM
documents, roles), iam:PassRole only to the service each role is for, and what sirs reads to explain a
loop that failed; the exercise channel (/sirs/exercises/<id>), temporary keys, teardown and
sirs cleanup. Resources are scoped to the name prefix, or to the names the scenarios give, wherever
the action has resource types; "Resource": "*" only for actions without any (their Sid says so).

The policy is longer than one IAM managed policy may be (6,144 characters): --format cfn splits it
into managed policies and adds a role for sirs, with the principal that may assume it as a
parameter. Deploy that template once; sirs start --target aws checks the role's permissions before
it injects anything.`;
  static override examples = [
    {
      description: 'The policy for one scenario',
      command: '<%= config.bin %> <%= command.id %> ssh-open-to-world',
    },
    {
      description: 'A role for the whole library, deployed once by an administrator',
      command:
        '<%= config.bin %> <%= command.id %> --all --format cfn --out sirs-role.cfn.yaml && aws cloudformation deploy --template-file sirs-role.cfn.yaml --stack-name sirs-facilitator --capabilities CAPABILITY_IAM --parameter-overrides TrustedPrincipalArn=arn:aws:iam::123456789012:role/Facilitator',
    },
    {
      description: "The policy for a drill of the team's automation, defences included",
      command:
        '<%= config.bin %> <%= command.id %> ssh-open-to-world --defenses templates/defenses/ssh-revert.cfn.yaml --format cfn --out sirs-role.cfn.yaml',
    },
    {
      description: 'Why each action is there',
      command: '<%= config.bin %> <%= command.id %> kms-key-deletion --json',
    },
  ];
  static override strict = false;
  static override args = {
    scenario: Args.string({ description: 'Scenario or campaign ids or paths (or --all).' }),
  };
  static override flags = {
    all: Flags.boolean({ description: 'Every scenario and campaign of the library.' }),
    format: Flags.option({
      options: ['json', 'cfn'] as const,
      default: 'json' as const,
      description:
        'A policy document (json) or a CloudFormation template with managed policies and a role (cfn).',
    })(),
    defenses: Flags.string({
      description:
        'Also cover these defences, as sirs start/drill --defenses takes them: CloudFormation templates or folders of them (what deploying them as sirs stacks needs, scoped to the name prefix), or on AWS the names of stacks already deployed (reads only). Repeat for several.',
      multiple: true,
      multipleNonGreedy: true,
    }),
    out: Flags.string({ description: 'Write it to this file instead of printing it.' }),
    config: Flags.string({
      description: 'Project config file, for the name prefix (default: sirs.config.yaml).',
    }),
  };

  async run(): Promise<PolicyResult> {
    const { argv, flags } = await this.parse(Policy);
    const { sirsPolicy } = await import('../policy/index.js');
    const result = sirsPolicy({
      scenarios: argv as string[],
      all: flags.all,
      ...(flags.defenses?.length ? { defenses: flags.defenses } : {}),
      format: flags.format,
      ...(flags.out ? { out: flags.out } : {}),
      ...(flags.config ? { config: flags.config } : {}),
    });
    if (!this.jsonEnabled()) {
      if (result.file) {
        this.log(
          `Policy for ${result.scenarios.length} scenario(s)${result.defenses.length ? ` and ${result.defenses.length} defence(s)` : ''} written to ${result.file} (${result.policy.Statement.length} statements, ${result.managedPolicies} managed polic${result.managedPolicies === 1 ? 'y' : 'ies'})`,
        );
      } else process.stdout.write(result.text);
    }
    return result;
  }
}
