import type {
  AdvancedEventSelector,
  EventSelector,
  GetEventSelectorsRequest,
  GetEventSelectorsResponse,
  PutEventSelectorsRequest,
  PutEventSelectorsResponse,
} from '@aws-sdk/client-cloudtrail';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import { resolveTrail } from '../trails.js';

/** What a trail logs when nobody has set selectors: every management event, no data events. */
export const DEFAULT_SELECTORS: EventSelector[] = [
  {
    ReadWriteType: 'All',
    IncludeManagementEvents: true,
    DataResources: [],
    ExcludeManagementEventSources: [],
  },
];

const BASIC_TYPES: Record<string, string> = {
  'AWS::S3::Object': 'arn:aws:s3',
  'AWS::Lambda::Function': 'arn:aws:lambda',
  'AWS::DynamoDB::Table': 'arn:aws:dynamodb',
};
const EXCLUDABLE_SOURCES = ['kms.amazonaws.com', 'rdsdata.amazonaws.com'];
const ADVANCED_FIELDS = [
  'eventCategory',
  'eventSource',
  'eventName',
  'eventType',
  'readOnly',
  'resources.type',
  'resources.ARN',
  'errorCode',
  'userIdentity.arn',
  'sessionCredentialFromConsole',
  'vpcEndpointId',
];
const OPERATORS = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const;

function invalidSelectors(message: string): ServiceError {
  return new ServiceError('InvalidEventSelectorsException', message, 400);
}

function checkBasic(selectors: EventSelector[]): void {
  if (selectors.length < 1 || selectors.length > 5)
    throw invalidSelectors('A trail can have from 1 to 5 event selectors.');
  let resources = 0;
  for (const s of selectors) {
    if (s.ReadWriteType !== undefined && !['ReadOnly', 'WriteOnly', 'All'].includes(s.ReadWriteType)) {
      throw invalidSelectors(`Value ${s.ReadWriteType} for ReadWriteType is invalid.`);
    }
    for (const source of s.ExcludeManagementEventSources ?? []) {
      if (!EXCLUDABLE_SOURCES.includes(source))
        throw invalidSelectors(`Value ${source} for ExcludeManagementEventSources is invalid.`);
    }
    for (const r of s.DataResources ?? []) {
      const prefix = BASIC_TYPES[r.Type ?? ''];
      if (!prefix) throw invalidSelectors(`Value ${r.Type} for DataResources.Type is invalid.`);
      for (const v of r.Values ?? []) {
        if (!v.startsWith(prefix)) throw invalidSelectors(`Value ${v} for DataResources.Values is invalid.`);
        resources++;
      }
    }
  }
  if (resources > 250)
    throw invalidSelectors('A trail can have at most 250 data resources across its event selectors.');
}

function checkAdvanced(selectors: AdvancedEventSelector[]): void {
  if (selectors.length < 1) throw invalidSelectors('Specify at least one advanced event selector.');
  let values = 0;
  for (const s of selectors) {
    const fields = s.FieldSelectors ?? [];
    const category = fields.find((f) => f.Field === 'eventCategory');
    if (!category?.Equals?.length)
      throw invalidSelectors('Each advanced event selector needs an eventCategory field with Equals.');
    for (const f of fields) {
      if (!ADVANCED_FIELDS.includes(f.Field ?? ''))
        throw invalidSelectors(`Field ${f.Field} is not valid in an advanced event selector.`);
      const used = OPERATORS.filter((op) => f[op] !== undefined);
      if (used.length === 0) throw invalidSelectors(`Field ${f.Field} needs at least one operator.`);
      for (const op of used) values += f[op]?.length ?? 0;
    }
    if (category.Equals.some((c) => c !== 'Management' && c !== 'Data' && c !== 'NetworkActivity')) {
      throw invalidSelectors(`Value ${category.Equals.join(',')} for eventCategory is invalid.`);
    }
    if (
      category.Equals.includes('Data') &&
      !fields.some((f) => f.Field === 'resources.type' && f.Equals?.length === 1)
    ) {
      throw invalidSelectors(
        'An advanced event selector for data events needs a resources.type field with one Equals value.',
      );
    }
  }
  if (values > 500)
    throw invalidSelectors('Advanced event selectors of a trail can have at most 500 values in all.');
}

export function putEventSelectors(
  ctx: CallContext,
  input: PutEventSelectorsRequest,
): PutEventSelectorsResponse {
  const trail = resolveTrail(ctx, input.TrailName as string, 'write');
  const basic = input.EventSelectors;
  const advanced = input.AdvancedEventSelectors;
  if (basic !== undefined && advanced !== undefined) {
    throw invalidSelectors(
      'You can use either EventSelectors or AdvancedEventSelectors in a PutEventSelectors request, but not both.',
    );
  }
  if (basic === undefined && advanced === undefined)
    throw invalidSelectors('Specify EventSelectors or AdvancedEventSelectors.');
  if (basic) {
    checkBasic(basic);
    trail.eventSelectors = basic.map((s) => ({
      ReadWriteType: s.ReadWriteType ?? 'All',
      IncludeManagementEvents: s.IncludeManagementEvents ?? true,
      DataResources: (s.DataResources ?? []).map((r) => ({ Type: r.Type, Values: [...(r.Values ?? [])] })),
      ExcludeManagementEventSources: [...(s.ExcludeManagementEventSources ?? [])],
    }));
    delete trail.advancedEventSelectors;
    return { TrailARN: trail.arn, EventSelectors: trail.eventSelectors };
  }
  checkAdvanced(advanced as AdvancedEventSelector[]);
  trail.advancedEventSelectors = (advanced as AdvancedEventSelector[]).map((s) => ({
    Name: s.Name,
    FieldSelectors: (s.FieldSelectors ?? []).map((f) => ({ ...f })),
  }));
  delete trail.eventSelectors;
  return { TrailARN: trail.arn, AdvancedEventSelectors: trail.advancedEventSelectors };
}

export function getEventSelectors(
  ctx: CallContext,
  input: GetEventSelectorsRequest,
): GetEventSelectorsResponse {
  const trail = resolveTrail(ctx, input.TrailName as string, 'read');
  if (trail.advancedEventSelectors)
    return { TrailARN: trail.arn, AdvancedEventSelectors: trail.advancedEventSelectors };
  return { TrailARN: trail.arn, EventSelectors: trail.eventSelectors ?? DEFAULT_SELECTORS };
}
