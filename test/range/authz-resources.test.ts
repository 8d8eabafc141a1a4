import { expect } from 'chai';
import type { CallContext } from '../../src/range/context.js';
import { ServiceError } from '../../src/range/errors.js';
import type { Principal } from '../../src/range/identity.js';
import { StateRegistry } from '../../src/range/state.js';
import { actionsOf } from '../../src/range/authz/actions.js';
import { resourceArns } from '../../src/range/authz/resources.js';
import { iamState } from '../../src/range/services/iam/store.js';

const ACCT = '123456789012';
const REGION = 'eu-west-1';
const alice: Principal = {
  type: 'IAMUser',
  accountId: ACCT,
  arn: `arn:aws:iam::${ACCT}:user/alice`,
  principalId: 'AIDAALICE',
  userName: 'alice',
};

/** A call context over a fresh store; KMS DescribeKey (alias lookups) answers from `aliases`. */
function contextFor(service: string, principal: Principal = alice): CallContext {
  const registry = new StateRegistry();
  const aliases: Record<string, string> = {
    'alias/app-data': `arn:aws:kms:${REGION}:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  };
  const ctx = {
    service,
    accountId: ACCT,
    region: REGION,
    principal,
    state: (def: Parameters<CallContext['state']>[0]) => registry.get(def, ACCT, REGION),
    dispatch: (_svc: string, _op: string, input: object) => {
      const arn = aliases[(input as { KeyId: string }).KeyId];
      if (!arn) return Promise.reject(new ServiceError('NotFoundException', 'no such alias'));
      return Promise.resolve({ KeyMetadata: { Arn: arn } });
    },
  } as unknown as CallContext;
  // A user with a path, as IAM keeps it: its ARN carries the path.
  const iam = ctx.state(iamState);
  iam.users['ops-bot'] = {
    UserName: 'ops-bot',
    UserId: 'AIDAOPS',
    Arn: `arn:aws:iam::${ACCT}:user/automation/ops-bot`,
    Path: '/automation/',
    CreateDate: new Date(0),
    Tags: [],
    inlinePolicies: {},
    attachedPolicies: [],
    groups: [],
    mfaDevices: [],
  };
  return ctx;
}

async function authorizedOn(service: string, operation: string, input: Record<string, unknown>) {
  const ctx = contextFor(service);
  const out: Array<[string, string[]]> = [];
  for (const action of actionsOf(service, operation))
    out.push([action, await resourceArns(ctx, action, input)]);
  return out;
}

/**
 * The action and resource ARNs of the calls the shipped scenarios, runbooks and signals make, as the
 * Service Authorization Reference documents them ("Actions, resources, and condition keys for <service>":
 * each action's resource types and each resource type's ARN format).
 */
const CASES: Array<[string, string, Record<string, unknown>, Array<[string, string[]]>]> = [
  ['ec2', 'DescribeInstances', {}, [['ec2:DescribeInstances', ['*']]]],
  [
    'ec2',
    'RevokeSecurityGroupIngress',
    { GroupId: 'sg-0123456789abcdef0', IpPermissions: [] },
    [
      [
        'ec2:RevokeSecurityGroupIngress',
        [`arn:aws:ec2:${REGION}:${ACCT}:security-group/sg-0123456789abcdef0`],
      ],
    ],
  ],
  [
    'ec2',
    'CreateSnapshot',
    { VolumeId: 'vol-0123456789abcdef0' },
    [
      [
        'ec2:CreateSnapshot',
        [`arn:aws:ec2:${REGION}::snapshot/*`, `arn:aws:ec2:${REGION}:${ACCT}:volume/vol-0123456789abcdef0`],
      ],
    ],
  ],
  [
    'ec2',
    'CreateFlowLogs',
    { ResourceIds: ['vpc-0123456789abcdef0'], ResourceType: 'VPC', TrafficType: 'ALL' },
    [
      [
        'ec2:CreateFlowLogs',
        [
          `arn:aws:ec2:${REGION}:${ACCT}:vpc/vpc-0123456789abcdef0`,
          `arn:aws:ec2:${REGION}:${ACCT}:vpc-flow-log/*`,
        ],
      ],
    ],
  ],
  [
    'ec2',
    'ModifySnapshotAttribute',
    { SnapshotId: 'snap-0123456789abcdef0' },
    [['ec2:ModifySnapshotAttribute', [`arn:aws:ec2:${REGION}::snapshot/snap-0123456789abcdef0`]]],
  ],
  [
    'iam',
    'CreateAccessKey',
    { UserName: 'ops-bot' },
    [['iam:CreateAccessKey', [`arn:aws:iam::${ACCT}:user/automation/ops-bot`]]],
  ],
  ['iam', 'ListAccessKeys', {}, [['iam:ListAccessKeys', [`arn:aws:iam::${ACCT}:user/alice`]]]],
  [
    'iam',
    'CreateUser',
    { UserName: 'svc-backup', Path: '/svc/' },
    [['iam:CreateUser', [`arn:aws:iam::${ACCT}:user/svc/svc-backup`]]],
  ],
  [
    'iam',
    'AttachUserPolicy',
    { UserName: 'bob', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    [['iam:AttachUserPolicy', [`arn:aws:iam::${ACCT}:user/bob`]]],
  ],
  [
    'iam',
    'CreateVirtualMFADevice',
    { VirtualMFADeviceName: 'bob' },
    [['iam:CreateVirtualMFADevice', [`arn:aws:iam::${ACCT}:mfa/bob`]]],
  ],
  ['iam', 'ListUsers', {}, [['iam:ListUsers', ['*']]]],
  [
    'cloudtrail',
    'StopLogging',
    { Name: 'org-trail' },
    [['cloudtrail:StopLogging', [`arn:aws:cloudtrail:${REGION}:${ACCT}:trail/org-trail`]]],
  ],
  [
    'cloudtrail',
    'StartLogging',
    { Name: `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/org-trail` },
    [['cloudtrail:StartLogging', [`arn:aws:cloudtrail:us-east-1:${ACCT}:trail/org-trail`]]],
  ],
  ['cloudtrail', 'LookupEvents', {}, [['cloudtrail:LookupEvents', ['*']]]],
  [
    'kms',
    'ScheduleKeyDeletion',
    { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', PendingWindowInDays: 7 },
    [['kms:ScheduleKeyDeletion', [`arn:aws:kms:${REGION}:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`]]],
  ],
  [
    'kms',
    'Encrypt',
    { KeyId: 'alias/app-data', Plaintext: Buffer.from('x') },
    [['kms:Encrypt', [`arn:aws:kms:${REGION}:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`]]],
  ],
  [
    'kms',
    'ReEncrypt',
    { SourceKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', DestinationKeyId: 'alias/app-data' },
    [
      ['kms:ReEncryptFrom', [`arn:aws:kms:${REGION}:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`]],
      ['kms:ReEncryptTo', [`arn:aws:kms:${REGION}:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`]],
    ],
  ],
  [
    'logs',
    'DescribeLogStreams',
    { logGroupName: '/sirs/exercises/ex-1' },
    [['logs:DescribeLogStreams', [`arn:aws:logs:${REGION}:${ACCT}:log-group:/sirs/exercises/ex-1:*`]]],
  ],
  [
    'logs',
    'PutLogEvents',
    { logGroupName: '/sirs/exercises/ex-1', logStreamName: 'acks', logEvents: [] },
    [
      [
        'logs:PutLogEvents',
        [`arn:aws:logs:${REGION}:${ACCT}:log-group:/sirs/exercises/ex-1:log-stream:acks`],
      ],
    ],
  ],
  [
    'ssm',
    'GetParameter',
    { Name: '/app/db/password' },
    [['ssm:GetParameter', [`arn:aws:ssm:${REGION}:${ACCT}:parameter/app/db/password`]]],
  ],
  [
    'ssm',
    'SendCommand',
    { DocumentName: 'AWS-RunShellScript', InstanceIds: ['i-0123456789abcdef0'] },
    [
      [
        'ssm:SendCommand',
        [
          `arn:aws:ssm:${REGION}::document/AWS-RunShellScript`,
          `arn:aws:ec2:${REGION}:${ACCT}:instance/i-0123456789abcdef0`,
        ],
      ],
    ],
  ],
  [
    'sns',
    'Publish',
    { TopicArn: `arn:aws:sns:${REGION}:${ACCT}:alerts`, Message: 'x' },
    [['sns:Publish', [`arn:aws:sns:${REGION}:${ACCT}:alerts`]]],
  ],
  [
    'monitoring',
    'DescribeAlarms',
    { AlarmNames: ['root-login', 'trail-stopped'] },
    [
      [
        'cloudwatch:DescribeAlarms',
        [
          `arn:aws:cloudwatch:${REGION}:${ACCT}:alarm:root-login`,
          `arn:aws:cloudwatch:${REGION}:${ACCT}:alarm:trail-stopped`,
        ],
      ],
    ],
  ],
  [
    'cloudformation',
    'DeleteStack',
    { StackName: 'sirs-ex-1-ssh' },
    [['cloudformation:DeleteStack', [`arn:aws:cloudformation:${REGION}:${ACCT}:stack/sirs-ex-1-ssh/*`]]],
  ],
  ['s3control', 'PutPublicAccessBlock', { AccountId: ACCT }, [['s3:PutAccountPublicAccessBlock', ['*']]]],
  [
    'lambda',
    'Invoke',
    { FunctionName: 'quarantine' },
    [['lambda:InvokeFunction', [`arn:aws:lambda:${REGION}:${ACCT}:function:quarantine`]]],
  ],
  [
    'sts',
    'AssumeRole',
    { RoleArn: `arn:aws:iam::${ACCT}:role/ir`, RoleSessionName: 's' },
    [['sts:AssumeRole', [`arn:aws:iam::${ACCT}:role/ir`]]],
  ],
];

describe('range IAM: the action and resources of a request (Service Authorization Reference)', () => {
  for (const [service, operation, input, expected] of CASES) {
    it(`${service}:${operation}`, async () => {
      expect(await authorizedOn(service, operation, input)).to.deep.equal(expected);
    });
  }

  it('answers a role session calling an IAM user operation without a user name as IAM does', async () => {
    const session: Principal = {
      type: 'AssumedRole',
      accountId: ACCT,
      arn: `arn:aws:sts::${ACCT}:assumed-role/ir/s`,
      principalId: 'AROAIR:s',
      session: {
        roleArn: `arn:aws:iam::${ACCT}:role/ir`,
        roleName: 'ir',
        roleId: 'AROAIR',
        sessionName: 's',
        createdAt: new Date(0),
        mfaAuthenticated: false,
      },
    };
    const err = await resourceArns(contextFor('iam', session), 'iam:ListAccessKeys', {}).catch(
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ServiceError);
    expect((err as ServiceError).code).to.equal('ValidationError');
  });
});
