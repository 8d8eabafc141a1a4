import type {
  AssociateIamInstanceProfileRequest,
  AssociateIamInstanceProfileResult,
  DescribeIamInstanceProfileAssociationsRequest,
  DescribeIamInstanceProfileAssociationsResult,
  DisassociateIamInstanceProfileRequest,
  DisassociateIamInstanceProfileResult,
  IamInstanceProfileAssociation,
  IamInstanceProfileSpecification,
  ReplaceIamInstanceProfileAssociationRequest,
  ReplaceIamInstanceProfileAssociationResult,
} from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { ServiceError, isServiceError } from '../../../errors.js';
import { ec2Id, hexId } from '../../../ids.js';
import { applyFilters, page, type FilterTable } from '../query.js';
import { find, invalidParameter, kinds, missingParameter } from '../resources.js';
import { ec2Of, settle, type Ec2State, type InstanceRecord, type ProfileAssociation } from '../store.js';

/**
 * EC2 answers these calls at once and finishes them later: a new association is `associating`, then
 * `associated`; a disassociated one is `disassociating`, then gone. The range finishes them after
 * these delays on its clock (a test moves a ManualClock; `sirs range` waits a couple of seconds).
 * DescribeInstances shows the profile for as long as the association exists, in any of its states.
 */
export const associationDelays = { associate: 2000, disassociate: 2000 };

interface Association {
  instance: InstanceRecord;
  profile: ProfileAssociation & { associationId: string };
}

/** The instance profile a request names (by ARN or name), as IAM knows it. */
export async function instanceProfile(
  ctx: CallContext,
  spec: IamInstanceProfileSpecification | undefined,
): Promise<{ arn: string; id: string } | undefined> {
  if (!spec || (spec.Arn === undefined && spec.Name === undefined)) return undefined;
  const name = spec.Name ?? (spec.Arn ?? '').split('/').pop() ?? '';
  try {
    const out = (await ctx.dispatch('iam', 'GetInstanceProfile', { InstanceProfileName: name })) as {
      InstanceProfile?: { Arn?: string; InstanceProfileId?: string };
    };
    return { arn: out.InstanceProfile?.Arn ?? '', id: out.InstanceProfile?.InstanceProfileId ?? '' };
  } catch (err) {
    if (isServiceError(err) && err.code === 'NoSuchEntity') {
      const param = spec.Name !== undefined ? 'name' : 'arn';
      throw invalidParameter(
        `Value (${spec.Name ?? spec.Arn}) for parameter iamInstanceProfile.${param} is invalid. Invalid IAM Instance Profile ${param === 'name' ? 'name' : 'ARN'}`,
      );
    }
    // IAM is not there to ask (a range built without it): take the profile as given.
    return {
      arn: spec.Arn ?? `arn:aws:iam::${ctx.accountId}:instance-profile/${name}`,
      id: `AIPA${hexId(16).toUpperCase()}`,
    };
  }
}

function associationsOf(s: Ec2State): Association[] {
  return Object.values(s.instances).flatMap((instance) => {
    const profile = instance.iamInstanceProfile;
    return profile?.associationId !== undefined && instance.state !== 'terminated'
      ? [{ instance, profile: profile as Association['profile'] }]
      : [];
  });
}

function view(a: Association): IamInstanceProfileAssociation {
  return {
    AssociationId: a.profile.associationId,
    InstanceId: a.instance.id,
    IamInstanceProfile: { Arn: a.profile.arn, Id: a.profile.id },
    State: a.profile.state ?? 'associated',
    Timestamp: a.profile.since ?? a.instance.launchTime,
  };
}

function associationNotFound(id: string | undefined): ServiceError {
  return new ServiceError('InvalidAssociationID.NotFound', `The association ID '${id ?? ''}' does not exist`);
}

function associationNamed(s: Ec2State, id: string | undefined): Association {
  if (id === undefined || !/^iip-assoc-[0-9a-f]{8,17}$/.test(id))
    throw invalidParameter('Invalid value for associationId.');
  const found = associationsOf(s).find((a) => a.profile.associationId === id);
  if (!found) throw associationNotFound(id);
  return found;
}

function later(ctx: CallContext, s: Ec2State, ms: number): Date {
  ctx.clock.schedule(ms, () => settle(s, ctx.clock.now()));
  return new Date(ctx.now.getTime() + ms);
}

async function profileNamed(
  ctx: CallContext,
  spec: AssociateIamInstanceProfileRequest['IamInstanceProfile'],
) {
  const profile = await instanceProfile(ctx, spec);
  if (!profile) throw missingParameter('iamInstanceProfile');
  return profile;
}

function begin(ctx: CallContext, s: Ec2State, inst: InstanceRecord, profile: { arn: string; id: string }) {
  inst.iamInstanceProfile = {
    ...profile,
    associationId: ec2Id('iip-assoc'),
    state: 'associating',
    since: ctx.now,
    next: { state: 'associated', at: later(ctx, s, associationDelays.associate) },
  };
  return view({ instance: inst, profile: inst.iamInstanceProfile as Association['profile'] });
}

export async function associateIamInstanceProfile(
  ctx: CallContext,
  input: AssociateIamInstanceProfileRequest,
): Promise<AssociateIamInstanceProfileResult> {
  const s = ec2Of(ctx);
  const inst = find(s.instances, kinds.instance, input.InstanceId);
  if (inst.state !== 'running' && inst.state !== 'stopped') {
    throw new ServiceError(
      'IncorrectInstanceState',
      `The instance '${inst.id}' is not in the 'running' or 'stopped' states.`,
    );
  }
  if (inst.iamInstanceProfile)
    throw new ServiceError('IncorrectState', `There is an existing association for instance ${inst.id}`);
  const profile = await profileNamed(ctx, input.IamInstanceProfile);
  // IAM was asked meanwhile: someone else may have associated a profile.
  if (inst.iamInstanceProfile)
    throw new ServiceError('IncorrectState', `There is an existing association for instance ${inst.id}`);
  return { IamInstanceProfileAssociation: begin(ctx, s, inst, profile) };
}

/** "Replaces an IAM instance profile for the specified running instance": the association gets a new id. */
export async function replaceIamInstanceProfileAssociation(
  ctx: CallContext,
  input: ReplaceIamInstanceProfileAssociationRequest,
): Promise<ReplaceIamInstanceProfileAssociationResult> {
  const s = ec2Of(ctx);
  const current = associationNamed(s, input.AssociationId);
  const active = () => current.instance.state === 'running' && current.profile.state === 'associated';
  const notActive = () =>
    new ServiceError(
      'IncorrectState',
      `The association ${current.profile.associationId} is not the active association`,
    );
  if (!active()) throw notActive();
  const profile = await profileNamed(ctx, input.IamInstanceProfile);
  if (!active() || current.instance.iamInstanceProfile !== current.profile) throw notActive();
  return { IamInstanceProfileAssociation: begin(ctx, s, current.instance, profile) };
}

export function disassociateIamInstanceProfile(
  ctx: CallContext,
  input: DisassociateIamInstanceProfileRequest,
): DisassociateIamInstanceProfileResult {
  const s = ec2Of(ctx);
  const current = associationNamed(s, input.AssociationId);
  if (current.profile.state === 'disassociating') {
    throw new ServiceError(
      'IncorrectState',
      `The association ${current.profile.associationId} is not the active association`,
    );
  }
  current.profile.state = 'disassociating';
  current.profile.since = ctx.now;
  current.profile.next = { state: 'gone', at: later(ctx, s, associationDelays.disassociate) };
  return { IamInstanceProfileAssociation: view(current) };
}

const filters: FilterTable<Association & { id: string }> = {
  'instance-id': (a) => a.instance.id,
  state: (a) => a.profile.state ?? 'associated',
};

export function describeIamInstanceProfileAssociations(
  ctx: CallContext,
  input: DescribeIamInstanceProfileAssociationsRequest,
): DescribeIamInstanceProfileAssociationsResult {
  const s = ec2Of(ctx);
  let all = associationsOf(s).map((a) => ({ ...a, id: a.instance.id }));
  if (input.AssociationIds?.length) {
    all = input.AssociationIds.map((id) => {
      const a = associationNamed(s, id);
      return { ...a, id: a.instance.id };
    });
  }
  const selected = applyFilters(s, all, input.Filters, filters);
  const { page: items, nextToken } = page(selected, input, { min: 5, max: 1000 }, [
    input.AssociationIds,
    input.Filters,
  ]);
  return { IamInstanceProfileAssociations: items.map(view), NextToken: nextToken };
}
