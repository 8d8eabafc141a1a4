import type { EventResource, ServiceDefinition } from '../../context.js';
import {
  deleteAlarms,
  disableAlarmActions,
  enableAlarmActions,
  setAlarmState,
} from './handlers/alarm-state.js';
import { describeAlarmHistory, describeAlarms, describeAlarmsForMetric } from './handlers/alarm-queries.js';
import { putMetricAlarm } from './handlers/alarms.js';
import { getMetricData } from './handlers/metric-data.js';
import { getMetricStatistics, listMetrics, putMetricData } from './handlers/metrics.js';
import { listTagsForResource, tagResource, untagResource } from './handlers/tags.js';

const ALARM = 'AWS::CloudWatch::Alarm';

/** CloudWatch metrics and alarms (range service `monitoring`, CloudWatch's SigV4 signing name). */
export const monitoringService: ServiceDefinition = {
  name: 'monitoring',
  eventSource: 'monitoring.amazonaws.com',
  handlers: {
    PutMetricData: putMetricData,
    ListMetrics: listMetrics,
    GetMetricStatistics: getMetricStatistics,
    GetMetricData: getMetricData,
    PutMetricAlarm: putMetricAlarm,
    DescribeAlarms: describeAlarms,
    DescribeAlarmsForMetric: describeAlarmsForMetric,
    DescribeAlarmHistory: describeAlarmHistory,
    SetAlarmState: setAlarmState,
    DeleteAlarms: deleteAlarms,
    EnableAlarmActions: enableAlarmActions,
    DisableAlarmActions: disableAlarmActions,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
  },
  // CloudTrail logs CloudWatch's metric reads and writes as data events (resource type AWS::CloudWatch::Metric).
  dataEvents: new Set(['PutMetricData', 'GetMetricData', 'GetMetricStatistics', 'ListMetrics']),
  resources(_operation, input): EventResource[] {
    const names = [
      ...(typeof input.AlarmName === 'string' ? [input.AlarmName] : []),
      ...(Array.isArray(input.AlarmNames)
        ? (input.AlarmNames as unknown[]).filter((n): n is string => typeof n === 'string')
        : []),
    ];
    const arn = /:alarm:(.+)$/.exec(typeof input.ResourceARN === 'string' ? input.ResourceARN : '');
    if (arn?.[1]) names.push(arn[1]);
    return [...new Set(names)].map((ResourceName) => ({ ResourceType: ALARM, ResourceName }));
  },
};
