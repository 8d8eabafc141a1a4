import { z } from 'zod';
import { scanPlaceholders } from '../../scenario/placeholders.js';
import { observed } from '../evidence.js';
import { expect } from '../params.js';
import { findTrail } from '../reads/cloudtrail.js';
import { flowLogs, instance, securityGroup, snapshot, volume } from '../reads/ec2.js';
import { accessKeyOwner, accessKeys, user as iamUser, role as iamRole, users } from '../reads/iam.js';
import { logGroup } from '../reads/logs.js';
import { kmsKey } from '../reads/operations.js';
import { bucketExists, objectHead, objectSha256 } from '../reads/s3.js';
import { defineSignalKind, type ProbeContext } from '../types.js';

/**
 * Whether a resource exists: the steady state "the data is still there" (deleting it is not a fix) and
 * the recovery "the backdoor is gone". Each type says what it is called, what its id is, and which
 * management events create and delete it.
 */
interface TypeSpec {
  noun: string;
  /** What `id` holds, for messages. */
  id: string;
  /** The shape of a literal id (placeholders are checked when the exercise runs). */
  pattern?: { re: RegExp; example: string };
  created: readonly string[];
  deleted: readonly string[];
}

const TYPES = {
  // PutObject and DeleteObject are S3 data events, which LookupEvents does not return: an object's
  // appearance or deletion is dated by the probe.
  s3Object: { noun: 'Object', id: 'bucket and key', created: [], deleted: [] },
  s3Bucket: { noun: 'Bucket', id: 'the bucket name', created: ['CreateBucket'], deleted: ['DeleteBucket'] },
  ec2Instance: {
    noun: 'EC2 instance',
    id: 'the instance id (i-...)',
    pattern: { re: /^i-[0-9a-f]+$/, example: 'i-0123456789abcdef0' },
    created: ['RunInstances'],
    deleted: ['TerminateInstances'],
  },
  ebsVolume: {
    noun: 'EBS volume',
    id: 'the volume id (vol-...)',
    pattern: { re: /^vol-[0-9a-f]+$/, example: 'vol-0123456789abcdef0' },
    created: ['CreateVolume'],
    // A volume attached with DeleteOnTermination goes with its instance.
    deleted: ['DeleteVolume', 'TerminateInstances'],
  },
  ebsSnapshot: {
    noun: 'EBS snapshot',
    id: 'the snapshot id (snap-...)',
    pattern: { re: /^snap-[0-9a-f]+$/, example: 'snap-0123456789abcdef0' },
    created: ['CreateSnapshot'],
    deleted: ['DeleteSnapshot'],
  },
  kmsKey: {
    noun: 'KMS key',
    id: 'the key id, key ARN or alias (alias/...)',
    created: ['CreateKey', 'CancelKeyDeletion'],
    deleted: ['ScheduleKeyDeletion'],
  },
  iamUser: { noun: 'IAM user', id: 'the user name', created: ['CreateUser'], deleted: ['DeleteUser'] },
  iamRole: { noun: 'IAM role', id: 'the role name', created: ['CreateRole'], deleted: ['DeleteRole'] },
  accessKey: {
    noun: 'Access key',
    id: 'the access key id (AKIA...)',
    pattern: { re: /^[A-Z0-9]{16,128}$/, example: 'AKIAIOSFODNN7EXAMPLE' },
    created: ['CreateAccessKey'],
    deleted: ['DeleteAccessKey'],
  },
  logGroup: {
    noun: 'Log group',
    id: 'the log group name',
    created: ['CreateLogGroup'],
    deleted: ['DeleteLogGroup'],
  },
  securityGroup: {
    noun: 'Security group',
    id: 'the group id (sg-...)',
    pattern: { re: /^sg-[0-9a-f]+$/, example: 'sg-0123456789abcdef0' },
    created: ['CreateSecurityGroup'],
    deleted: ['DeleteSecurityGroup'],
  },
  trail: { noun: 'Trail', id: 'the trail name or ARN', created: ['CreateTrail'], deleted: ['DeleteTrail'] },
  flowLog: {
    noun: 'Flow log',
    id: 'the flow log id (fl-...)',
    pattern: { re: /^fl-[0-9a-f]+$/, example: 'fl-0123456789abcdef0' },
    created: ['CreateFlowLogs'],
    deleted: ['DeleteFlowLogs'],
  },
} as const satisfies Record<string, TypeSpec>;

export type ExistsType = keyof typeof TYPES;
const TYPE_NAMES = Object.keys(TYPES) as [ExistsType, ...ExistsType[]];

const SHA256 = /^[0-9a-fA-F]{64}$/;

function optionalName(description: string) {
  return z.string().min(1, { error: 'must not be empty' }).optional().describe(description);
}

const hasPlaceholder = (s: string) => scanPlaceholders(s).tokens.length > 0;

const params = z
  .strictObject({
    type: z
      .enum(TYPE_NAMES)
      .describe(
        'The kind of resource. ec2Instance exists unless terminated or shutting down; kmsKey unless pending deletion or deleted; ebsVolume unless deleting; ebsSnapshot unless it failed (state error).',
      ),
    id: optionalName(
      'The resource id or name (every type but s3Object): bucket name, i-..., vol-..., snap-..., KMS key id/ARN/alias, IAM user or role name, access key id, log group name, sg-..., trail name or ARN, fl-...',
    ),
    bucket: optionalName('s3Object: the bucket name.'),
    key: optionalName('s3Object: the object key.'),
    user: optionalName(
      'accessKey: the IAM user the key belongs to; without it, the owner is looked up from the key. Root keys are out of scope (see rootAccessKeys).',
    ),
    sha256: z
      .string()
      .refine((s) => hasPlaceholder(s) || SHA256.test(s), {
        error: 'must be 64 hex digits: the SHA-256 of the content (sha256sum prints it)',
      })
      .optional()
      .describe(
        's3Object: the hex SHA-256 of the expected content. "present" then also needs the content unchanged; a changed object counts as not present.',
      ),
    expect: expect(
      ['present', 'absent'],
      'Whether the resource must exist (`present`) or be gone (`absent`).',
    ),
  })
  .superRefine((p, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (p.type === 's3Object') {
      for (const field of ['bucket', 'key'] as const) {
        if (p[field] === undefined)
          issue(field, `type s3Object names the object with bucket and key; add ${field}`);
      }
      if (p.id !== undefined) issue('id', 'type s3Object names the object with bucket and key, not id');
    } else {
      const spec: TypeSpec = TYPES[p.type];
      if (p.id === undefined) issue('id', `type ${p.type} needs id: ${spec.id}`);
      else if (spec.pattern && !hasPlaceholder(p.id) && !spec.pattern.re.test(p.id)) {
        issue('id', `type ${p.type} takes ${spec.id}, like ${spec.pattern.example}`);
      }
      for (const field of ['bucket', 'key'] as const) {
        if (p[field] === undefined) continue;
        issue(
          field,
          p.type === 's3Bucket' && field === 'bucket'
            ? 'type s3Bucket takes the bucket name as id, not bucket'
            : `${field} is for type s3Object; type ${p.type} takes id`,
        );
      }
      if (p.sha256 !== undefined) issue('sha256', 'sha256 is for type s3Object only');
    }
    if (p.user !== undefined && p.type !== 'accessKey') issue('user', 'user is for type accessKey only');
  });

type Params = z.output<typeof params>;

/** What "still exists" and "is gone" mean where a state decides. */
const QUALIFIERS: Partial<Record<ExistsType, Record<Params['expect'], string>>> = {
  ec2Instance: { present: ' (not terminated)', absent: ' (terminated or shutting down)' },
  kmsKey: { present: ' (not pending deletion)', absent: ' (deleted or pending deletion)' },
};
const CONTENT: Record<Params['expect'], string> = {
  present: ' with its original content',
  absent: ' or no longer has its original content',
};

/** What the probe found: whether the resource counts as existing, in a sentence. */
interface Finding {
  exists: boolean;
  summary: string;
}

export const exists = defineSignalKind({
  name: 'exists',
  family: 'state',
  reads: [
    'cloudtrail:DescribeTrails',
    'ec2:DescribeFlowLogs',
    'ec2:DescribeInstances',
    'ec2:DescribeSecurityGroups',
    'ec2:DescribeSnapshots',
    'ec2:DescribeVolumes',
    'iam:GetAccessKeyLastUsed',
    'iam:ListAccessKeys',
    'iam:GetUser',
    'iam:GetRole',
    'iam:ListUsers',
    'logs:DescribeLogGroups',
    'kms:DescribeKey',
    's3:HeadBucket',
    's3:HeadObject',
    's3:GetObject',
  ],
  summary:
    'A resource (S3 object or bucket, instance, volume, snapshot, key, IAM user, role or access key, log group, security group, trail, flow log) exists or is gone.',
  params,
  describe: (p) => {
    const how = p.sha256 ? CONTENT[p.expect] : (QUALIFIERS[p.type]?.[p.expect] ?? '');
    return `${nameOf(p)} ${p.expect === 'present' ? 'still exists' : 'is gone'}${how}`;
  },
  probe: async (ctx, p) => {
    const found = await look[p.type](ctx, p);
    return observed(ctx, found.exists === (p.expect === 'present'), found.summary);
  },
  attribution: (p) => {
    if (p.type === 's3Object') return undefined;
    const spec: TypeSpec = TYPES[p.type];
    return {
      eventNames: p.expect === 'present' ? spec.created : spec.deleted,
      resource: p.id,
      // AWS deletes a volume with its instance once the instance has terminated, minutes after the call.
      ...(p.type === 'ebsVolume' && p.expect === 'absent' ? { slow: true } : {}),
    };
  },
});

function nameOf(p: Params): string {
  if (p.type === 's3Object') return `Object s3://${p.bucket}/${p.key}`;
  if (p.type === 'accessKey' && p.user) return `Access key ${p.id} of user ${p.user}`;
  return `${TYPES[p.type].noun} ${p.id}`;
}

const missing = (p: Params, where = ''): Finding => ({
  exists: false,
  summary: `${nameOf(p)} does not exist${where}`,
});

/** Probes by type. Parameters are validated: `id` is set for every type but s3Object. */
const look: Record<ExistsType, (ctx: ProbeContext, p: Params) => Promise<Finding>> = {
  async s3Object(ctx, p) {
    const [bucket, key] = [p.bucket!, p.key!];
    const head = await objectHead(ctx.reader, bucket, key);
    if (!head) return missing(p);
    const modified = head.lastModified ? `, last modified ${new Date(head.lastModified).toISOString()}` : '';
    const about = `${head.size ?? '?'} bytes${modified}`;
    if (!p.sha256) return { exists: true, summary: `${nameOf(p)} exists (${about})` };
    const sha = await objectSha256(ctx.reader, bucket, key, head);
    return sha === p.sha256.toLowerCase()
      ? { exists: true, summary: `${nameOf(p)} exists with its original content (${about})` }
      : {
          exists: false,
          summary: `${nameOf(p)} is present but changed: its SHA-256 is ${sha}, not ${p.sha256.toLowerCase()} (${about})`,
        };
  },

  async s3Bucket(ctx, p) {
    return (await bucketExists(ctx.reader, p.id!))
      ? { exists: true, summary: `${nameOf(p)} exists` }
      : missing(p);
  },

  async ec2Instance(ctx, p) {
    const i = await instance(ctx.reader, p.id!);
    if (!i) return missing(p);
    const state = i.State?.Name ?? 'in an unknown state';
    const gone = state === 'terminated' || state === 'shutting-down';
    return { exists: !gone, summary: `${nameOf(p)} is ${state}` };
  },

  async ebsVolume(ctx, p) {
    const v = await volume(ctx.reader, p.id!);
    if (!v) return missing(p);
    // A volume that goes with its instance is deleted by TerminateInstances, which names the instance.
    const doomed = (v.Attachments ?? []).filter((a) => a.DeleteOnTermination).map((a) => a.InstanceId);
    ctx.knownAs(p.id!, ...doomed);
    const state = v.State ?? 'in an unknown state';
    const attached = (v.Attachments ?? []).map((a) => a.InstanceId).filter(Boolean);
    const to = attached.length ? `, attached to ${attached.join(', ')}` : '';
    return { exists: state !== 'deleting' && state !== 'deleted', summary: `${nameOf(p)} is ${state}${to}` };
  },

  async ebsSnapshot(ctx, p) {
    const s = await snapshot(ctx.reader, p.id!);
    if (!s) return missing(p);
    const of = s.VolumeId
      ? ` (of ${s.VolumeId}, started ${s.StartTime ? new Date(s.StartTime).toISOString() : '?'})`
      : '';
    // A snapshot that failed holds no data: it does not count as kept.
    if (s.State === 'error') return { exists: false, summary: `${nameOf(p)} failed (state error)${of}` };
    return { exists: true, summary: `${nameOf(p)} exists, ${s.State ?? 'in an unknown state'}${of}` };
  },

  async kmsKey(ctx, p) {
    const key = await kmsKey(ctx.reader, p.id!);
    if (!key) return missing(p);
    // Events name the key by id or ARN, whatever the condition calls it.
    ctx.knownAs(p.id!, key.KeyId, key.Arn);
    const state = key.KeyState ?? 'in an unknown state';
    const pending = state === 'PendingDeletion' || state === 'PendingReplicaDeletion';
    const deletion = key.DeletionDate ? ` (deletion on ${new Date(key.DeletionDate).toISOString()})` : '';
    return { exists: !pending, summary: `${TYPES.kmsKey.noun} ${key.KeyId ?? p.id} is ${state}${deletion}` };
  },

  async iamUser(ctx, p) {
    const u = await iamUser(ctx.reader, p.id!);
    if (!u) return missing(p);
    const created = u.CreateDate ? ` (created ${new Date(u.CreateDate).toISOString()})` : '';
    return { exists: true, summary: `${nameOf(p)} exists${created}` };
  },

  async iamRole(ctx, p) {
    const r = await iamRole(ctx.reader, p.id!);
    if (!r) return missing(p);
    const created = r.CreateDate ? ` (created ${new Date(r.CreateDate).toISOString()})` : '';
    return { exists: true, summary: `${nameOf(p)} exists${created}` };
  },

  async accessKey(ctx, p) {
    const id = p.id!;
    const owner = p.user ?? (await accessKeyOwner(ctx.reader, id));
    if (owner === 'root' && !(await iamUser(ctx.reader, 'root'))) {
      throw new Error(`access key ${id} belongs to the account root: use rootAccessKeys for root keys`);
    }
    if (owner === undefined) {
      // IAM would not say whose key it is (it answers so for a key that does not exist): ask every user.
      const all = await users(ctx.reader);
      const lists = await Promise.all(
        all.map(async (u) => ({ u, keys: await accessKeys(ctx.reader, u.UserName!) })),
      );
      const hit = lists.find((l) => l.keys?.some((k) => k.AccessKeyId === id));
      if (!hit) return missing(p, `: no IAM user has it`);
      const key = hit.keys!.find((k) => k.AccessKeyId === id)!;
      return { exists: true, summary: `Access key ${id} of user ${hit.u.UserName} exists (${key.Status})` };
    }
    const keys = await accessKeys(ctx.reader, owner);
    if (!keys) return missing(p, `: user ${owner} does not exist`);
    const key = keys.find((k) => k.AccessKeyId === id);
    if (!key) return missing(p, p.user ? '' : ` (it was user ${owner}'s)`);
    return { exists: true, summary: `Access key ${id} of user ${owner} exists (${key.Status})` };
  },

  async logGroup(ctx, p) {
    const g = await logGroup(ctx.reader, p.id!);
    if (!g) return missing(p);
    const created = g.creationTime ? ` (created ${new Date(g.creationTime).toISOString()})` : '';
    return { exists: true, summary: `${nameOf(p)} exists${created}` };
  },

  async securityGroup(ctx, p) {
    const g = await securityGroup(ctx.reader, p.id!);
    if (!g) return missing(p);
    const vpc = g.VpcId ? ` in ${g.VpcId}` : '';
    return { exists: true, summary: `${nameOf(p)} (${g.GroupName ?? '?'}) exists${vpc}` };
  },

  async trail(ctx, p) {
    const t = await findTrail(ctx.reader, p.id!);
    ctx.knownAs(p.id!, t?.Name, t?.TrailARN);
    if (!t) return missing(p, ` in ${ctx.exercise.region}`);
    return {
      exists: true,
      summary: `${nameOf(p)} exists (${t.TrailARN ?? p.id}, home region ${t.HomeRegion ?? '?'})`,
    };
  },

  async flowLog(ctx, p) {
    const f = (await flowLogs(ctx.reader)).find((x) => x.FlowLogId === p.id);
    if (!f) return missing(p);
    // CreateFlowLogs names the VPC, subnet or interface, not the flow log it creates.
    ctx.knownAs(p.id!, f.ResourceId);
    return {
      exists: true,
      summary: `${nameOf(p)} exists for ${f.ResourceId ?? '?'} (${f.FlowLogStatus ?? 'status unknown'})`,
    };
  },
};
