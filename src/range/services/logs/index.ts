import type { ServiceDefinition } from '../../context.js';
import { filterLogEvents, getLogEvents, putLogEvents } from './handlers/events.js';
import {
  createLogGroup,
  deleteLogGroup,
  deleteRetentionPolicy,
  describeLogGroups,
  listTagsForResource,
  listTagsLogGroup,
  putRetentionPolicy,
  tagLogGroup,
  tagResource,
  untagLogGroup,
  untagResource,
} from './handlers/groups.js';
import {
  deleteMetricFilter,
  describeMetricFilters,
  putMetricFilter,
  testMetricFilter,
} from './handlers/metric-filters.js';
import { describeQueries, getLogRecord, getQueryResults, startQuery, stopQuery } from './handlers/queries.js';
import { createLogStream, deleteLogStream, describeLogStreams } from './handlers/streams.js';

export const logsService: ServiceDefinition = {
  name: 'logs',
  eventSource: 'logs.amazonaws.com',
  handlers: {
    CreateLogGroup: createLogGroup,
    DeleteLogGroup: deleteLogGroup,
    DescribeLogGroups: describeLogGroups,
    PutRetentionPolicy: putRetentionPolicy,
    DeleteRetentionPolicy: deleteRetentionPolicy,
    TagLogGroup: tagLogGroup,
    UntagLogGroup: untagLogGroup,
    ListTagsLogGroup: listTagsLogGroup,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
    CreateLogStream: createLogStream,
    DeleteLogStream: deleteLogStream,
    DescribeLogStreams: describeLogStreams,
    PutLogEvents: putLogEvents,
    GetLogEvents: getLogEvents,
    FilterLogEvents: filterLogEvents,
    PutMetricFilter: putMetricFilter,
    DescribeMetricFilters: describeMetricFilters,
    DeleteMetricFilter: deleteMetricFilter,
    TestMetricFilter: testMetricFilter,
    StartQuery: startQuery,
    GetQueryResults: getQueryResults,
    StopQuery: stopQuery,
    DescribeQueries: describeQueries,
    GetLogRecord: getLogRecord,
  },
  // "Logging CloudWatch Logs API calls in AWS CloudTrail" lists the control-plane actions CloudTrail
  // records; reading and writing log events is not among them. Recording PutLogEvents would also
  // feed every trail delivery back into CloudTrail.
  unrecorded: new Set(['PutLogEvents', 'GetLogEvents', 'FilterLogEvents']),
};
