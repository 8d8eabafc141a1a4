import type { ResourceProvider } from './provider.js';

/**
 * CloudFormation's own resource types that need no other service. A wait condition handle is a
 * presigned URL in AWS; on the range nothing signals it, so it only serves as a placeholder resource.
 */
export const waitConditionHandle: ResourceProvider = {
  attributes: [],
  properties: [],
  replaceOn: '*',
  async create(ctx) {
    const name = ctx.physicalName({ maxLength: 128 });
    const url =
      `https://cloudformation-waitcondition-${ctx.region}.s3.${ctx.urlSuffix}/` +
      `${encodeURIComponent(ctx.stackId)}/${ctx.logicalId}?X-Amz-Expires=86399`;
    return { physicalId: url, state: { name } };
  },
  async delete() {},
};

export const cloudFormationProviders = {
  'AWS::CloudFormation::WaitConditionHandle': waitConditionHandle,
};
