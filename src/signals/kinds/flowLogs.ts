import type { FlowLog } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { observed } from '../evidence.js';
import { logGroupName } from '../log-group.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { flowLogs as allFlowLogs } from '../reads/ec2.js';

const params = z.strictObject({
  resource: resource('VPC, subnet or ENI id the flow log is attached to.'),
  expect: expect(
    ['enabled', 'disabled'],
    'Whether an active flow log (to the destination given) must exist.',
  ),
  logGroup: z
    .string()
    .min(1)
    .optional()
    .describe(
      'The CloudWatch Logs group (name or ARN) the flow log must deliver to: a flow log to another destination, or whose delivery failed (DeliverLogsStatus FAILED: a role VPC Flow Logs cannot use), does not count.',
    ),
  trafficType: z
    .enum(['ALL', 'ACCEPT', 'REJECT'])
    .optional()
    .describe(
      'The traffic the flow log must capture: ALL needs ALL; ACCEPT or REJECT is also covered by ALL.',
    ),
});
type Params = z.output<typeof params>;

function destinationWords(p: Params): string {
  const to = p.logGroup !== undefined ? ` to log group ${logGroupName(p.logGroup)}` : '';
  const traffic = p.trafficType !== undefined ? ` capturing ${p.trafficType} traffic` : '';
  return `${to}${traffic}`;
}

/** The log group a flow log delivers to: its LogGroupName, or the group in its CloudWatch Logs ARN. */
function groupOf(f: FlowLog): string | undefined {
  if (f.LogGroupName) return f.LogGroupName;
  return f.LogDestinationType === 'cloud-watch-logs' && f.LogDestination
    ? logGroupName(f.LogDestination)
    : undefined;
}

function matches(p: Params, f: FlowLog): boolean {
  // "Delivers to the group": records must arrive there, which a role VPC Flow Logs cannot use prevents.
  if (
    p.logGroup !== undefined &&
    (groupOf(f) !== logGroupName(p.logGroup) || f.DeliverLogsStatus === 'FAILED')
  )
    return false;
  if (p.trafficType !== undefined && f.TrafficType !== 'ALL' && f.TrafficType !== p.trafficType) return false;
  return true;
}

function label(f: FlowLog): string {
  const dest = groupOf(f) ? `log group ${groupOf(f)}` : (f.LogDestination ?? f.LogDestinationType ?? '?');
  const failed =
    f.DeliverLogsStatus === 'FAILED'
      ? `, delivery FAILED: ${f.DeliverLogsErrorMessage ?? 'no reason given'}`
      : '';
  return `${f.FlowLogId} to ${dest}, ${f.TrafficType ?? '?'} traffic${failed}`;
}

export const flowLogs = defineSignalKind({
  name: 'flowLogs',
  family: 'state',
  reads: ['ec2:DescribeFlowLogs'],
  summary:
    'VPC flow logs are enabled or disabled for a VPC, subnet or network interface, optionally to a given log group.',
  params,
  describe: (p) => `Flow logs for ${p.resource}${destinationWords(p)} are ${p.expect}`,
  probe: async (ctx, p) => {
    const mine = (await allFlowLogs(ctx.reader)).filter((f) => f.ResourceId === p.resource);
    // DeleteFlowLogs names the flow log, not the VPC: remember which flow logs belong to the resource.
    ctx.knownAs(p.resource, ...mine.map((f) => f.FlowLogId));
    const active = mine.filter((f) => f.FlowLogStatus === 'ACTIVE');
    const wanted = active.filter((f) => matches(p, f));
    if (wanted.length > 0) {
      const ids = wanted.map(label).join('; ');
      return observed(ctx, p.expect === 'enabled', `${p.resource} has active flow logs (${ids})`);
    }
    if (active.length > 0) {
      const others = active.map(label).join('; ');
      return observed(
        ctx,
        p.expect === 'disabled',
        `${p.resource} has no active flow log${destinationWords(p)}, only ${others}`,
      );
    }
    const other = mine.length ? ` (${mine.map((f) => `${f.FlowLogId} ${f.FlowLogStatus}`).join(', ')})` : '';
    return observed(ctx, p.expect === 'disabled', `${p.resource} has no active flow log${other}`);
  },
  attribution: (p) => ({
    eventNames: p.expect === 'enabled' ? ['CreateFlowLogs'] : ['DeleteFlowLogs'],
    resource: p.resource,
  }),
});
