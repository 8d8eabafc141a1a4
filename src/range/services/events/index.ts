import type { EventResource, ServiceDefinition } from '../../context.js';
import { deliverCloudTrailEvent } from './cloudtrail.js';
import { putEvents, testEventPattern } from './handlers/events.js';
import {
  deleteRule,
  describeRule,
  disableRule,
  enableRule,
  listRuleNamesByTarget,
  listRules,
  putRule,
} from './handlers/rules.js';
import { listTagsForResource, tagResource, untagResource } from './handlers/tags.js';
import { listTargetsByRule, putTargets, removeTargets } from './handlers/targets.js';

export { scheduledDeliveriesSettled } from './runtime.js';

/** Amazon EventBridge: rules on the default bus, their targets, and CloudTrail events on the bus. */
export const eventsService: ServiceDefinition = {
  name: 'events',
  eventSource: 'events.amazonaws.com',
  handlers: {
    PutRule: putRule,
    DescribeRule: describeRule,
    ListRules: listRules,
    ListRuleNamesByTarget: listRuleNamesByTarget,
    DeleteRule: deleteRule,
    EnableRule: enableRule,
    DisableRule: disableRule,
    PutTargets: putTargets,
    RemoveTargets: removeTargets,
    ListTargetsByRule: listTargetsByRule,
    PutEvents: putEvents,
    TestEventPattern: testEventPattern,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
  },
  // CloudTrail logs PutEvents as a data event on the event bus.
  dataEvents: new Set(['PutEvents']),
  resources(_operation, input, output): EventResource[] {
    const arn =
      typeof input.ResourceARN === 'string'
        ? input.ResourceARN
        : (output as { RuleArn?: unknown } | undefined)?.RuleArn;
    if (typeof arn === 'string') return [{ ResourceType: 'AWS::Events::Rule', ResourceName: arn }];
    const name = typeof input.Name === 'string' ? input.Name : input.Rule;
    return typeof name === 'string' ? [{ ResourceType: 'AWS::Events::Rule', ResourceName: name }] : [];
  },
  onEvent: deliverCloudTrailEvent,
};
