import { z } from 'zod';
import { observed } from '../evidence.js';
import { Absent, allPages, type Reader } from '../reader.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';

interface RuleResult {
  resourceId: string;
  resourceType?: string;
  compliance: string;
  at?: Date;
}

/**
 * An AWS Config rule's evaluation of one resource (GetComplianceDetailsByConfigRule, all compliance
 * types, once per rule a tick). A resource the rule has not evaluated is neither compliant nor not.
 */
export const configCompliance = defineSignalKind({
  name: 'configCompliance',
  family: 'state',
  reads: ['config:GetComplianceDetailsByConfigRule'],
  summary: "An AWS Config rule judges a resource COMPLIANT or NON_COMPLIANT (the team's Config rules).",
  params: z.strictObject({
    rule: resource('Config rule name.'),
    resource: resource(
      'Id of the resource the rule evaluates (a security group id, a bucket name, a trail name, ...).',
    ),
    resourceType: z
      .string()
      .regex(/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/, {
        error: 'must be a resource type like AWS::EC2::SecurityGroup',
      })
      .optional()
      .describe('Resource type, when ids of two types could be equal (e.g. AWS::S3::Bucket).'),
    expect: expect(['COMPLIANT', 'NON_COMPLIANT'], 'The compliance the rule should report.'),
  }),
  describe: (p) => `Config rule ${p.rule} reports ${p.resource} ${p.expect}`,
  probe: async (ctx, p) => {
    const results = await ruleResults(ctx.reader, p.rule);
    if (!results) return observed(ctx, false, `Config rule ${p.rule} does not exist`);
    const r = results.find(
      (x) => x.resourceId === p.resource && (!p.resourceType || x.resourceType === p.resourceType),
    );
    if (!r) return observed(ctx, false, `Config rule ${p.rule} has not evaluated ${p.resource}`);
    const when = r.at ? ` (evaluated ${r.at.toISOString()})` : '';
    return observed(
      ctx,
      r.compliance === p.expect,
      `Config rule ${p.rule} reports ${p.resource} ${r.compliance}${when}`,
    );
  },
  // Config evaluates on its own (no API call changes compliance): the probe dates what it sees.
});

function ruleResults(reader: Reader, rule: string): Promise<RuleResult[] | undefined> {
  return reader.once(`config:GetComplianceDetailsByConfigRule ${rule}`, async () => {
    const first = await reader.callOrAbsent(
      'config:GetComplianceDetailsByConfigRule',
      { ConfigRuleName: rule, Limit: 100 },
      ['NoSuchConfigRuleException'],
    );
    if (first instanceof Absent) return undefined;
    const pages = first.NextToken
      ? [
          first,
          ...(await allPages(reader, 'config:GetComplianceDetailsByConfigRule', {
            ConfigRuleName: rule,
            Limit: 100,
            NextToken: first.NextToken,
          })),
        ]
      : [first];
    type Item = {
      EvaluationResultIdentifier?: {
        EvaluationResultQualifier?: { ResourceId?: string; ResourceType?: string };
      };
      ComplianceType?: string;
      ResultRecordedTime?: Date;
    };
    return pages.flatMap((page) =>
      ((page.EvaluationResults as Item[] | undefined) ?? []).flatMap((e): RuleResult[] => {
        const q = e.EvaluationResultIdentifier?.EvaluationResultQualifier;
        if (!q?.ResourceId) return [];
        return [
          {
            resourceId: q.ResourceId,
            ...(q.ResourceType ? { resourceType: q.ResourceType } : {}),
            compliance: e.ComplianceType ?? 'INSUFFICIENT_DATA',
            ...(e.ResultRecordedTime ? { at: new Date(e.ResultRecordedTime) } : {}),
          },
        ];
      }),
    );
  });
}
