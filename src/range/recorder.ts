import type { ServiceModel, Shape } from './model/index.js';
import type { Operation } from './model/index.js';
import type { CallContext, EventResource, ServiceDefinition } from './context.js';
import type { CloudTrailRecord } from './history.js';
import type { Principal } from './identity.js';
import { lcfirst } from './errors.js';
import { uuid } from './ids.js';

const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';
/** Secrets CloudTrail never shows, beyond what the model marks sensitive. */
const secretMembers = new Set([
  'SecretAccessKey',
  'SessionToken',
  'Password',
  'NewPassword',
  'OldPassword',
  'Plaintext',
]);

/**
 * Convert an SDK-shaped value to CloudTrail's requestParameters/responseElements style: lowerCamelCase
 * member names (EC2: wire names with lists as `{ items: [...] }`), secrets hidden, payload bytes left out.
 */
export function toTrailValue(model: ServiceModel, shape: Shape, value: unknown, ec2: boolean): unknown {
  if (value === undefined || value === null) return undefined;
  if (shape.sensitive) return HIDDEN;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, member] of model.members(shape)) {
        const v = (value as Record<string, unknown>)[name];
        if (v === undefined || v === null) continue;
        let key = ec2 ? lcfirst(member.locationName ?? name) : lcfirst(name);
        // EC2's CloudTrail records spell the `return` member `_return`.
        if (ec2 && key === 'return') key = '_return';
        if (secretMembers.has(name) || member.sensitive) {
          out[key] = HIDDEN;
          continue;
        }
        const converted = toTrailValue(model, member, v, ec2);
        if (converted !== undefined) out[key] = converted;
      }
      return out;
    }
    case 'list': {
      const member = model.listMember(shape);
      const items = (value as unknown[]).map((v) => toTrailValue(model, member, v, ec2));
      return ec2 ? { items } : items;
    }
    case 'map': {
      const valueShape = model.mapValue(shape);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        out[k] = toTrailValue(model, valueShape, v, ec2);
      return out;
    }
    case 'timestamp':
      return value instanceof Date ? value.toISOString() : String(value);
    case 'blob':
      return undefined;
    default:
      return value;
  }
}

export function userIdentityOf(
  principal: Principal,
  accessKeyId: string | undefined,
  invokedBy?: string,
): Record<string, unknown> {
  const base: Record<string, unknown> = { type: principal.type };
  if (principal.type === 'AWSAccount') {
    return { type: 'AWSAccount', principalId: '', accountId: 'anonymous' };
  }
  // A service acting for itself (Lambda assuming an execution role) is named by the service only.
  if (principal.type === 'AWSService')
    return { type: 'AWSService', invokedBy: invokedBy ?? principal.service };
  base.principalId = principal.principalId;
  base.arn = principal.arn;
  base.accountId = principal.accountId;
  if (accessKeyId) base.accessKeyId = accessKeyId;
  if (principal.userName) base.userName = principal.userName;
  if (principal.session) {
    const s = principal.session;
    base.sessionContext = {
      sessionIssuer: {
        type: 'Role',
        principalId: s.roleId,
        arn: s.roleArn,
        accountId: principal.accountId,
        userName: s.roleName,
      },
      attributes: { creationDate: s.createdAt.toISOString(), mfaAuthenticated: String(s.mfaAuthenticated) },
    };
  }
  if (invokedBy) base.invokedBy = invokedBy;
  return base;
}

/** Member names that identify a resource, per service, for LookupEvents' ResourceName/ResourceType. */
const resourceMembers: Record<string, Record<string, string>> = {
  ec2: {
    GroupId: 'AWS::EC2::SecurityGroup',
    GroupIds: 'AWS::EC2::SecurityGroup',
    VpcId: 'AWS::EC2::VPC',
    VpcIds: 'AWS::EC2::VPC',
    SubnetId: 'AWS::EC2::Subnet',
    SubnetIds: 'AWS::EC2::Subnet',
    InstanceId: 'AWS::EC2::Instance',
    InstanceIds: 'AWS::EC2::Instance',
    NetworkAclId: 'AWS::EC2::NetworkAcl',
    SnapshotId: 'AWS::EC2::Snapshot',
    VolumeId: 'AWS::EC2::Volume',
    FlowLogIds: 'AWS::EC2::FlowLog',
    Resources: 'AWS::EC2::Resource',
  },
  s3: { Bucket: 'AWS::S3::Bucket' },
  iam: {
    UserName: 'AWS::IAM::User',
    RoleName: 'AWS::IAM::Role',
    GroupName: 'AWS::IAM::Group',
    PolicyArn: 'AWS::IAM::Policy',
    AccessKeyId: 'AWS::IAM::AccessKey',
    InstanceProfileName: 'AWS::IAM::InstanceProfile',
  },
  sts: { RoleArn: 'AWS::IAM::Role' },
  cloudtrail: {
    Name: 'AWS::CloudTrail::Trail',
    TrailName: 'AWS::CloudTrail::Trail',
    TrailARN: 'AWS::CloudTrail::Trail',
  },
  logs: { logGroupName: 'AWS::Logs::LogGroup' },
  kms: { KeyId: 'AWS::KMS::Key', AliasName: 'AWS::KMS::Alias' },
  cloudformation: { StackName: 'AWS::CloudFormation::Stack', StackId: 'AWS::CloudFormation::Stack' },
  monitoring: { AlarmName: 'AWS::CloudWatch::Alarm', AlarmNames: 'AWS::CloudWatch::Alarm' },
  ssm: { Name: 'AWS::SSM::Parameter', InstanceId: 'AWS::EC2::Instance', InstanceIds: 'AWS::EC2::Instance' },
};

export function resourcesOf(
  service: ServiceDefinition,
  operation: string,
  input: Record<string, unknown>,
  output: unknown,
): EventResource[] {
  if (service.resources) return service.resources(operation, input, output);
  const table = resourceMembers[service.name];
  if (!table) return [];
  const out: EventResource[] = [];
  const seen = new Set<string>();
  const add = (type: string, name: unknown) => {
    if (typeof name !== 'string' || !name || seen.has(`${type}|${name}`)) return;
    seen.add(`${type}|${name}`);
    out.push({ ResourceType: type, ResourceName: name });
  };
  const scan = (obj: unknown) => {
    if (!obj || typeof obj !== 'object') return;
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      const type = table[k];
      if (!type) continue;
      if (Array.isArray(v)) v.forEach((x) => add(type, x));
      else add(type, v);
    }
  };
  scan(input);
  if (output && typeof output === 'object') {
    scan(output);
    // Create* calls name the new resource inside a nested object (CreateUser → User.UserName).
    for (const v of Object.values(output as Record<string, unknown>)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) scan(v);
    }
  }
  return out;
}

export function isReadOnly(operation: string): boolean {
  return /^(Describe|Get|List|Head|Lookup|Filter|Test|Search|Batch(Get|Describe)|Validate|Estimate|Decrypt|Encrypt|ReEncrypt|GenerateDataKey|GenerateRandom|Verify)/.test(
    operation,
  );
}

export interface RecordInput {
  ctx: CallContext;
  service: ServiceDefinition;
  op: Operation;
  input: Record<string, unknown>;
  output?: unknown;
  error?: { code: string; message: string };
  management: boolean;
}

export function buildRecord({
  ctx,
  service,
  op,
  input,
  output,
  error,
  management,
}: RecordInput): CloudTrailRecord {
  const ec2 = op.model.metadata.protocol === 'ec2';
  const readOnly = isReadOnly(op.name);
  let requestParameters = op.input
    ? (toTrailValue(op.model, op.input, input, ec2) as Record<string, unknown>)
    : null;
  if (service.name === 's3' && requestParameters) {
    const { bucket, ...rest } = requestParameters as Record<string, unknown>;
    requestParameters = {
      ...(bucket !== undefined ? { bucketName: bucket } : {}),
      Host: ctx.http?.host ?? ctx.range.hostname,
      ...rest,
    };
  }
  if (requestParameters && service.trailParameters)
    requestParameters = service.trailParameters(op.name, requestParameters);
  if (requestParameters && Object.keys(requestParameters).length === 0) requestParameters = null;
  let responseElements: Record<string, unknown> | null = null;
  if (!error && !readOnly && op.output && output && typeof output === 'object') {
    const converted = toTrailValue(op.model, op.output, output, ec2) as Record<string, unknown>;
    responseElements = Object.keys(converted).length ? converted : null;
    if (ec2) responseElements = { requestId: ctx.requestId, ...converted };
  } else if (ec2 && !error && !readOnly && !op.output) {
    // EC2 answers `<return>true</return>` for calls its model gives no output (CreateTags, ...).
    responseElements = { requestId: ctx.requestId, _return: true };
  }
  const region = service.globalEvents ? 'us-east-1' : ctx.region;
  const record: CloudTrailRecord = {
    eventVersion: '1.09',
    userIdentity: userIdentityOf(ctx.principal, ctx.accessKeyId, ctx.invokedBy),
    eventTime: ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: service.eventSource,
    eventName: service.eventNames?.[op.name] ?? op.name,
    awsRegion: region,
    sourceIPAddress: ctx.invokedBy ?? ctx.sourceIp,
    userAgent: ctx.invokedBy ?? ctx.userAgent,
    ...(error ? { errorCode: ec2 ? ec2ErrorCode(error.code) : error.code, errorMessage: error.message } : {}),
    requestParameters,
    responseElements,
    requestID: ctx.requestId,
    eventID: uuid(),
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: management,
    recipientAccountId: ctx.accountId,
    eventCategory: management ? 'Management' : 'Data',
  };
  return record;
}

/** EC2's CloudTrail error codes say who failed: `Client.InvalidPermission.Duplicate`, `Server.InternalError`. */
function ec2ErrorCode(code: string): string {
  return /^(Internal|Unavailable$|ServiceUnavailable$|Insufficient\w*Capacity$)/.test(code)
    ? `Server.${code}`
    : `Client.${code}`;
}
