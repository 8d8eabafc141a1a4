import { defineSignalKind } from '../types.js';
import { describeSgRule, probeSgRule, sgRuleAttribution, sgRuleParams } from '../sg-rule.js';

export const sgEgress = defineSignalKind({
  name: 'sgEgress',
  family: 'state',
  reads: ['ec2:DescribeSecurityGroups'],
  summary: 'An outbound rule of a security group is present or absent.',
  params: sgRuleParams('outbound'),
  describe: (p) => describeSgRule('outbound', p),
  probe: (ctx, p) => probeSgRule(ctx, 'outbound', p),
  attribution: (p) => sgRuleAttribution('outbound', p),
});
