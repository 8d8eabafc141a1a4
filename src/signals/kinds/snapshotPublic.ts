import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { snapshotVolumePermissions } from '../reads/ec2.js';
import type { TrailEvent } from '../trail-events.js';

/** Whether a ModifySnapshotAttribute event added (or removed) the group `all`, from its requestParameters. */
function touchesAll(e: TrailEvent, operation: 'add' | 'remove'): boolean {
  const p = e.requestParameters as
    { createVolumePermission?: Record<string, { items?: Array<{ group?: string }> }> } | undefined;
  return (p?.createVolumePermission?.[operation]?.items ?? []).some((i) => i.group === 'all');
}

export const snapshotPublic = defineSignalKind({
  name: 'snapshotPublic',
  family: 'state',
  reads: ['ec2:DescribeSnapshotAttribute'],
  summary: 'An EBS snapshot is shared with everyone (createVolumePermission group all) or not.',
  params: z.strictObject({
    snapshot: resource('Snapshot id (snap-...).'),
    expect: expect(
      ['public', 'private'],
      'public: anyone may create volumes from it; private: not public (it may still be shared with named accounts, or be gone).',
    ),
  }),
  describe: (p) =>
    p.expect === 'public'
      ? `EBS snapshot ${p.snapshot} is shared with everyone`
      : `EBS snapshot ${p.snapshot} is not shared with everyone`,
  probe: async (ctx, p) => {
    const permissions = await snapshotVolumePermissions(ctx.reader, p.snapshot);
    if (!permissions)
      return observed(ctx, p.expect === 'private', `EBS snapshot ${p.snapshot} does not exist`);
    const isPublic = permissions.some((x) => x.Group === 'all');
    const accounts = permissions.map((x) => x.UserId).filter((x): x is string => !!x);
    const shared = accounts.length
      ? `; shared with account${accounts.length > 1 ? 's' : ''} ${accounts.join(', ')}`
      : '';
    const summary = `EBS snapshot ${p.snapshot} is ${isPublic ? 'public (createVolumePermission group all)' : 'not public'}${shared}`;
    return observed(ctx, isPublic === (p.expect === 'public'), summary);
  },
  // ModifySnapshotAttribute both shares and unshares: the request parameters say which it did.
  attribution: (p) =>
    p.expect === 'public'
      ? {
          eventNames: ['ModifySnapshotAttribute'],
          resource: p.snapshot,
          accept: (e) => touchesAll(e, 'add'),
        }
      : {
          eventNames: ['ModifySnapshotAttribute', 'ResetSnapshotAttribute', 'DeleteSnapshot'],
          resource: p.snapshot,
          accept: (e) => e.eventName !== 'ModifySnapshotAttribute' || touchesAll(e, 'remove'),
        },
});
