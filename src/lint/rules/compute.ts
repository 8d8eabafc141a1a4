import { isRecord } from '../../scenario/issues.js';
import { isUnknown, type Rule } from '../types.js';
import { asBool, asList, hit, requireTrue, skip } from './util.js';

export const EBS001: Rule = {
  id: 'EBS001',
  family: 'ebs',
  title: 'Unencrypted EBS volume',
  severity: 'high',
  resourceTypes: ['AWS::EC2::Volume'],
  control:
    'EBS volumes are encrypted, so their data and every snapshot of it are protected by a KMS key (and an encrypted snapshot cannot be made public).',
  fix: 'Set Encrypted: true (optionally KmsKeyId), or turn on EBS encryption by default for the account.',
  check: (res) =>
    requireTrue(res.properties, 'Encrypted', 'the volume is not encrypted (Encrypted is not true)'),
};

export const EBS002: Rule = {
  id: 'EBS002',
  family: 'ebs',
  title: 'Block public access for EBS snapshots turned off',
  severity: 'high',
  resourceTypes: ['AWS::EC2::SnapshotBlockPublicAccess'],
  control: 'No EBS snapshot can be shared publicly: snapshot block public access blocks all sharing.',
  fix: 'Set State to block-all-sharing (or at least block-new-sharing); share snapshots with named accounts only.',
  check(res) {
    const state = res.properties.State;
    if (isUnknown(state)) return [skip(['State'], state)];
    return state === 'unblocked'
      ? [hit(['State'], 'snapshots of this region may be shared publicly (State: unblocked)')]
      : [];
  },
};

/** Block devices of instances and launch templates: EBS volumes created from them. */
export const EBS003: Rule = {
  id: 'EBS003',
  family: 'ebs',
  title: 'Instance, launch template or launch configuration volume explicitly unencrypted',
  severity: 'medium',
  resourceTypes: ['AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate', 'AWS::AutoScaling::LaunchConfiguration'],
  control: 'Volumes that instances launch with are encrypted like any other EBS volume.',
  fix: 'Set Ebs.Encrypted: true on the block device mapping (or remove false and turn on EBS encryption by default).',
  // Only an explicit false: without it, the account's EBS encryption-by-default setting decides.
  check(res) {
    const data = res.type === 'AWS::EC2::LaunchTemplate' ? res.properties.LaunchTemplateData : res.properties;
    const base = res.type === 'AWS::EC2::LaunchTemplate' ? ['LaunchTemplateData'] : [];
    const mappings = isRecord(data) ? asList(data.BlockDeviceMappings) : [];
    return mappings.flatMap((m, i) => {
      const ebs = isRecord(m) ? m.Ebs : undefined;
      if (!isRecord(ebs)) return [];
      const path = [...base, 'BlockDeviceMappings', i, 'Ebs', 'Encrypted'];
      const v = asBool(ebs.Encrypted);
      if (v === 'unknown') return [skip(path, ebs.Encrypted)];
      return v === false
        ? [hit(path, 'the block device volume is created unencrypted (Encrypted: false)')]
        : [];
    });
  },
};

export const RDS001: Rule = {
  id: 'RDS001',
  family: 'rds',
  title: 'Database instance publicly accessible',
  severity: 'high',
  resourceTypes: ['AWS::RDS::DBInstance'],
  control: 'Databases have no public endpoint; they are reached from inside the VPC only.',
  fix: 'Set PubliclyAccessible: false and place the instance in private subnets.',
  check(res) {
    const v = asBool(res.properties.PubliclyAccessible);
    if (v === 'unknown') return [skip(['PubliclyAccessible'], res.properties.PubliclyAccessible)];
    return v === true
      ? [hit(['PubliclyAccessible'], 'the database has a public endpoint (PubliclyAccessible: true)')]
      : [];
  },
};

export const RDS002: Rule = {
  id: 'RDS002',
  family: 'rds',
  title: 'Database storage not encrypted',
  severity: 'high',
  resourceTypes: ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'],
  control: 'Database storage, its backups and snapshots are encrypted at rest.',
  fix: 'Set StorageEncrypted: true (a new instance or cluster is needed: encryption cannot be turned on in place).',
  check(res) {
    // An instance in an Aurora cluster inherits the cluster's encryption: the cluster is judged instead.
    if (res.type === 'AWS::RDS::DBInstance' && res.properties.DBClusterIdentifier !== undefined) return [];
    if (
      res.properties.SourceDBInstanceIdentifier !== undefined ||
      res.properties.DBSnapshotIdentifier !== undefined
    )
      return [];
    return requireTrue(
      res.properties,
      'StorageEncrypted',
      'the database storage is not encrypted (StorageEncrypted is not true)',
    );
  },
};

export const RDS003: Rule = {
  id: 'RDS003',
  family: 'rds',
  title: 'Database master password written in the template',
  severity: 'high',
  resourceTypes: ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'],
  control: 'Database credentials live in Secrets Manager, never in templates or parameter defaults.',
  fix: 'Use ManageMasterUserPassword: true, or a {{resolve:secretsmanager:...}} dynamic reference.',
  // A NoEcho parameter given at deployment is unknown here (a secret); its default, or a parameter without
  // NoEcho (which DescribeStacks shows), resolves to the text and is flagged.
  check(res) {
    const raw = res.properties.MasterUserPassword;
    if (raw === undefined || isUnknown(raw)) return [];
    const text = String(raw);
    if (/^\{\{resolve:(secretsmanager|ssm-secure):/.test(text)) return [];
    return [
      hit(
        ['MasterUserPassword'],
        'the master password is readable from the template or the stack (a literal, a parameter default, or a parameter without NoEcho)',
      ),
    ];
  },
};

const SOURCE_KEYS = ['SourceArn', 'SourceAccount', 'PrincipalOrgID'];

export const LMB001: Rule = {
  id: 'LMB001',
  family: 'lambda',
  title: 'Function anyone can invoke',
  severity: 'high',
  resourceTypes: ['AWS::Lambda::Permission'],
  control: 'Only named services, accounts or resources may invoke a function.',
  fix: 'Name the principal (a service or account) and add SourceArn/SourceAccount; for a function URL use AuthType AWS_IAM.',
  check(res) {
    const p = res.properties;
    if (isUnknown(p.Principal)) return [skip(['Principal'], p.Principal)];
    if (p.Principal !== '*') return [];
    if (SOURCE_KEYS.some((k) => p[k] !== undefined)) return [];
    return [
      hit(
        ['Principal'],
        'any AWS principal, or anyone on the internet, may invoke the function (Principal "*" without a source condition)',
      ),
    ];
  },
};

export const LMB002: Rule = {
  id: 'LMB002',
  family: 'lambda',
  title: 'Function URL without authentication',
  severity: 'high',
  resourceTypes: ['AWS::Lambda::Url'],
  control: 'Function URLs require IAM authentication unless the function is a reviewed public endpoint.',
  fix: 'Set AuthType: AWS_IAM, or put the function behind API Gateway with an authorizer.',
  check(res) {
    const auth = res.properties.AuthType;
    if (isUnknown(auth)) return [skip(['AuthType'], auth)];
    return auth === 'NONE'
      ? [hit(['AuthType'], 'anyone on the internet can call the function URL (AuthType: NONE)')]
      : [];
  },
};

export const SSM001: Rule = {
  id: 'SSM001',
  family: 'patching',
  title: 'Patch association that only scans',
  severity: 'medium',
  resourceTypes: ['AWS::SSM::Association'],
  control:
    'Instances get security updates installed on a schedule; a scan alone only reports what is missing.',
  fix: 'Add a maintenance window or association that runs AWS-RunPatchBaseline with Operation Install (with a reboot policy), or patch through the image pipeline.',
  check(res, ctx) {
    const p = res.properties;
    if (p.Name !== 'AWS-RunPatchBaseline') return [];
    const operation = (a: Record<string, unknown>) => {
      const params = isRecord(a.Parameters) ? a.Parameters : {};
      return asList(params.Operation)[0];
    };
    const op = operation(p);
    if (isUnknown(op)) return [skip(['Parameters', 'Operation'], op)];
    if (op !== 'Scan') return [];
    const installs = ctx.resources.some(
      (r) =>
        r.type === 'AWS::SSM::Association' &&
        r.properties.Name === 'AWS-RunPatchBaseline' &&
        operation(r.properties) === 'Install',
    );
    const windows = ctx.resources.some(
      (r) => r.type === 'AWS::SSM::MaintenanceWindowTask' && JSON.stringify(r.properties).includes('Install'),
    );
    return installs || windows
      ? []
      : [
          hit(
            ['Parameters', 'Operation'],
            'AWS-RunPatchBaseline only scans: nothing in the template installs missing patches',
          ),
        ];
  },
};
