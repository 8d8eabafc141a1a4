import { createHash } from 'node:crypto';
import type {
  CreateDocumentRequest,
  CreateDocumentResult,
  DeleteDocumentRequest,
  DeleteDocumentResult,
  DocumentDescription,
  DocumentIdentifier,
  GetDocumentResult,
  ListDocumentVersionsRequest,
  ListDocumentVersionsResult,
  UpdateDocumentDefaultVersionRequest,
  UpdateDocumentDefaultVersionResult,
  UpdateDocumentRequest,
  UpdateDocumentResult,
} from '@aws-sdk/client-ssm';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { has, record } from '../../records.js';
import { validation } from './common.js';
import { stringify as yamlText } from 'yaml';
import { paginate } from '../../paginate.js';
import { checkDocument, parseContent, type ParsedDocument } from './document-content.js';
import { ssmState, type StoredDocument, type StoredDocumentVersion } from './store.js';

/**
 * Customer-owned SSM documents: CreateDocument, UpdateDocument (a new version), the default version,
 * DeleteDocument, and what DescribeDocument/GetDocument/ListDocuments show of them. Owner is the
 * account id; the content is returned exactly as given, its Hash the sha256 of it.
 */

/** CreateDocument: "The content of the document must not exceed 64KB." */
const MAX_CONTENT_BYTES = 64 * 1024;
const NAME_PATTERN = /^[a-zA-Z0-9_\-.]{3,128}$/;
/** Prefixes AWS keeps for its own documents (CreateDocument's Name in the SSM API reference). */
const RESERVED_PREFIXES = ['aws-', 'amazon', 'amzn', 'awsec2', 'awsconfigremediation', 'awssupport'];

export const shortName = (name: string | undefined): string =>
  (name ?? '').replace(/^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:document\//, '');

export function customerDocuments(ctx: CallContext): Record<string, StoredDocument> {
  const s = ctx.state(ssmState);
  s.documents ??= record();
  return s.documents;
}

export function findCustomerDocument(ctx: CallContext, name: string | undefined): StoredDocument | undefined {
  const docs = customerDocuments(ctx);
  const short = shortName(name);
  return has(docs, short) ? docs[short] : undefined;
}

function documentNotFound(name: string | undefined): ServiceError {
  return new ServiceError('InvalidDocument', `Document with name ${name ?? ''} does not exist.`);
}

/** The version a request names: a number, `$LATEST`, `$DEFAULT` or none (the default). */
export function versionOf(doc: StoredDocument, requested: string | undefined): StoredDocumentVersion {
  const v =
    requested === undefined || requested === '$DEFAULT'
      ? doc.defaultVersion
      : requested === '$LATEST'
        ? doc.latestVersion
        : requested;
  const found = has(doc.versions, v) ? doc.versions[v] : undefined;
  if (!found)
    throw new ServiceError('InvalidDocumentVersion', `Document version ${requested ?? v} does not exist.`);
  return found;
}

export function parsedVersion(doc: StoredDocument, version: StoredDocumentVersion): ParsedDocument {
  return checkDocument(version.content, version.format, doc.documentType);
}

function checkName(name: string | undefined): string {
  const n = name ?? '';
  if (!NAME_PATTERN.test(n)) {
    throw validation(
      `Value '${n}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\-.]{3,128}$`,
    );
  }
  if (RESERVED_PREFIXES.some((p) => n.toLowerCase().startsWith(p))) {
    throw new ServiceError(
      'ValidationException',
      `Invalid document name ${n}: a document name cannot start with aws-, amazon, amzn, AWSEC2, AWSConfigRemediation or AWSSupport.`,
    );
  }
  return n;
}

function formatOf(format: string | undefined): StoredDocumentVersion['format'] {
  const f = format ?? 'JSON';
  if (f !== 'JSON' && f !== 'YAML' && f !== 'TEXT')
    throw validation(
      `Value '${f}' at 'documentFormat' failed to satisfy constraint: Member must satisfy enum value set: [YAML, JSON, TEXT]`,
    );
  return f;
}

function newVersion(
  ctx: CallContext,
  documentType: string,
  version: string,
  content: string | undefined,
  format: string | undefined,
  versionName: string | undefined,
): StoredDocumentVersion {
  const f = formatOf(format);
  const text = content ?? '';
  if (Buffer.byteLength(text) > MAX_CONTENT_BYTES) {
    throw new ServiceError(
      'MaxDocumentSizeExceeded',
      'The content of the document exceeds the maximum size of 64 KB.',
    );
  }
  if (f === 'TEXT')
    throw new ServiceError('InvalidDocumentContent', 'The range stores JSON and YAML documents.');
  checkDocument(text, f, documentType);
  return {
    version,
    content: text,
    format: f,
    hash: createHash('sha256').update(text).digest('hex'),
    createdAt: ctx.now,
    ...(versionName ? { versionName } : {}),
  };
}

export function describeCustomer(
  ctx: CallContext,
  doc: StoredDocument,
  version: StoredDocumentVersion,
): DocumentDescription {
  let parsed: ParsedDocument | undefined;
  try {
    parsed = parsedVersion(doc, version);
  } catch {
    parsed = undefined;
  }
  return {
    Name: doc.name,
    Hash: version.hash,
    HashType: 'Sha256',
    Owner: ctx.accountId,
    CreatedDate: doc.createdAt,
    Status: 'Active',
    DocumentVersion: version.version,
    ...(version.versionName ? { VersionName: version.versionName } : {}),
    Description: parsed?.description,
    Parameters: parsed?.parameters.map((p) => ({
      Name: p.name,
      Type: p.type as 'String',
      Description: p.description,
      DefaultValue:
        p.default === undefined
          ? undefined
          : typeof p.default === 'string'
            ? p.default
            : JSON.stringify(p.default),
    })),
    PlatformTypes: ['Windows', 'Linux', 'MacOS'],
    DocumentType: doc.documentType,
    SchemaVersion: parsed?.schemaVersion,
    LatestVersion: doc.latestVersion,
    DefaultVersion: doc.defaultVersion,
    DocumentFormat: version.format,
    ...(doc.targetType ? { TargetType: doc.targetType } : {}),
    Tags: doc.tags.map((t) => ({ ...t })),
  };
}

/** GetDocument's DocumentFormat: the stored content, or the same document written in the other format. */
function contentIn(
  version: StoredDocumentVersion,
  format: string | undefined,
): { content: string; format: string } {
  if (format === undefined || format === version.format || version.format === 'TEXT') {
    return { content: version.content, format: version.format };
  }
  const parsed = parseContent(version.content, version.format);
  if (format === 'YAML') return { content: yamlText(parsed), format };
  if (format === 'JSON') return { content: JSON.stringify(parsed, null, 2), format };
  throw new ServiceError('InvalidDocumentOperation', `The document cannot be returned as ${format}.`);
}

export function getCustomerDocument(
  doc: StoredDocument,
  version: StoredDocumentVersion,
  format?: string,
): GetDocumentResult {
  const shown = contentIn(version, format);
  return {
    Name: doc.name,
    CreatedDate: version.createdAt,
    DocumentVersion: version.version,
    ...(version.versionName ? { VersionName: version.versionName } : {}),
    Status: 'Active',
    Content: shown.content,
    DocumentType: doc.documentType,
    DocumentFormat: shown.format as 'JSON',
  };
}

export function listDocumentVersions(
  ctx: CallContext,
  input: ListDocumentVersionsRequest,
): ListDocumentVersionsResult {
  const doc = findCustomerDocument(ctx, input.Name);
  if (!doc) throw documentNotFound(input.Name);
  const rows = Object.values(doc.versions)
    .sort((a, b) => Number(a.version) - Number(b.version))
    .map((v) => ({
      Name: doc.name,
      DocumentVersion: v.version,
      ...(v.versionName ? { VersionName: v.versionName } : {}),
      CreatedDate: v.createdAt,
      IsDefaultVersion: v.version === doc.defaultVersion,
      DocumentFormat: v.format,
      Status: 'Active' as const,
    }));
  const { page, nextToken } = paginate(rows, {
    token: input.NextToken,
    max: input.MaxResults,
    defaultMax: 50,
    query: { name: doc.name },
  });
  return { DocumentVersions: page, NextToken: nextToken };
}

export function identifyCustomer(ctx: CallContext, doc: StoredDocument): DocumentIdentifier {
  const version = versionOf(doc, undefined);
  let schemaVersion: string | undefined;
  try {
    schemaVersion = parsedVersion(doc, version).schemaVersion;
  } catch {
    schemaVersion = undefined;
  }
  return {
    Name: doc.name,
    CreatedDate: doc.createdAt,
    Owner: ctx.accountId,
    PlatformTypes: ['Windows', 'Linux', 'MacOS'],
    DocumentVersion: version.version,
    DocumentType: doc.documentType,
    SchemaVersion: schemaVersion,
    DocumentFormat: version.format,
    ...(doc.targetType ? { TargetType: doc.targetType } : {}),
    Tags: doc.tags.map((t) => ({ ...t })),
  };
}

export function createDocument(ctx: CallContext, input: CreateDocumentRequest): CreateDocumentResult {
  const name = checkName(input.Name);
  const documentType = input.DocumentType ?? 'Command';
  if (documentType !== 'Command' && documentType !== 'Automation') {
    throw new ServiceError(
      'InvalidDocumentType',
      `The range stores Command and Automation documents, not ${documentType}.`,
    );
  }
  const docs = customerDocuments(ctx);
  if (has(docs, name))
    throw new ServiceError('DocumentAlreadyExists', 'Document with same name already exists');
  const version = newVersion(ctx, documentType, '1', input.Content, input.DocumentFormat, input.VersionName);
  const doc: StoredDocument = {
    name,
    documentType,
    ...(input.TargetType ? { targetType: input.TargetType } : {}),
    createdAt: ctx.now,
    defaultVersion: '1',
    latestVersion: '1',
    versions: record({ '1': version }),
    tags: (input.Tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
  };
  docs[name] = doc;
  return { DocumentDescription: describeCustomer(ctx, doc, version) };
}

export function updateDocument(ctx: CallContext, input: UpdateDocumentRequest): UpdateDocumentResult {
  const doc = findCustomerDocument(ctx, input.Name);
  if (!doc) throw documentNotFound(input.Name);
  if (input.DocumentVersion !== undefined && input.DocumentVersion !== '$LATEST') {
    if (input.DocumentVersion !== doc.latestVersion) {
      throw new ServiceError(
        'InvalidDocumentVersion',
        `Document version ${input.DocumentVersion} is not the latest version (${doc.latestVersion}): update $LATEST.`,
      );
    }
  }
  const latest = versionOf(doc, '$LATEST');
  if ((input.Content ?? '') === latest.content) {
    throw new ServiceError('DuplicateDocumentContent', 'A document with the same content already exists.');
  }
  const number = String(Number(doc.latestVersion) + 1);
  const version = newVersion(
    ctx,
    doc.documentType,
    number,
    input.Content,
    input.DocumentFormat,
    input.VersionName,
  );
  if (input.TargetType) doc.targetType = input.TargetType;
  doc.versions[number] = version;
  doc.latestVersion = number;
  return { DocumentDescription: describeCustomer(ctx, doc, version) };
}

export function updateDocumentDefaultVersion(
  ctx: CallContext,
  input: UpdateDocumentDefaultVersionRequest,
): UpdateDocumentDefaultVersionResult {
  const doc = findCustomerDocument(ctx, input.Name);
  if (!doc) throw documentNotFound(input.Name);
  const version = versionOf(doc, input.DocumentVersion);
  doc.defaultVersion = version.version;
  return {
    Description: {
      Name: doc.name,
      DefaultVersion: version.version,
      ...(version.versionName ? { DefaultVersionName: version.versionName } : {}),
    },
  };
}

export function deleteDocument(ctx: CallContext, input: DeleteDocumentRequest): DeleteDocumentResult {
  const doc = findCustomerDocument(ctx, input.Name);
  if (!doc) throw documentNotFound(input.Name);
  if (input.DocumentVersion === undefined && input.VersionName === undefined) {
    delete customerDocuments(ctx)[doc.name];
    return {};
  }
  const version =
    input.VersionName !== undefined
      ? Object.values(doc.versions).find((v) => v.versionName === input.VersionName)
      : versionOf(doc, input.DocumentVersion);
  if (!version)
    throw new ServiceError(
      'InvalidDocumentVersion',
      `Document version ${input.VersionName ?? ''} does not exist.`,
    );
  if (version.version === doc.defaultVersion) {
    throw new ServiceError(
      'InvalidDocumentOperation',
      'You cannot delete the default version of a document: delete the document, or change its default version first.',
    );
  }
  delete doc.versions[version.version];
  if (doc.latestVersion === version.version) {
    doc.latestVersion = String(Math.max(...Object.keys(doc.versions).map(Number)));
  }
  return {};
}
