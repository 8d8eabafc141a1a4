import { defineSignalKind } from '../types.js';
import { describeSgRule, probeSgRule, sgRuleAttribution, sgRuleParams } from '../sg-rule.js';

export const sgIngress = defineSignalKind({
  name: 'sgIngress',
  family: 'state',
  reads: ['ec2:DescribeSecurityGroups'],
  summary: 'An inbound rule of a security group is present or absent.',
  params: sgRuleParams('inbound'),
  describe: (p) => describeSgRule('inbound', p),
  probe: (ctx, p) => probeSgRule(ctx, 'inbound', p),
  attribution: (p) => sgRuleAttribution('inbound', p),
});
