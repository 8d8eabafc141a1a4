import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { flowLogs as allFlowLogs } from '../reads/ec2.js';

export const flowLogs = defineSignalKind({
  name: 'flowLogs',
  family: 'state',
  summary: 'VPC flow logs are enabled or disabled for a VPC, subnet or network interface.',
  params: z.strictObject({
    resource: resource('VPC, subnet or ENI id the flow log is attached to.'),
    expect: expect(['enabled', 'disabled'], 'Whether an active flow log must exist.'),
  }),
  describe: (p) => `Flow logs for ${p.resource} are ${p.expect}`,
  probe: async (ctx, p) => {
    const mine = (await allFlowLogs(ctx.reader)).filter((f) => f.ResourceId === p.resource);
    // DeleteFlowLogs names the flow log, not the VPC: remember which flow logs belong to the resource.
    ctx.knownAs(p.resource, ...mine.map((f) => f.FlowLogId));
    const active = mine.filter((f) => f.FlowLogStatus === 'ACTIVE');
    if (active.length > 0) {
      const ids = active.map((f) => f.FlowLogId).join(', ');
      return observed(ctx, p.expect === 'enabled', `${p.resource} has active flow logs (${ids})`);
    }
    const other = mine.length ? ` (${mine.map((f) => `${f.FlowLogId} ${f.FlowLogStatus}`).join(', ')})` : '';
    return observed(ctx, p.expect === 'disabled', `${p.resource} has no active flow log${other}`);
  },
  attribution: (p) => ({
    eventNames: p.expect === 'enabled' ? ['CreateFlowLogs'] : ['DeleteFlowLogs'],
    resource: p.resource,
  }),
});
