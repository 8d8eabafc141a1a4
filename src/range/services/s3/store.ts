import { createHash, randomBytes } from 'node:crypto';
import type {
  BucketAccelerateStatus,
  CORSRule,
  LifecycleRule,
  LoggingEnabled,
  ObjectOwnership,
  PublicAccessBlockConfiguration,
  ServerSideEncryptionConfiguration,
  Tag,
} from '@aws-sdk/client-s3';
import { defineState } from '../../state.js';
import { record } from '../../records.js';

/** A grant as S3 stores it: to a canonical user (an account) or to one of the predefined groups. */
export interface StoredGrant {
  grantee: { type: 'CanonicalUser'; id: string } | { type: 'Group'; uri: string };
  permission: AclPermission;
}

export type AclPermission = 'FULL_CONTROL' | 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP';

export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
export const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

export interface ChecksumValue {
  algorithm: 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256';
  value: string;
}

/** One version of an object (unversioned buckets keep exactly one, with the version id `null`). */
export interface ObjectVersion {
  key: string;
  versionId: string;
  deleteMarker: boolean;
  body: Buffer;
  etag: string;
  lastModified: Date;
  /** Account id of the object owner (the writer unless the bucket owner takes ownership). */
  owner: string;
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: Date;
  metadata: Record<string, string>;
  storageClass: string;
  sse?: { algorithm: string; kmsKeyId?: string; bucketKeyEnabled?: boolean };
  checksum?: ChecksumValue;
  acl: StoredGrant[];
  tags: Tag[];
}

/** An upload in progress: the new object's settings, and the parts received so far. */
export interface MultipartUpload {
  uploadId: string;
  key: string;
  initiated: Date;
  /** Account that started the upload. */
  initiator: string;
  /** The object as it will be stored, minus its body. */
  object: Omit<ObjectVersion, 'body' | 'etag' | 'lastModified' | 'versionId' | 'deleteMarker' | 'checksum'>;
  checksumAlgorithm?: ChecksumValue['algorithm'];
  parts: Record<
    string,
    { partNumber: number; body: Buffer; etag: string; lastModified: Date; checksum?: ChecksumValue }
  >;
}

export interface Bucket {
  name: string;
  /** Account id of the owner: bucket names are global, ownership is per account. */
  owner: string;
  region: string;
  createdAt: Date;
  /** Versions of each key, newest first. */
  objects: Record<string, ObjectVersion[]>;
  policy?: string;
  publicAccessBlock?: PublicAccessBlockConfiguration;
  /** Absent when ownership controls were deleted (ACLs then behave as ObjectWriter). */
  ownership?: ObjectOwnership;
  acl: StoredGrant[];
  encryption?: ServerSideEncryptionConfiguration;
  versioning?: 'Enabled' | 'Suspended';
  tags?: Tag[];
  uploads?: Record<string, MultipartUpload>;
  /** Server access logging (absent: off). */
  logging?: LoggingEnabled;
  cors?: CORSRule[];
  lifecycle?: LifecycleRule[];
  website?: StoredWebsite;
  accelerate?: BucketAccelerateStatus;
  /** Set at creation only (ObjectLockEnabledForBucket); S3 then requires versioning. */
  objectLockEnabled?: boolean;
}

/** A static website configuration: a redirect of every request, or an index document with optional rules. */
export interface StoredWebsite {
  IndexDocument?: { Suffix: string };
  ErrorDocument?: { Key: string };
  RedirectAllRequestsTo?: { HostName: string; Protocol?: 'http' | 'https' };
  RoutingRules?: Array<Record<string, unknown>>;
}

export interface S3State {
  buckets: Record<string, Bucket>;
}

/** Bucket names are one namespace across every account and region, so the store is range-wide. */
export const s3State = defineState<S3State>('s3', 'range', () => ({ buckets: record() }));

/** A stable 64-hex-digit canonical user id per account, as S3 shows owners and grantees. */
export function canonicalId(accountId: string): string {
  return createHash('sha256').update(`sirs-range-canonical-user:${accountId}`).digest('hex');
}

/** The account behind a canonical user id, when it is one the range has issued. */
export function accountOfCanonicalId(id: string, candidates: Iterable<string>): string | undefined {
  for (const account of candidates) if (canonicalId(account) === id) return account;
  return undefined;
}

export function ownerGrant(accountId: string): StoredGrant {
  return { grantee: { type: 'CanonicalUser', id: canonicalId(accountId) }, permission: 'FULL_CONTROL' };
}

/** Every bucket encrypts new objects with SSE-S3 unless configured otherwise (AWS default since 2023). */
export function defaultEncryption(): ServerSideEncryptionConfiguration {
  return {
    Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }],
  };
}

/** S3 version ids: 32 URL-safe characters. */
export function newVersionId(): string {
  return randomBytes(24).toString('base64url');
}

/** The version a plain GET/HEAD sees: the newest, unless a version id is asked for. */
export function latestVersion(bucket: Bucket, key: string): ObjectVersion | undefined {
  return bucket.objects[key]?.[0];
}

export function bucketArn(bucket: string, key?: string): string {
  return key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
}
