import { Args, Flags } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';
import { UsageError, type ExitCode } from '../errors.js';
import type { LintReport, RuleInfo } from '../lint/index.js';
import type { Severity } from '../lint/types.js';

const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical'];

export default class Lint extends SirsCommand {
  static override summary =
    'Check CloudFormation templates against security rules, before anything is deployed.';
  static override description = `Reads CloudFormation templates (YAML with short forms like !Ref and !Sub, or JSON; files and folders), resolves what can be known before deployment (parameters with their defaults or --parameters, pseudo parameters, conditions, Fn::Sub, Fn::If, Fn::FindInMap, Fn::Select, Fn::Join, Fn::Split) and judges every resource with the rule pack: security groups, S3, CloudTrail, IAM, KMS, VPC flow logs and network ACLs, EBS, RDS, Lambda and patching. Each finding names the rule, its severity, the resource, file:line:col, the control it protects and how to fix it.

A value only known after deployment (Fn::GetAtt, a parameter without a default) is never taken as safe or unsafe: the check that needs it is skipped and counted as "not judged" (--verbose lists them). A resource whose Condition is false is not judged.

Accept a finding in the template with Metadata: { sirs: { ignore: [{ rule: SG001, reason: "..." }] } } on the resource; the reason is required and reported. A .sirs-lint.yaml (in the working directory or above, or --config) turns rules off or changes their severities.

With --deploy, the template is also created on an ephemeral in-process range and the same rules judge the deployed resources as the range reports them, which shows what the template leaves to defaults; findings seen only there are marked "after deployment". The range is torn down in every case. No AWS account is used.

Exit status: 1 when a finding at or above --fail-on (default high) is present or a template cannot be read, 2 on a usage error, else 0.`;

  static override examples = [
    {
      description: 'Lint the templates of a repository',
      command: '<%= config.bin %> <%= command.id %> templates/',
    },
    {
      description: 'SARIF for code scanning (findings inline on pull requests)',
      command: '<%= config.bin %> <%= command.id %> infra/ --format sarif > sirs-lint.sarif',
    },
    {
      description: 'Fail the build on medium findings too, with a parameter set',
      command:
        '<%= config.bin %> <%= command.id %> stack.yaml --fail-on medium --parameters Env=prod --parameters AdminCidr=10.0.0.0/24',
    },
    {
      description: 'Deploy to an ephemeral range and judge the deployed resources as well',
      command: '<%= config.bin %> <%= command.id %> --deploy stack.yaml',
    },
    {
      description: 'The rules, their controls and fixes',
      command: '<%= config.bin %> <%= command.id %> --list-rules',
    },
  ];

  static override strict = false;
  static override args = {
    path: Args.string({
      description: 'Template files or folders of templates (default: the working directory).',
    }),
  };

  static override flags = {
    format: Flags.string({
      description: 'Output format (--json gives the report as JSON).',
      options: ['human', 'sarif'],
      default: 'human',
    }),
    'fail-on': Flags.string({
      description: 'Exit 1 when a finding at or above this severity is present.',
      options: SEVERITIES,
    }),
    config: Flags.string({
      description: 'Lint config file (default: .sirs-lint.yaml here or in a folder above).',
    }),
    parameters: Flags.string({
      description: 'A template parameter as Key=Value (repeatable); overrides its default.',
      multiple: true,
    }),
    deploy: Flags.boolean({
      description: 'Also deploy each template to an ephemeral range and judge the deployed resources.',
    }),
    verbose: Flags.boolean({
      description: 'List the checks not judged because a value is known only after deployment.',
    }),
    'list-rules': Flags.boolean({ description: 'List the rules and exit.' }),
  };

  protected override exitCodeFor(result: unknown): ExitCode {
    return (result as LintReport | { rules: unknown[]; failed?: undefined }).failed ? 1 : 0;
  }

  async run(): Promise<LintReport | { rules: RuleInfo[] }> {
    const { argv, flags } = await this.parse(Lint);
    const lint = await import('../lint/index.js');
    if (flags['list-rules']) {
      const rules = lint.ruleInfos({ rules: {} });
      if (!this.jsonEnabled())
        for (const r of rules)
          this.log(`${r.id.padEnd(8)} ${r.severity.padEnd(9)}${r.title}\n         ${r.control}`);
      return { rules };
    }
    const parameters = parseParameters(flags.parameters ?? []);
    const options = {
      paths: argv as string[],
      cwd: process.cwd(),
      parameters,
      ...(flags.config ? { configFile: flags.config } : {}),
      ...(flags['fail-on'] ? { failOn: flags['fail-on'] as Severity } : {}),
    };
    const report = flags.deploy
      ? await (await import('../lint/deploy.js')).lintDeployed(options)
      : lint.lintPaths(options);
    if (this.jsonEnabled()) return report;
    if (flags.format === 'sarif') {
      const { toSarif } = await import('../lint/sarif.js');
      this.log(JSON.stringify(toSarif(report, this.config.version), null, 2));
    } else {
      const { renderLint } = await import('../lint/render.js');
      const { wantsColour } = await import('../board/text.js');
      this.log(renderLint(report, { colour: wantsColour(process.stdout), verbose: flags.verbose }));
    }
    return report;
  }
}

function parseParameters(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new UsageError('bad-parameter', `--parameters takes Key=Value, not "${item}"`, {
        suggestions: ['--parameters BastionCidr=10.0.0.0/24'],
      });
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}
