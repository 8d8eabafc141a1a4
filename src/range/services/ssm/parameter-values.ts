import type { CallContext } from '../../context.js';
import { ServiceError, isServiceError } from '../../errors.js';
import type { StoredParameter, StoredParameterVersion } from './store.js';

/**
 * Names, ARNs, selectors and SecureString encryption, shared by the parameter operations. SecureString
 * values are encrypted by the range's KMS (through dispatch, so CloudTrail shows KMS calls invoked by
 * ssm.amazonaws.com as in AWS) under the parameter's ARN as encryption context.
 */
export const DEFAULT_KEY = 'alias/aws/ssm';
/** A SecureString stored while the range has no KMS: kept readable, marked so it is never confused with ciphertext. */
const NO_KMS = 'range-unencrypted:';

export function parameterArn(ctx: CallContext, name: string): string {
  return `arn:aws:ssm:${ctx.region}:${ctx.accountId}:parameter/${name.replace(/^\//, '')}`;
}

const BAD_NAME =
  'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';

/** Parameter naming rules (PutParameter): letters, digits, `_.-`, `/` for hierarchies of at most 15 levels. */
export function checkName(name: string): void {
  if (name.includes('/') && !name.startsWith('/'))
    throw new ServiceError('ValidationException', 'Parameter name must be a fully qualified name.');
  const parts = name.split('/').filter((p) => p !== '');
  if (
    parts.length === 0 ||
    parts.some((p) => !/^[a-zA-Z0-9_.-]+$/.test(p)) ||
    /^\/?(aws|ssm)/i.test(name) ||
    name.endsWith('/')
  ) {
    throw new ServiceError('ValidationException', BAD_NAME);
  }
  if (name.length > 1011) {
    throw new ServiceError(
      'ValidationException',
      "1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length less than or equal to 1011",
    );
  }
  if (parts.length > 15) {
    throw new ServiceError(
      'HierarchyLevelLimitExceededException',
      'A hierarchy can have a maximum of 15 levels. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html',
    );
  }
}

/** `name`, `name:3` (a version), `name:label`, or the parameter's ARN. */
export function parseReference(ref: string): { name: string; selector?: string } {
  let rest = ref;
  const arn = /^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(ref);
  if (arn) rest = arn[1] ?? '';
  const colon = rest.lastIndexOf(':');
  if (colon <= 0) return { name: rest };
  return { name: rest.slice(0, colon), selector: rest.slice(colon) };
}

/** The parameter a reference names (an ARN names `/x` or `x`), or undefined. */
export function lookup(params: Record<string, StoredParameter>, name: string): StoredParameter | undefined {
  return params[name] ?? (name.startsWith('/') ? params[name.slice(1)] : undefined);
}

export function selectVersion(p: StoredParameter, selector: string | undefined): StoredParameterVersion {
  const current = p.versions.at(-1) as StoredParameterVersion;
  if (!selector) return current;
  const wanted = selector.slice(1);
  const found = /^\d+$/.test(wanted)
    ? p.versions.find((v) => v.version === Number(wanted))
    : p.versions.find((v) => v.labels.includes(wanted));
  if (!found) {
    throw new ServiceError(
      'ParameterVersionNotFound',
      `Systems Manager could not find version ${wanted} of ${p.name}. Verify the version and try again.`,
    );
  }
  return found;
}

export async function encryptValue(
  ctx: CallContext,
  name: string,
  value: string,
  keyId: string,
): Promise<string> {
  try {
    const out = (await ctx.dispatch(
      'kms',
      'Encrypt',
      {
        KeyId: keyId,
        Plaintext: Buffer.from(value),
        EncryptionContext: { PARAMETER_ARN: parameterArn(ctx, name) },
      },
      { invokedBy: 'ssm.amazonaws.com' },
    )) as { CiphertextBlob?: Uint8Array };
    return Buffer.from(out.CiphertextBlob ?? new Uint8Array()).toString('base64');
  } catch (err) {
    if (!isServiceError(err)) throw err;
    if (err.code === 'InvalidAction' || err.code === 'NotImplemented')
      return NO_KMS + Buffer.from(value).toString('base64');
    if (err.code === 'NotFoundException') throw new ServiceError('InvalidKeyId', err.message);
    throw err;
  }
}

export async function decryptValue(ctx: CallContext, name: string, stored: string): Promise<string> {
  if (stored.startsWith(NO_KMS)) return Buffer.from(stored.slice(NO_KMS.length), 'base64').toString('utf8');
  try {
    const out = (await ctx.dispatch(
      'kms',
      'Decrypt',
      {
        CiphertextBlob: Buffer.from(stored, 'base64'),
        EncryptionContext: { PARAMETER_ARN: parameterArn(ctx, name) },
      },
      { invokedBy: 'ssm.amazonaws.com' },
    )) as { Plaintext?: Uint8Array };
    return Buffer.from(out.Plaintext ?? new Uint8Array()).toString('utf8');
  } catch (err) {
    if (isServiceError(err) && err.code === 'NotFoundException')
      throw new ServiceError('InvalidKeyId', err.message);
    throw err;
  }
}

/** The value a reader gets: SecureStrings stay ciphertext unless decryption was asked for. */
export async function valueFor(
  ctx: CallContext,
  p: StoredParameter,
  v: StoredParameterVersion,
  decrypt: boolean | undefined,
): Promise<string> {
  if (v.type !== 'SecureString' || !decrypt) return v.value;
  return decryptValue(ctx, p.name, v.value);
}
