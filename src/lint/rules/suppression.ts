import type { Rule } from '../types.js';

/**
 * Findings about suppressions themselves. They are raised by the engine, which reads `Metadata.sirs.ignore`
 * (a resource's properties never hold it): their `check` finds nothing on its own.
 */
export const LINT001: Rule = {
  id: 'LINT001',
  family: 'suppression',
  title: 'Suppression without a reason',
  severity: 'medium',
  resourceTypes: ['*'],
  control: 'Every accepted risk says why it is accepted, so reviewers can judge it.',
  fix: 'Add a reason to the Metadata.sirs.ignore entry (e.g. "approved in CHG-4821 until 2027-03-31").',
  check: () => [],
};

export const LINT002: Rule = {
  id: 'LINT002',
  family: 'suppression',
  title: 'Suppression of an unknown rule',
  severity: 'low',
  resourceTypes: ['*'],
  control: 'Suppressions name rules that exist, so a typo does not hide the finding it meant to accept.',
  fix: 'Use a rule id that `sirs lint --list-rules` shows, or remove the entry.',
  check: () => [],
};
