/** CloudTrail reads: the trails once a tick; each trail's status and event selectors once a tick. */
import type { GetEventSelectorsResponse, GetTrailStatusResponse, Trail } from '@aws-sdk/client-cloudtrail';
import { Absent, type Reader } from '../reader.js';

/** Trails visible in the region, including shadows of multi-region trails from other regions. */
export function trails(reader: Reader): Promise<Trail[]> {
  return reader.once('cloudtrail:DescribeTrails', async () => {
    const out = await reader.call('cloudtrail:DescribeTrails', { includeShadowTrails: true });
    return (out.trailList as Trail[] | undefined) ?? [];
  });
}

/** The trail a condition names, by name or ARN. */
export async function findTrail(reader: Reader, nameOrArn: string): Promise<Trail | undefined> {
  return (await trails(reader)).find((t) => t.Name === nameOrArn || t.TrailARN === nameOrArn);
}

export function trailStatus(reader: Reader, arn: string): Promise<GetTrailStatusResponse | undefined> {
  return reader.once(`cloudtrail:GetTrailStatus ${arn}`, async () => {
    const out = await reader.callOrAbsent('cloudtrail:GetTrailStatus', { Name: arn }, [
      'TrailNotFoundException',
    ]);
    return out instanceof Absent ? undefined : (out as GetTrailStatusResponse);
  });
}

export function eventSelectors(reader: Reader, arn: string): Promise<GetEventSelectorsResponse | undefined> {
  return reader.once(`cloudtrail:GetEventSelectors ${arn}`, async () => {
    const out = await reader.callOrAbsent('cloudtrail:GetEventSelectors', { TrailName: arn }, [
      'TrailNotFoundException',
    ]);
    return out instanceof Absent ? undefined : (out as GetEventSelectorsResponse);
  });
}
