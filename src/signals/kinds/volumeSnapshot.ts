import type { Snapshot } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { observed } from '../evidence.js';
import { expect, resource } from '../params.js';
import { snapshotsOfVolume, volume as readVolume } from '../reads/ec2.js';
import { defineSignalKind } from '../types.js';

/**
 * Evidence kept: a snapshot of a volume taken during the exercise, so after the fault was injected (a
 * snapshot from before shows the disk as it was before the intruder). EBS captures the data at the
 * moment of the call, so a pending snapshot already counts unless `completed` is asked for; a failed
 * one (state error) never does.
 */
const params = z.strictObject({
  volume: resource('EBS volume id (vol-...) whose data must be kept.'),
  completed: z
    .boolean()
    .optional()
    .describe(
      'Count only completed snapshots (default: pending ones count too; EBS captures the data when asked).',
    ),
  expect: expect(
    ['present', 'absent'],
    'Whether a snapshot of the volume started since the exercise began must exist (`present`) or not.',
  ),
});

type Params = z.output<typeof params>;

const at = (s: Snapshot) => (s.StartTime ? new Date(s.StartTime).getTime() : 0);

export const volumeSnapshot = defineSignalKind({
  name: 'volumeSnapshot',
  family: 'state',
  reads: ['ec2:DescribeVolumes', 'ec2:DescribeSnapshots'],
  summary: 'A snapshot of an EBS volume was taken during the exercise (evidence kept), or none was.',
  params,
  describe: (p) => {
    const what = `${p.completed ? 'completed ' : ''}snapshot of volume ${p.volume}`;
    return p.expect === 'present'
      ? `A ${what} taken during the exercise exists`
      : `No ${what} was taken during the exercise`;
  },
  probe: async (ctx, p: Params) => {
    const [all, v] = await Promise.all([
      snapshotsOfVolume(ctx.reader, p.volume),
      readVolume(ctx.reader, p.volume),
    ]);
    // CreateSnapshots names the instance, not the volume.
    ctx.knownAs(p.volume, ...(v?.Attachments ?? []).map((a) => a.InstanceId));
    const since = ctx.exercise.startedAt.getTime();
    const taken = all
      .filter((s) => at(s) >= since && s.State !== 'error')
      .filter((s) => !p.completed || s.State === 'completed')
      .sort((a, b) => at(a) - at(b));
    const first = taken[0];
    const older = all.length - all.filter((s) => at(s) >= since).length;
    const before = older ? ` (${older} older snapshot${older > 1 ? 's' : ''} from before the exercise)` : '';
    const summary = first
      ? `Snapshot ${first.SnapshotId ?? '?'} of volume ${p.volume} was started ${new Date(at(first)).toISOString()} (${first.State ?? '?'})${taken.length > 1 ? `, and ${taken.length - 1} more` : ''}`
      : `No ${p.completed ? 'completed ' : ''}snapshot of volume ${p.volume} was taken during the exercise${before}`;
    return observed(ctx, (first !== undefined) === (p.expect === 'present'), summary);
  },
  attribution: (p) =>
    p.expect === 'present'
      ? {
          eventNames: ['CreateSnapshot', 'CreateSnapshots'],
          resource: p.volume,
          // A completed snapshot is seen minutes after the call that started it.
          ...(p.completed ? { slow: true } : {}),
        }
      : undefined,
});
