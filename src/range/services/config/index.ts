import type { CallContext, ServiceDefinition } from '../../context.js';
import {
  describeComplianceByConfigRule,
  describeComplianceByResource,
  describeConfigRuleEvaluationStatus,
  getComplianceDetailsByConfigRule,
  getComplianceDetailsByResource,
} from './compliance.js';
import { putEvaluations } from './custom.js';
import {
  deleteConfigurationRecorder,
  deleteDeliveryChannel,
  describeConfigurationRecorders,
  describeConfigurationRecorderStatus,
  describeDeliveryChannels,
  putConfigurationRecorder,
  putDeliveryChannel,
  startConfigurationRecorder,
  stopConfigurationRecorder,
} from './recorder.js';
import {
  deleteRemediationConfiguration,
  describeRemediationConfigurations,
  describeRemediationExecutionStatus,
  putRemediationConfigurations,
  startRemediationExecution,
} from './remediation.js';
import { deleteConfigRule, describeConfigRules, putConfigRule, startConfigRulesEvaluation } from './rules.js';
import { whereOf } from './principal.js';
import { recordChange } from './history.js';
import {
  batchGetResourceConfig,
  getDiscoveredResourceCounts,
  getResourceConfigHistory,
  listDiscoveredResources,
} from './queries.js';
import { getComplianceSummaryByConfigRule, getComplianceSummaryByResourceType } from './summaries.js';
import { ensureArmed, onRecordedChange } from './schedule.js';

const handlers: ServiceDefinition['handlers'] = {
  PutConfigurationRecorder: putConfigurationRecorder,
  DescribeConfigurationRecorders: describeConfigurationRecorders,
  DescribeConfigurationRecorderStatus: describeConfigurationRecorderStatus,
  StartConfigurationRecorder: startConfigurationRecorder,
  StopConfigurationRecorder: stopConfigurationRecorder,
  DeleteConfigurationRecorder: deleteConfigurationRecorder,
  PutDeliveryChannel: putDeliveryChannel,
  DescribeDeliveryChannels: describeDeliveryChannels,
  DeleteDeliveryChannel: deleteDeliveryChannel,
  PutConfigRule: putConfigRule,
  DescribeConfigRules: describeConfigRules,
  DeleteConfigRule: deleteConfigRule,
  StartConfigRulesEvaluation: startConfigRulesEvaluation,
  PutEvaluations: putEvaluations,
  DescribeComplianceByConfigRule: describeComplianceByConfigRule,
  GetComplianceDetailsByConfigRule: getComplianceDetailsByConfigRule,
  DescribeComplianceByResource: describeComplianceByResource,
  GetComplianceDetailsByResource: getComplianceDetailsByResource,
  DescribeConfigRuleEvaluationStatus: describeConfigRuleEvaluationStatus,
  PutRemediationConfigurations: putRemediationConfigurations,
  DescribeRemediationConfigurations: describeRemediationConfigurations,
  DeleteRemediationConfiguration: deleteRemediationConfiguration,
  StartRemediationExecution: startRemediationExecution,
  DescribeRemediationExecutionStatus: describeRemediationExecutionStatus,
  ListDiscoveredResources: listDiscoveredResources,
  GetResourceConfigHistory: getResourceConfigHistory,
  BatchGetResourceConfig: batchGetResourceConfig,
  GetDiscoveredResourceCounts: getDiscoveredResourceCounts,
  GetComplianceSummaryByConfigRule: getComplianceSummaryByConfigRule,
  GetComplianceSummaryByResourceType: getComplianceSummaryByResourceType,
};

/** Every call first re-arms the rules' timers of a store read back from --state-dir. */
type AnyHandler = ServiceDefinition['handlers'][string];

function armed(handler: AnyHandler): AnyHandler {
  return (ctx: CallContext, input: Parameters<AnyHandler>[1]) => {
    ensureArmed(ctx, whereOf(ctx));
    return handler(ctx, input);
  };
}

/**
 * AWS Config on the range: a recorder and delivery channel, AWS managed and custom (Lambda) rules
 * evaluated against the range's resources when they change and periodically, compliance queries,
 * compliance-change events to EventBridge, and remediation through SSM Automation.
 */
export const configService: ServiceDefinition = {
  name: 'config',
  eventSource: 'config.amazonaws.com',
  handlers: Object.fromEntries(Object.entries(handlers).map(([op, h]) => [op, armed(h)])),
  async onEvent(ctx, record, management) {
    if (!management) return;
    // The configuration item is captured before the call that changed the resource answers.
    await recordChange(ctx, record);
    onRecordedChange(ctx, record);
  },
};
