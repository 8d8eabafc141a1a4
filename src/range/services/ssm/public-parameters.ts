import type { Parameter } from '@aws-sdk/client-ssm';
import { createHash } from 'node:crypto';
import type { CallContext } from '../../context.js';

/**
 * AWS's public parameters that templates use to launch the current Amazon Linux without hard-coding a
 * regional AMI id (`AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` defaulting to
 * `/aws/service/ami-amazon-linux-latest/...`). The range has no image catalogue: each name answers a
 * well-formed AMI id of its own, stable per region, as the real parameter differs per region.
 */
const AMI_ALIASES = new Set(
  [
    'al2023-ami-kernel-default-x86_64',
    'al2023-ami-kernel-default-arm64',
    'al2023-ami-kernel-6.1-x86_64',
    'al2023-ami-minimal-kernel-default-x86_64',
    'amzn2-ami-hvm-x86_64-gp2',
    'amzn2-ami-kernel-5.10-hvm-x86_64-gp2',
  ].map((n) => `/aws/service/ami-amazon-linux-latest/${n}`),
);

const PUBLISHED = new Date('2024-06-01T00:00:00Z');

/** The public parameter of that name (with or without the leading slash), if the range knows it. */
export function publicParameter(ctx: CallContext, name: string): Parameter | undefined {
  const full = name.startsWith('/') ? name : `/${name}`;
  if (!AMI_ALIASES.has(full)) return undefined;
  const digest = createHash('sha256').update(`${ctx.region}${full}`).digest('hex');
  return {
    Name: full,
    Type: 'String',
    Value: `ami-0${digest.slice(0, 16)}`,
    Version: 1,
    LastModifiedDate: PUBLISHED,
    // Public parameters belong to no account: their ARNs have none.
    ARN: `arn:aws:ssm:${ctx.region}::parameter${full}`,
    DataType: 'text',
  };
}
