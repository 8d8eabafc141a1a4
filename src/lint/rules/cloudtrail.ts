import { isUnknown, type Rule } from '../types.js';
import { hit, requireTrue, skip } from './util.js';

const TRAIL = ['AWS::CloudTrail::Trail'];

export const CT001: Rule = {
  id: 'CT001',
  family: 'cloudtrail',
  title: 'Trail not logging',
  severity: 'critical',
  resourceTypes: TRAIL,
  control: 'API calls are recorded by a trail that is logging.',
  fix: 'Set IsLogging: true (and find out who stopped it: StopLogging is a classic first move of an intruder).',
  check: (res) => requireTrue(res.properties, 'IsLogging', 'the trail does not log (IsLogging is false)'),
};

export const CT002: Rule = {
  id: 'CT002',
  family: 'cloudtrail',
  title: 'Trail not multi-region',
  severity: 'medium',
  resourceTypes: TRAIL,
  control: 'A multi-region trail records API calls in every region, including the ones nobody uses.',
  fix: 'Set IsMultiRegionTrail: true (and IncludeGlobalServiceEvents: true).',
  check: (res) =>
    requireTrue(
      res.properties,
      'IsMultiRegionTrail',
      'the trail records one region only (IsMultiRegionTrail is not true)',
    ),
};

export const CT003: Rule = {
  id: 'CT003',
  family: 'cloudtrail',
  title: 'Trail without log file validation',
  severity: 'medium',
  resourceTypes: TRAIL,
  control: 'Log files carry digests, so tampering with the audit trail can be proved.',
  fix: 'Set EnableLogFileValidation: true.',
  check: (res) =>
    requireTrue(
      res.properties,
      'EnableLogFileValidation',
      'log file integrity validation is off (EnableLogFileValidation)',
    ),
};

export const CT004: Rule = {
  id: 'CT004',
  family: 'cloudtrail',
  title: 'Trail without CloudWatch Logs delivery',
  severity: 'medium',
  resourceTypes: TRAIL,
  control:
    'Trail events reach CloudWatch Logs, where metric filters and alarms watch them in near real time.',
  fix: 'Set CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn (a role CloudTrail can assume).',
  check(res) {
    const group = res.properties.CloudWatchLogsLogGroupArn;
    if (group === undefined || group === '')
      return [hit([], 'the trail does not deliver to CloudWatch Logs')];
    return [];
  },
};

export const CT005: Rule = {
  id: 'CT005',
  family: 'cloudtrail',
  title: 'Trail logs not encrypted with a KMS key',
  severity: 'low',
  resourceTypes: TRAIL,
  control:
    'Trail log files are encrypted with a customer managed KMS key, so reading them needs a key grant too.',
  fix: 'Set KMSKeyId to a customer managed key whose policy lets CloudTrail encrypt.',
  check(res) {
    const key = res.properties.KMSKeyId;
    if (isUnknown(key)) return key.refs.length > 0 ? [] : [skip(['KMSKeyId'], key)];
    return key === undefined || key === ''
      ? [hit([], 'the trail does not encrypt its log files with a KMS key (KMSKeyId)')]
      : [];
  },
};
