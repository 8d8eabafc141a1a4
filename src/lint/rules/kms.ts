import { isUnknown, type Rule } from '../types.js';
import {
  actionsOf,
  asBool,
  asNumber,
  conditionTests,
  grantsEveryone,
  hit,
  isAllow,
  skip,
  statementsOf,
} from './util.js';

const KEY = ['AWS::KMS::Key'];

export const KMS001: Rule = {
  id: 'KMS001',
  family: 'kms',
  title: 'Key policy open to everyone',
  severity: 'critical',
  resourceTypes: KEY,
  control:
    'A key policy grants key administration and use to named principals only, never to "*" without a condition.',
  fix: 'Replace Principal "*" with the account root (arn:aws:iam::<account>:root) or named roles, or add an aws:PrincipalAccount/aws:PrincipalOrgID condition.',
  check(res) {
    return statementsOf(res.properties.KeyPolicy, ['KeyPolicy'])
      .filter(
        (s) =>
          isAllow(s) &&
          grantsEveryone(s) &&
          !conditionTests(s, [
            'aws:PrincipalAccount',
            'aws:PrincipalOrgID',
            'kms:CallerAccount',
            'aws:SourceAccount',
          ]),
      )
      .map((s) => {
        const actions = actionsOf(s);
        const all = actions.some((a) => a === '*' || a.toLowerCase() === 'kms:*');
        return hit(
          [...s.path, 'Principal'],
          `the key policy allows ${all ? 'every KMS action (kms:*)' : actions.join(', ')} to any principal ("*") without a condition`,
        );
      });
  },
};

export const KMS002: Rule = {
  id: 'KMS002',
  family: 'kms',
  title: 'Key rotation off',
  severity: 'medium',
  resourceTypes: KEY,
  control: 'Symmetric customer managed keys rotate their key material every year.',
  fix: 'Set EnableKeyRotation: true.',
  check(res) {
    const spec = res.properties.KeySpec;
    if (spec !== undefined && spec !== 'SYMMETRIC_DEFAULT') return []; // rotation is for symmetric keys
    const v = asBool(res.properties.EnableKeyRotation);
    if (v === 'unknown') return [skip(['EnableKeyRotation'], res.properties.EnableKeyRotation)];
    return v === true
      ? []
      : [hit(['EnableKeyRotation'], 'automatic key rotation is off (EnableKeyRotation)')];
  },
};

/**
 * 30 days: the longest waiting period KMS allows, and its default (ScheduleKeyDeletion's PendingWindowInDays,
 * 7–30). A deletion can only be cancelled inside the window, so a shorter one leaves less time to notice a
 * mistaken or malicious ScheduleKeyDeletion before the data under the key is lost for good.
 */
export const MIN_PENDING_WINDOW_DAYS = 30;

export const KMS003: Rule = {
  id: 'KMS003',
  family: 'kms',
  title: 'Short key deletion window',
  severity: 'medium',
  resourceTypes: KEY,
  control: 'A key scheduled for deletion waits 30 days, so the deletion can be noticed and cancelled.',
  fix: `Remove PendingWindowInDays or set it to ${MIN_PENDING_WINDOW_DAYS}, and alarm on ScheduleKeyDeletion.`,
  check(res) {
    const raw = res.properties.PendingWindowInDays;
    if (raw === undefined) return [];
    if (isUnknown(raw)) return [skip(['PendingWindowInDays'], raw)];
    const days = asNumber(raw);
    return days !== undefined && days < MIN_PENDING_WINDOW_DAYS
      ? [
          hit(
            ['PendingWindowInDays'],
            `a deletion of this key can only be cancelled within ${days} days (below ${MIN_PENDING_WINDOW_DAYS})`,
          ),
        ]
      : [];
  },
};
