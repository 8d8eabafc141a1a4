import type { Rule } from '../types.js';
import { CT001, CT002, CT003, CT004, CT005 } from './cloudtrail.js';
import { EBS001, EBS002, EBS003, LMB001, LMB002, RDS001, RDS002, RDS003, SSM001 } from './compute.js';
import { IAM001, IAM002, IAM003, IAM004, IAM005, IAM006 } from './iam.js';
import { KMS001, KMS002, KMS003 } from './kms.js';
import { NACL001, VPC001 } from './network.js';
import { S3001, S3002, S3003, S3004, S3005, S3006 } from './s3.js';
import { SG001, SG002, SG003, SG004 } from './security-group.js';
import { LINT001, LINT002 } from './suppression.js';

/** Every rule sirs lint knows, in report order. Explicit: importing a rule file registers nothing. */
export const RULES: readonly Rule[] = [
  SG001,
  SG002,
  SG003,
  SG004,
  S3001,
  S3002,
  S3003,
  S3004,
  S3005,
  S3006,
  CT001,
  CT002,
  CT003,
  CT004,
  CT005,
  IAM001,
  IAM002,
  IAM003,
  IAM004,
  IAM005,
  IAM006,
  KMS001,
  KMS002,
  KMS003,
  VPC001,
  NACL001,
  EBS001,
  EBS002,
  EBS003,
  RDS001,
  RDS002,
  RDS003,
  LMB001,
  LMB002,
  SSM001,
  LINT001,
  LINT002,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
