import type { DocumentIdentifier, ListDocumentsRequest, ListDocumentsResult } from '@aws-sdk/client-ssm';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { paginate } from '../../paginate.js';
import { customerDocuments, identifyCustomer } from './customer-documents.js';
import { documents } from './documents.js';

// ListDocuments: the account's own documents (Owner=Self) and the AWS-owned ones the range runs (Owner=Amazon).

/** The owner filter: Self is the account's own documents, Amazon (and Public) AWS's, All both. */
function ownerMatches(owner: 'Self' | 'Amazon', values: string[]): boolean {
  return values.some(
    (v) => v === 'All' || (owner === 'Self' ? v === 'Self' : ['Amazon', 'Public'].includes(v)),
  );
}

interface ListedDocument {
  name: string;
  owner: 'Self' | 'Amazon';
  platforms: string[];
  type: string;
  targetType?: string;
  tags: Array<{ Key: string; Value: string }>;
  row: DocumentIdentifier;
}

export function listDocuments(ctx: CallContext, input: ListDocumentsRequest): ListDocumentsResult {
  const filters = [
    ...(input.Filters ?? []).map((f) => ({ key: f.Key ?? '', values: f.Values ?? [] })),
    ...(input.DocumentFilterList ?? []).map((f) => ({ key: f.key ?? '', values: [f.value ?? ''] })),
  ];
  const matches = (doc: ListedDocument, key: string, values: string[]): boolean => {
    switch (key) {
      case 'Owner':
        return ownerMatches(doc.owner, values);
      case 'Name':
        return values.some((v) => doc.name.startsWith(v));
      case 'PlatformTypes':
        return values.some((v) => doc.platforms.includes(v));
      case 'DocumentType':
        return values.includes(doc.type);
      case 'TargetType':
        return doc.targetType !== undefined && values.includes(doc.targetType);
      case 'SearchKeyword':
        return values.some((v) => doc.name.toLowerCase().includes(v.toLowerCase()));
      default:
        if (key.startsWith('tag:')) {
          const tag = doc.tags.find((t) => t.Key === key.slice(4));
          return tag !== undefined && (values.length === 0 || values.includes(tag.Value));
        }
        throw new ServiceError('InvalidFilterKey', `The filter key ${key} is not valid.`);
    }
  };
  const own: ListedDocument[] = Object.values(customerDocuments(ctx)).map((doc) => ({
    name: doc.name,
    owner: 'Self',
    platforms: ['Windows', 'Linux', 'MacOS'],
    type: doc.documentType,
    targetType: doc.targetType,
    tags: doc.tags,
    row: identifyCustomer(ctx, doc),
  }));
  const amazon: ListedDocument[] = Object.values(documents).map((doc) => ({
    name: doc.name,
    owner: 'Amazon',
    platforms: doc.platforms,
    type: doc.type,
    targetType: doc.targetType,
    tags: [],
    row: {
      Name: doc.name,
      CreatedDate: doc.createdAt,
      Owner: 'Amazon',
      PlatformTypes: doc.platforms,
      DocumentVersion: '1',
      DocumentType: doc.type,
      SchemaVersion: doc.schemaVersion,
      DocumentFormat: 'JSON',
      TargetType: doc.targetType,
    },
  }));
  const rows = [...own, ...amazon]
    .filter((doc) => filters.every((f) => matches(doc, f.key, f.values)))
    .map((doc) => doc.row);
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max: input.MaxResults,
    defaultMax: 50,
    query: filters,
  });
  return { DocumentIdentifiers: page, NextToken: nextToken };
}
