/**
 * What an inject action creates, read from its response, and the call that removes it. Teardown and
 * `sirs cleanup` run these in reverse order before the stacks are deleted (a key or policy an action
 * added to a stack's user would otherwise stop CloudFormation from deleting the user). A pure table:
 * only what sirs' own calls returned is ever removed.
 */
import type { UndoCall } from './entries.js';

export interface Created {
  /** For people: "access key AKIA... of user intruder". */
  resource: string;
  undo: UndoCall;
}

type Input = Record<string, unknown>;
type Undoer = (input: Input, output: Input, as: UndoCall['as']) => Created[];

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function one(resource: string, call: string, input: Input, as: UndoCall['as'] = 'default'): Created[] {
  return [{ resource, undo: { call, input, as } }];
}

const UNDOERS: Record<string, Undoer> = {
  'iam:CreateAccessKey': (_i, o, as) => {
    const key = (o.AccessKey ?? {}) as Input;
    const id = str(key.AccessKeyId);
    if (!id) return [];
    const user = str(key.UserName);
    // The account root's own keys (no user name) can only be deleted by the root.
    if (!user || as === 'root')
      return one(`root access key ${id}`, 'iam:DeleteAccessKey', { AccessKeyId: id }, 'root');
    return one(`access key ${id} of ${user}`, 'iam:DeleteAccessKey', { UserName: user, AccessKeyId: id });
  },
  'iam:CreateUser': (i) =>
    str(i.UserName) ? one(`IAM user ${str(i.UserName)}`, 'iam:DeleteUser', { UserName: i.UserName }) : [],
  'iam:CreateRole': (i) =>
    str(i.RoleName) ? one(`IAM role ${str(i.RoleName)}`, 'iam:DeleteRole', { RoleName: i.RoleName }) : [],
  'iam:CreatePolicy': (_i, o) => {
    const arn = str((o.Policy as Input | undefined)?.Arn);
    return arn ? one(`IAM policy ${arn}`, 'iam:DeletePolicy', { PolicyArn: arn }) : [];
  },
  'iam:CreateLoginProfile': (i) =>
    str(i.UserName)
      ? one(`console password of ${str(i.UserName)}`, 'iam:DeleteLoginProfile', { UserName: i.UserName })
      : [],
  'iam:AttachUserPolicy': (i) =>
    one(`policy ${str(i.PolicyArn)} on user ${str(i.UserName)}`, 'iam:DetachUserPolicy', {
      UserName: i.UserName,
      PolicyArn: i.PolicyArn,
    }),
  'iam:AttachRolePolicy': (i) =>
    one(`policy ${str(i.PolicyArn)} on role ${str(i.RoleName)}`, 'iam:DetachRolePolicy', {
      RoleName: i.RoleName,
      PolicyArn: i.PolicyArn,
    }),
  'iam:AttachGroupPolicy': (i) =>
    one(`policy ${str(i.PolicyArn)} on group ${str(i.GroupName)}`, 'iam:DetachGroupPolicy', {
      GroupName: i.GroupName,
      PolicyArn: i.PolicyArn,
    }),
  'iam:PutUserPolicy': (i) =>
    one(`inline policy ${str(i.PolicyName)} of user ${str(i.UserName)}`, 'iam:DeleteUserPolicy', {
      UserName: i.UserName,
      PolicyName: i.PolicyName,
    }),
  'iam:PutRolePolicy': (i) =>
    one(`inline policy ${str(i.PolicyName)} of role ${str(i.RoleName)}`, 'iam:DeleteRolePolicy', {
      RoleName: i.RoleName,
      PolicyName: i.PolicyName,
    }),
  'iam:AddUserToGroup': (i) =>
    one(`membership of ${str(i.UserName)} in ${str(i.GroupName)}`, 'iam:RemoveUserFromGroup', {
      UserName: i.UserName,
      GroupName: i.GroupName,
    }),
  'iam:CreateVirtualMFADevice': (_i, o, as) => {
    const serial = str((o.VirtualMFADevice as Input | undefined)?.SerialNumber);
    return serial
      ? one(`virtual MFA device ${serial}`, 'iam:DeleteVirtualMFADevice', { SerialNumber: serial }, as)
      : [];
  },
  // Faults that take root's MFA away are undone by putting it back (the range accepts any two codes;
  // on AWS root MFA is managed in the console, so a scenario that removes it runs on the range only).
  'iam:DeactivateMFADevice': (i, _o, as) => {
    // Without a user name the device was the caller's: only root's can be named again (user `root`).
    const user = str(i.UserName) ?? (as === 'root' ? 'root' : undefined);
    return str(i.SerialNumber) && user
      ? one(
          `MFA device ${str(i.SerialNumber)} deactivated for ${user}`,
          'iam:EnableMFADevice',
          {
            UserName: user,
            SerialNumber: i.SerialNumber,
            AuthenticationCode1: '123456',
            AuthenticationCode2: '654321',
          },
          as,
        )
      : [];
  },
  'iam:DeleteVirtualMFADevice': (i, _o, as) => {
    // arn:aws:iam::<account>:mfa/<path><name>: recreated with the same path and name, so the serial is
    // the same and the EnableMFADevice undo of an earlier DeactivateMFADevice finds it.
    const m = /^arn:aws[\w-]*:iam::\d{12}:mfa(\/(?:.*\/)?)([^/]+)$/.exec(str(i.SerialNumber) ?? '');
    return m
      ? one(
          `virtual MFA device ${str(i.SerialNumber)} deleted`,
          'iam:CreateVirtualMFADevice',
          { Path: m[1], VirtualMFADeviceName: m[2] },
          as,
        )
      : [];
  },
  'ec2:CreateSnapshot': (_i, o) =>
    str(o.SnapshotId)
      ? one(`EBS snapshot ${str(o.SnapshotId)}`, 'ec2:DeleteSnapshot', { SnapshotId: o.SnapshotId })
      : [],
  'ec2:CreateVolume': (_i, o) =>
    str(o.VolumeId) ? one(`EBS volume ${str(o.VolumeId)}`, 'ec2:DeleteVolume', { VolumeId: o.VolumeId }) : [],
  'ec2:RunInstances': (_i, o) => {
    const ids = ((o.Instances ?? []) as Input[]).map((x) => str(x.InstanceId)).filter((x) => !!x);
    return ids.length
      ? one(`EC2 instance${ids.length > 1 ? 's' : ''} ${ids.join(', ')}`, 'ec2:TerminateInstances', {
          InstanceIds: ids,
        })
      : [];
  },
  'ec2:CreateSecurityGroup': (_i, o) =>
    str(o.GroupId)
      ? one(`security group ${str(o.GroupId)}`, 'ec2:DeleteSecurityGroup', { GroupId: o.GroupId })
      : [],
  'ec2:CreateFlowLogs': (_i, o) => {
    const ids = ((o.FlowLogIds ?? []) as unknown[]).filter((x): x is string => typeof x === 'string');
    return ids.length ? one(`flow logs ${ids.join(', ')}`, 'ec2:DeleteFlowLogs', { FlowLogIds: ids }) : [];
  },
  'logs:CreateLogGroup': (i) =>
    str(i.logGroupName)
      ? one(`log group ${str(i.logGroupName)}`, 'logs:DeleteLogGroup', { logGroupName: i.logGroupName })
      : [],
  // A log stream an action writes into (a host's syslog): removed with it, before the stack's group.
  'logs:CreateLogStream': (i) =>
    str(i.logGroupName) && str(i.logStreamName)
      ? one(`log stream ${str(i.logStreamName)} in ${str(i.logGroupName)}`, 'logs:DeleteLogStream', {
          logGroupName: i.logGroupName,
          logStreamName: i.logStreamName,
        })
      : [],
  'kms:CreateKey': (_i, o) => {
    const id = str((o.KeyMetadata as Input | undefined)?.KeyId);
    return id
      ? one(`KMS key ${id} (scheduled for deletion)`, 'kms:ScheduleKeyDeletion', {
          KeyId: id,
          PendingWindowInDays: 7,
        })
      : [];
  },
  'kms:CreateAlias': (i) =>
    str(i.AliasName)
      ? one(`KMS alias ${str(i.AliasName)}`, 'kms:DeleteAlias', { AliasName: i.AliasName })
      : [],
  'cloudtrail:CreateTrail': (i) =>
    str(i.Name) ? one(`trail ${str(i.Name)}`, 'cloudtrail:DeleteTrail', { Name: i.Name }) : [],
  'ssm:PutParameter': (i) =>
    str(i.Name) ? one(`SSM parameter ${str(i.Name)}`, 'ssm:DeleteParameter', { Name: i.Name }) : [],
  'ssm:CreateAssociation': (_i, o) => {
    const id = str((o.AssociationDescription as Input | undefined)?.AssociationId);
    return id ? one(`State Manager association ${id}`, 'ssm:DeleteAssociation', { AssociationId: id }) : [];
  },
  'sns:CreateTopic': (_i, o) =>
    str(o.TopicArn) ? one(`SNS topic ${str(o.TopicArn)}`, 'sns:DeleteTopic', { TopicArn: o.TopicArn }) : [],
  'cloudwatch:PutMetricAlarm': (i) =>
    str(i.AlarmName)
      ? one(`alarm ${str(i.AlarmName)}`, 'cloudwatch:DeleteAlarms', { AlarmNames: [i.AlarmName] })
      : [],
};

/** Calls whose results teardown knows how to remove. */
export const UNDOABLE_CALLS: readonly string[] = Object.keys(UNDOERS);

/** Operations that create something in an account (by name), for validation warnings. */
export function createsResources(call: string): boolean {
  const op = call.split(':')[1] ?? '';
  return /^(Create|Run|Allocate|Copy|Import|Register|Request|Purchase)/.test(op);
}

/** What an action created, from its input and response; empty when it created nothing sirs must remove. */
export function createdBy(call: string, input: Input, output: Input, as: string): Created[] {
  const undoer = UNDOERS[call];
  if (!undoer) return [];
  return undoer(input, output, as === 'root' ? 'root' : 'default');
}

/** Error codes that mean the thing is already gone (a responder removed it): the undo is done. */
export const ALREADY_GONE = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'InvalidSnapshot.NotFound',
  'InvalidVolume.NotFound',
  'InvalidInstanceID.NotFound',
  'InvalidGroup.NotFound',
  'InvalidFlowLogId.NotFound',
  'ResourceNotFoundException',
  'NotFoundException',
  'TrailNotFoundException',
  'ParameterNotFound',
  'AssociationDoesNotExist',
  'KMSInvalidStateException',
  // An undo that puts something back (root's MFA device) finds it already back: a responder restored it.
  'EntityAlreadyExists',
]);
