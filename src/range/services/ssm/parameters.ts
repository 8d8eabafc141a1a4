import type {
  DeleteParameterRequest,
  DeleteParametersRequest,
  DeleteParametersResult,
  GetParameterHistoryRequest,
  GetParameterHistoryResult,
  GetParameterRequest,
  GetParameterResult,
  GetParametersRequest,
  GetParametersResult,
  Parameter,
  ParameterHistory,
  PutParameterRequest,
  PutParameterResult,
} from '@aws-sdk/client-ssm';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { paginate } from '../../paginate.js';
import { checkRange, validation } from './common.js';
import {
  DEFAULT_KEY,
  checkName,
  encryptValue,
  lookup,
  parameterArn,
  parseReference,
  selectVersion,
  valueFor,
} from './parameter-values.js';
import { publicParameter } from './public-parameters.js';
import { ssmState, type StoredParameter, type StoredParameterVersion } from './store.js';

const MAX_VALUE = { Standard: 4096, Advanced: 8192 };

export async function putParameter(
  ctx: CallContext,
  input: PutParameterRequest,
): Promise<PutParameterResult> {
  const name = (input.Name ?? '').trim();
  checkName(name);
  const existing = ctx.state(ssmState).parameters[name];
  if (existing && !input.Overwrite) {
    throw new ServiceError(
      'ParameterAlreadyExists',
      'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    );
  }
  if (existing && input.Tags?.length) {
    throw new ServiceError(
      'ValidationException',
      "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
    );
  }
  const previous = existing?.versions.at(-1);
  const type = input.Type ?? previous?.type;
  if (!type)
    throw new ServiceError(
      'ValidationException',
      'A parameter type is required when you create a parameter.',
    );
  if (!['String', 'StringList', 'SecureString'].includes(type)) {
    throw validation(
      `Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`,
    );
  }
  if (input.KeyId && type !== 'SecureString') {
    throw new ServiceError('ValidationException', 'KeyId is required for SecureString type parameter only.');
  }
  const value = input.Value ?? '';
  if (value.length < 1)
    throw validation(
      "Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  const tier = tierOf(input.Tier, previous?.tier, value.length);
  if (value.length > MAX_VALUE[tier]) {
    throw new ServiceError(
      'ValidationException',
      tier === 'Standard'
        ? 'Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html'
        : 'Advanced tier parameters support a maximum parameter value of 8192 characters.',
    );
  }
  const allowedPattern = input.AllowedPattern ?? (input.Overwrite ? previous?.allowedPattern : undefined);
  if (allowedPattern !== undefined) checkPattern(allowedPattern, value);
  const dataType = input.DataType ?? previous?.dataType ?? 'text';
  if (!['text', 'aws:ec2:image', 'aws:ssm:integration'].includes(dataType)) {
    throw new ServiceError(
      'ValidationException',
      `The following data type is not supported: ${dataType} (Data type names are all lowercase.)`,
    );
  }
  const keyId =
    type === 'SecureString'
      ? (input.KeyId ?? (previous?.type === 'SecureString' ? previous.keyId : undefined) ?? DEFAULT_KEY)
      : undefined;
  const stored = type === 'SecureString' ? await encryptValue(ctx, name, value, keyId ?? DEFAULT_KEY) : value;
  // Read the store again after the KMS call: another request may have written meanwhile.
  const params = ctx.state(ssmState).parameters;
  const p: StoredParameter = params[name] ?? {
    name,
    versions: [],
    tags: (input.Tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
  };
  const version: StoredParameterVersion = {
    version: (p.versions.at(-1)?.version ?? 0) + 1,
    type: type as StoredParameterVersion['type'],
    value: stored,
    keyId,
    description: input.Description ?? (input.Overwrite ? previous?.description : undefined),
    allowedPattern,
    tier,
    dataType,
    labels: [],
    modifiedAt: ctx.now,
    modifiedBy: ctx.principal.arn,
  };
  p.versions.push(version);
  // Parameter Store keeps the latest 100 versions.
  if (p.versions.length > 100) p.versions.shift();
  params[name] = p;
  return { Version: version.version, Tier: tier };
}

function tierOf(
  asked: string | undefined,
  previous: 'Standard' | 'Advanced' | undefined,
  length: number,
): 'Standard' | 'Advanced' {
  if (asked === 'Standard' && previous === 'Advanced') {
    throw new ServiceError(
      'ValidationException',
      "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.",
    );
  }
  if (asked === 'Advanced' || previous === 'Advanced') return 'Advanced';
  if (asked === 'Intelligent-Tiering') return length > MAX_VALUE.Standard ? 'Advanced' : 'Standard';
  if (asked !== undefined && asked !== 'Standard') {
    throw validation(
      `Value '${asked}' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]`,
    );
  }
  return 'Standard';
}

function checkPattern(pattern: string, value: string): void {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    throw new ServiceError(
      'InvalidAllowedPatternException',
      `The allowed pattern ${pattern} is not a valid regular expression.`,
    );
  }
  if (!re.test(value)) {
    throw new ServiceError(
      'ParameterPatternMismatchException',
      `Parameter value, cannot be validated against allowedPattern: ${pattern}`,
    );
  }
}

export async function parameterView(
  ctx: CallContext,
  p: StoredParameter,
  v: StoredParameterVersion,
  decrypt: boolean | undefined,
  selector?: string,
): Promise<Parameter> {
  return {
    Name: p.name,
    Type: v.type,
    Value: await valueFor(ctx, p, v, decrypt),
    Version: v.version,
    Selector: selector,
    LastModifiedDate: v.modifiedAt,
    ARN: parameterArn(ctx, p.name),
    DataType: v.dataType,
  };
}

export async function getParameter(
  ctx: CallContext,
  input: GetParameterRequest,
): Promise<GetParameterResult> {
  const ref = parseReference(input.Name ?? '');
  const p = lookup(ctx.state(ssmState).parameters, ref.name);
  const shared = p || ref.selector ? undefined : publicParameter(ctx, ref.name);
  if (shared) return { Parameter: shared };
  if (!p) throw new ServiceError('ParameterNotFound', '');
  return {
    Parameter: await parameterView(
      ctx,
      p,
      selectVersion(p, ref.selector),
      input.WithDecryption,
      ref.selector,
    ),
  };
}

export async function getParameters(
  ctx: CallContext,
  input: GetParametersRequest,
): Promise<GetParametersResult> {
  const names = input.Names ?? [];
  if (names.length < 1 || names.length > 10) {
    throw validation(
      `Value '[${names.join(', ')}]' at 'names' failed to satisfy constraint: Member must have length ${names.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 10'}`,
    );
  }
  const found: Parameter[] = [];
  const invalid: string[] = [];
  for (const name of [...new Set(names)]) {
    const ref = parseReference(name);
    const p = lookup(ctx.state(ssmState).parameters, ref.name);
    const shared = p || ref.selector ? undefined : publicParameter(ctx, ref.name);
    if (shared) {
      found.push(shared);
      continue;
    }
    let v: StoredParameterVersion | undefined;
    try {
      v = p ? selectVersion(p, ref.selector) : undefined;
    } catch {
      v = undefined;
    }
    if (p && v) found.push(await parameterView(ctx, p, v, input.WithDecryption, ref.selector));
    else invalid.push(name);
  }
  found.sort((a, b) => (a.Name ?? '').localeCompare(b.Name ?? ''));
  return { Parameters: found, InvalidParameters: invalid };
}

export function deleteParameter(ctx: CallContext, input: DeleteParameterRequest): Record<string, never> {
  const params = ctx.state(ssmState).parameters;
  const name = input.Name ?? '';
  if (!params[name]) throw new ServiceError('ParameterNotFound', '');
  delete params[name];
  return {};
}

export function deleteParameters(ctx: CallContext, input: DeleteParametersRequest): DeleteParametersResult {
  const names = input.Names ?? [];
  checkRange('names', names.length, 1, 10);
  const params = ctx.state(ssmState).parameters;
  const deleted: string[] = [];
  const invalid: string[] = [];
  for (const name of names) {
    if (params[name]) {
      delete params[name];
      deleted.push(name);
    } else {
      invalid.push(name);
    }
  }
  return { DeletedParameters: deleted, InvalidParameters: invalid };
}

export async function getParameterHistory(
  ctx: CallContext,
  input: GetParameterHistoryRequest,
): Promise<GetParameterHistoryResult> {
  const max = checkRange('maxResults', input.MaxResults, 1, 50);
  const p = lookup(ctx.state(ssmState).parameters, parseReference(input.Name ?? '').name);
  if (!p) throw new ServiceError('ParameterNotFound', '');
  const { page, nextToken } = paginate(p.versions, {
    token: input.NextToken,
    max,
    defaultMax: 50,
    query: p.name,
  });
  const history: ParameterHistory[] = [];
  for (const v of page) {
    history.push({
      Name: p.name,
      Type: v.type,
      KeyId: v.keyId,
      LastModifiedDate: v.modifiedAt,
      LastModifiedUser: v.modifiedBy,
      Description: v.description,
      Value: await valueFor(ctx, p, v, input.WithDecryption),
      AllowedPattern: v.allowedPattern,
      Version: v.version,
      Labels: v.labels,
      Tier: v.tier,
      Policies: [],
      DataType: v.dataType,
    });
  }
  return { Parameters: history, NextToken: nextToken };
}
