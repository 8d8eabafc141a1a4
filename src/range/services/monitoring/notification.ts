import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { awsTimestamp } from './evaluate.js';

/** Region names as CloudWatch writes them in notifications ("in US East (N. Virginia)"). */
const REGION_NAMES: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'ca-central-1': 'Canada (Central)',
  'eu-west-1': 'EU (Ireland)',
  'eu-west-2': 'EU (London)',
  'eu-west-3': 'EU (Paris)',
  'eu-central-1': 'EU (Frankfurt)',
  'eu-north-1': 'EU (Stockholm)',
  'eu-south-1': 'EU (Milan)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-northeast-2': 'Asia Pacific (Seoul)',
  'ap-northeast-3': 'Asia Pacific (Osaka)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'sa-east-1': 'South America (Sao Paulo)',
};

export function regionName(region: string): string {
  return REGION_NAMES[region] ?? region;
}

/** The SNS subject of an alarm notification: `ALARM: "name" in US East (N. Virginia)` (SNS allows 100 characters). */
export function notificationSubject(alarm: MetricAlarm, region: string): string {
  const subject = `${alarm.StateValue ?? ''}: "${alarm.AlarmName ?? ''}" in ${regionName(region)}`;
  return subject.length > 100 ? subject.slice(0, 100) : subject;
}

/**
 * The JSON message CloudWatch publishes to an SNS topic when an alarm changes state, with the
 * fields in AWS's order. `alarm` already carries the new state.
 */
export function notificationMessage(
  alarm: MetricAlarm,
  opts: { accountId: string; region: string; oldState: string },
): string {
  const extended = alarm.ExtendedStatistic !== undefined;
  const message = {
    AlarmName: alarm.AlarmName,
    AlarmDescription: alarm.AlarmDescription ?? null,
    AWSAccountId: opts.accountId,
    AlarmConfigurationUpdatedTimestamp: awsTimestamp(
      alarm.AlarmConfigurationUpdatedTimestamp?.getTime() ?? 0,
    ),
    NewStateValue: alarm.StateValue,
    NewStateReason: alarm.StateReason,
    StateChangeTime: awsTimestamp(alarm.StateUpdatedTimestamp?.getTime() ?? 0),
    Region: regionName(opts.region),
    AlarmArn: alarm.AlarmArn,
    OldStateValue: opts.oldState,
    OKActions: alarm.OKActions ?? [],
    AlarmActions: alarm.AlarmActions ?? [],
    InsufficientDataActions: alarm.InsufficientDataActions ?? [],
    Trigger: {
      MetricName: alarm.MetricName,
      Namespace: alarm.Namespace,
      StatisticType: extended ? 'ExtendedStatistic' : 'Statistic',
      ...(extended
        ? { ExtendedStatistic: alarm.ExtendedStatistic }
        : { Statistic: (alarm.Statistic ?? '').toUpperCase() }),
      Unit: alarm.Unit ?? null,
      Dimensions: (alarm.Dimensions ?? []).map((d) => ({ value: d.Value, name: d.Name })),
      Period: alarm.Period,
      EvaluationPeriods: alarm.EvaluationPeriods,
      DatapointsToAlarm: alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods,
      ComparisonOperator: alarm.ComparisonOperator,
      Threshold: alarm.Threshold,
      TreatMissingData: alarm.TreatMissingData ?? 'missing',
      EvaluateLowSampleCountPercentile: alarm.EvaluateLowSampleCountPercentile ?? '',
    },
  };
  return JSON.stringify(message);
}
