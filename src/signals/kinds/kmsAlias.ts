import { z } from 'zod';
import { observed } from '../evidence.js';
import { defineSignalKind } from '../types.js';
import { expect, resource } from '../params.js';
import { kmsAliases, kmsKey } from '../reads/operations.js';

export const kmsAlias = defineSignalKind({
  name: 'kmsAlias',
  family: 'state',
  reads: ['kms:ListAliases', 'kms:DescribeKey'],
  summary: 'A KMS alias points at a given key (applications find their key by it) or not.',
  params: z.strictObject({
    alias: resource('The alias name, alias/...'),
    key: resource('The key it must point at: key id or key ARN.'),
    expect: expect(
      ['present', 'absent'],
      'present: the alias exists and points at the key; absent: it is gone or points elsewhere.',
    ),
  }),
  describe: (p) =>
    p.expect === 'present'
      ? `KMS alias ${p.alias} points at key ${p.key}`
      : `KMS alias ${p.alias} no longer points at key ${p.key}`,
  probe: async (ctx, p) => {
    const [aliases, key] = await Promise.all([kmsAliases(ctx.reader), kmsKey(ctx.reader, p.key)]);
    const alias = aliases.find((a) => a.AliasName === p.alias);
    const keyId = key?.KeyId ?? p.key.replace(/^arn:[^:]+:kms:[^:]*:[^:]*:key\//, '');
    ctx.knownAs(p.alias, alias?.AliasArn);
    let summary: string;
    if (!alias) summary = `KMS alias ${p.alias} does not exist`;
    else if (!alias.TargetKeyId) summary = `KMS alias ${p.alias} points at no key`;
    else summary = `KMS alias ${p.alias} points at key ${alias.TargetKeyId}`;
    return observed(ctx, (alias?.TargetKeyId === keyId) === (p.expect === 'present'), summary);
  },
  attribution: (p) => ({
    eventNames: p.expect === 'present' ? ['CreateAlias', 'UpdateAlias'] : ['DeleteAlias', 'UpdateAlias'],
    resource: p.alias,
  }),
});
