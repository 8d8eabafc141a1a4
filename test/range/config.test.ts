import { expect } from 'chai';
import {
  ConfigServiceClient,
  DeleteConfigRuleCommand,
  DeleteDeliveryChannelCommand,
  DescribeConfigRulesCommand,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
  PutConfigRuleCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  PutEvaluationsCommand,
  StartConfigurationRecorderCommand,
  StopConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ManualClock } from '../../src/range/clock.js';
import { failure, startTestRange, type TestRange } from './harness.js';

// The configuration recorder, delivery channel and rule lifecycle, through the SDK and the AWS CLI,
// with AWS Config's documented errors (AWS Config API Reference) and CloudTrail records.

describe('range: AWS Config recorder, delivery channel and rules', function () {
  this.timeout(60_000);
  const clock = new ManualClock(Date.parse('2026-06-02T14:00:00Z'));
  let range: TestRange;
  let config: ConfigServiceClient;
  const role = () => `arn:aws:iam::${range.accountId}:role/config-recorder`;

  before(async () => {
    range = await startTestRange({ clock });
    config = new ConfigServiceClient(range.clientConfig());
    await new S3Client(range.clientConfig()).send(new CreateBucketCommand({ Bucket: 'config-delivery' }));
  });
  after(() => range.stop());

  it('refuses a rule or a delivery channel before a recorder exists', async () => {
    const rule = await failure(
      config.send(
        new PutConfigRuleCommand({
          ConfigRule: {
            ConfigRuleName: 'restricted-ssh',
            Source: { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED' },
          },
        }),
      ),
    );
    expect(rule.name).to.equal('NoAvailableConfigurationRecorderException');
    const channel = await range.awsFails([
      'configservice',
      'put-delivery-channel',
      '--delivery-channel',
      'name=default,s3BucketName=config-delivery',
    ]);
    expect(channel.stderr).to.contain('NoAvailableConfigurationRecorderException');
  });

  it('puts, starts and stops a recorder with its delivery channel, and CloudTrail records each call', async () => {
    await range.aws([
      'configservice',
      'put-configuration-recorder',
      '--configuration-recorder',
      `name=default,roleARN=${role()}`,
      '--recording-group',
      'allSupported=true,includeGlobalResourceTypes=true',
    ]);
    const second = await failure(
      config.send(
        new PutConfigurationRecorderCommand({ ConfigurationRecorder: { name: 'other', roleARN: role() } }),
      ),
    );
    expect(second.name).to.equal('MaxNumberOfConfigurationRecordersExceededException');
    const noChannel = await failure(
      config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' })),
    );
    expect(noChannel.name).to.equal('NoAvailableDeliveryChannelException');
    const noBucket = await failure(
      config.send(
        new PutDeliveryChannelCommand({
          DeliveryChannel: { name: 'default', s3BucketName: 'no-such-bucket' },
        }),
      ),
    );
    expect(noBucket.name).to.equal('NoSuchBucketException');
    await config.send(
      new PutDeliveryChannelCommand({
        DeliveryChannel: { name: 'default', s3BucketName: 'config-delivery' },
      }),
    );
    await range.aws([
      'configservice',
      'start-configuration-recorder',
      '--configuration-recorder-name',
      'default',
    ]);

    const recorders = await config.send(new DescribeConfigurationRecordersCommand({}));
    expect(recorders.ConfigurationRecorders?.[0]).to.deep.include({ name: 'default', roleARN: role() });
    const status = (await range.aws(['configservice', 'describe-configuration-recorder-status'])) as {
      ConfigurationRecordersStatus: Array<{ name: string; recording: boolean }>;
    };
    expect(status.ConfigurationRecordersStatus[0]).to.include({ name: 'default', recording: true });
    const channels = await config.send(new DescribeDeliveryChannelsCommand({}));
    expect(channels.DeliveryChannels?.[0]).to.include({ name: 'default', s3BucketName: 'config-delivery' });

    // A running recorder keeps its delivery channel.
    const busy = await failure(
      config.send(new DeleteDeliveryChannelCommand({ DeliveryChannelName: 'default' })),
    );
    expect(busy.name).to.equal('LastDeliveryChannelDeleteFailedException');
    await config.send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    const stopped = await config.send(new DescribeConfigurationRecorderStatusCommand({}));
    expect(stopped.ConfigurationRecordersStatus?.[0]?.recording).to.equal(false);
    await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));

    const started = range.events('StartConfigurationRecorder').filter((e) => !e.errorCode);
    expect(started).to.have.length(2);
    expect(started[0]).to.deep.include({ eventSource: 'config.amazonaws.com', readOnly: false });
    expect(started[0]?.requestParameters).to.deep.equal({ configurationRecorderName: 'default' });
    expect(range.events('PutDeliveryChannel').map((e) => e.errorCode)).to.deep.equal([
      'NoAvailableConfigurationRecorderException',
      'NoSuchBucketException',
      undefined,
    ]);
  });

  it('puts, describes and deletes managed and custom rules, refusing what AWS refuses', async () => {
    await range.aws([
      'configservice',
      'put-config-rule',
      '--config-rule',
      JSON.stringify({
        ConfigRuleName: 'restricted-common-ports',
        Source: { Owner: 'AWS', SourceIdentifier: 'RESTRICTED_INCOMING_TRAFFIC' },
        InputParameters: JSON.stringify({ blockedPort1: '8080' }),
        Scope: { ComplianceResourceTypes: ['AWS::EC2::SecurityGroup'] },
      }),
    ]);
    const described = (await range.aws([
      'configservice',
      'describe-config-rules',
      '--config-rule-names',
      'restricted-common-ports',
    ])) as { ConfigRules: Array<Record<string, unknown>> };
    expect(described.ConfigRules[0]).to.deep.include({
      ConfigRuleName: 'restricted-common-ports',
      ConfigRuleState: 'ACTIVE',
      Source: { Owner: 'AWS', SourceIdentifier: 'RESTRICTED_INCOMING_TRAFFIC' },
    });
    expect(described.ConfigRules[0]?.ConfigRuleArn).to.match(
      new RegExp(`^arn:aws:config:${range.region}:${range.accountId}:config-rule/config-rule-[0-9a-f]{6}$`),
    );

    const changeWithFrequency = await failure(
      config.send(
        new PutConfigRuleCommand({
          ConfigRule: {
            ConfigRuleName: 'iam-user-no-policies-check',
            Source: { Owner: 'AWS', SourceIdentifier: 'IAM_USER_NO_POLICIES_CHECK' },
            MaximumExecutionFrequency: 'One_Hour',
          },
        }),
      ),
    );
    expect(changeWithFrequency.name).to.equal('InvalidParameterValueException');
    const customWithoutDetails = await failure(
      config.send(
        new PutConfigRuleCommand({
          ConfigRule: {
            ConfigRuleName: 'custom',
            Source: {
              Owner: 'CUSTOM_LAMBDA',
              SourceIdentifier: `arn:aws:lambda:${range.region}:${range.accountId}:function:check`,
            },
          },
        }),
      ),
    );
    expect(customWithoutDetails.name).to.equal('InvalidParameterValueException');
    const badToken = await failure(
      config.send(new PutEvaluationsCommand({ ResultToken: 'forged', Evaluations: [] })),
    );
    expect(badToken.name).to.equal('InvalidResultTokenException');

    await config.send(new DeleteConfigRuleCommand({ ConfigRuleName: 'restricted-common-ports' }));
    const gone = await failure(
      config.send(new DescribeConfigRulesCommand({ ConfigRuleNames: ['restricted-common-ports'] })),
    );
    expect(gone.name).to.equal('NoSuchConfigRuleException');
    const again = await range.awsFails([
      'configservice',
      'delete-config-rule',
      '--config-rule-name',
      'restricted-common-ports',
    ]);
    expect(again.stderr).to.contain('NoSuchConfigRuleException');
    const put = range.events('PutConfigRule').at(-1);
    expect(put?.requestParameters).to.have.nested.property('configRule.configRuleName');
  });
});
