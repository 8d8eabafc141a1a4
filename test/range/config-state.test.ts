import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  ConfigServiceClient,
  DescribeConfigRuleEvaluationStatusCommand,
  DescribeConfigRulesCommand,
  PutConfigRuleCommand,
  StartConfigRulesEvaluationCommand,
} from '@aws-sdk/client-config-service';
import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ManualClock } from '../../src/range/clock.js';
import { configIdle } from '../../src/range/services/config/schedule.js';
import { startRecording, verdicts } from './config-fixtures.js';
import { startTestRange } from './harness.js';

// AWS Config survives a --state-dir restart: rules, their verdicts, and their periodic runs.

describe('range: AWS Config across a --state-dir restart', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sirs-config-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps rules and verdicts, and runs a periodic rule on schedule after the restart', async () => {
    const start = Date.parse('2026-06-02T14:00:00Z');
    const first = await startTestRange({ stateDir: dir, clock: new ManualClock(start) });
    let vpc = '';
    try {
      const config = new ConfigServiceClient(first.clientConfig());
      await startRecording(first, config);
      vpc =
        (await new EC2Client(first.clientConfig()).send(new CreateVpcCommand({ CidrBlock: '10.6.0.0/16' })))
          .Vpc?.VpcId ?? '';
      await config.send(
        new PutConfigRuleCommand({
          ConfigRule: {
            ConfigRuleName: 'vpc-flow-logs-enabled',
            Source: { Owner: 'AWS', SourceIdentifier: 'VPC_FLOW_LOGS_ENABLED' },
            MaximumExecutionFrequency: 'One_Hour',
          },
        }),
      );
      await config.send(
        new StartConfigRulesEvaluationCommand({ ConfigRuleNames: ['vpc-flow-logs-enabled'] }),
      );
      await configIdle();
      // A call after the evaluation, so its verdicts are on disk before the range stops.
      expect((await verdicts(config, 'vpc-flow-logs-enabled'))[vpc]).to.equal('NON_COMPLIANT');
    } finally {
      await first.stop();
    }
    const clock = new ManualClock(start + 60_000);
    const second = await startTestRange({ stateDir: dir, clock });
    try {
      const config = new ConfigServiceClient(second.clientConfig());
      const rules = await config.send(new DescribeConfigRulesCommand({}));
      expect(rules.ConfigRules?.map((r) => r.ConfigRuleName)).to.deep.equal(['vpc-flow-logs-enabled']);
      expect((await verdicts(config, 'vpc-flow-logs-enabled'))[vpc]).to.equal('NON_COMPLIANT');
      const status = async () =>
        (
          await config.send(
            new DescribeConfigRuleEvaluationStatusCommand({ ConfigRuleNames: ['vpc-flow-logs-enabled'] }),
          )
        ).ConfigRulesEvaluationStatus?.[0]?.LastSuccessfulEvaluationTime?.getTime();
      const before = await status();
      clock.advance(3_600_000);
      await configIdle();
      expect(await status()).to.be.greaterThan(before ?? Infinity);
    } finally {
      await second.stop();
    }
  });
});
