import { Args } from '@oclif/core';
import { SirsCommand } from '../cli/base.js';
import type { ExitCode } from '../errors.js';
import type { ValidationReport } from '../scenario/validate.js';

export default class Validate extends SirsCommand {
  static override summary = 'Validate scenario files; report every problem with file:line:col.';
  static override description = `Checks each scenario against the schema (scenarios/scenario.schema.json) and beyond it: the CloudFormation template exists under templates/ and declares every parameter and {{outputs.X}} the scenario uses, the runbook exists, phase targets and hint times fit the time limit, ids are unique and match file names, and every API call (inject actions, autopilot steps) names a real operation with input members of the right names and types, as the AWS SDK defines them.

A call the range does not implement is a warning, not an error: the scenario can still run on AWS.

With no arguments, validates every scenario shipped with sirs. An argument with a "/" or a .yaml/.yml ending is a path (a file or a folder of scenarios, relative to the working directory); anything else is a scenario id.

Exit status: 0 when all files are valid, 1 when any is invalid, 2 on a usage error such as an unknown id. Warnings never make a file invalid.`;

  static override examples = [
    {
      description: 'Validate every scenario shipped with sirs',
      command: '<%= config.bin %> <%= command.id %>',
    },
    {
      description: 'Validate one scenario by id',
      command: '<%= config.bin %> <%= command.id %> ssh-open-to-world',
    },
    {
      description: 'Validate a file you are writing',
      command: '<%= config.bin %> <%= command.id %> ./my-scenarios/scenarios/s3-public.yaml',
    },
    { description: 'Machine-readable problems', command: '<%= config.bin %> <%= command.id %> --json' },
  ];

  static override strict = false;
  static override args = {
    target: Args.string({
      description: 'Scenario ids or paths (files or folders); all scenarios when omitted.',
    }),
  };

  protected override exitCodeFor(result: unknown): ExitCode {
    return (result as ValidationReport).valid ? 0 : 1;
  }

  async run(): Promise<ValidationReport> {
    const { argv } = await this.parse(Validate);
    const { validateScenarios } = await import('../scenario/validate.js');
    const report = validateScenarios(argv as string[]);
    if (!this.jsonEnabled()) {
      const { renderValidation } = await import('../cli/render/validate.js');
      this.log(renderValidation(report));
    }
    return report;
  }
}
