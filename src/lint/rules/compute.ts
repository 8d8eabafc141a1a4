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
