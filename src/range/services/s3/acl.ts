import type { AccessControlPolicy, Grant } from '@aws-sdk/client-s3';
import { ServiceError } from '../../errors.js';
import {
  ALL_USERS,
  AUTHENTICATED_USERS,
  LOG_DELIVERY,
  canonicalId,
  ownerGrant,
  type AclPermission,
  type StoredGrant,
} from './store.js';

const permissions: readonly AclPermission[] = ['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'];

const group = (uri: string, permission: AclPermission): StoredGrant => ({
  grantee: { type: 'Group', uri },
  permission,
});

/** The grants of a canned ACL (`x-amz-acl`), for a resource owned by `owner` in a bucket owned by `bucketOwner`. */
export function cannedAcl(acl: string, owner: string, bucketOwner: string): StoredGrant[] {
  const own = ownerGrant(owner);
  const bucketGrant = (permission: AclPermission): StoredGrant[] =>
    bucketOwner === owner
      ? []
      : [{ grantee: { type: 'CanonicalUser', id: canonicalId(bucketOwner) }, permission }];
  switch (acl) {
    case 'private':
      return [own];
    case 'public-read':
      return [own, group(ALL_USERS, 'READ')];
    case 'public-read-write':
      return [own, group(ALL_USERS, 'READ'), group(ALL_USERS, 'WRITE')];
    case 'authenticated-read':
      return [own, group(AUTHENTICATED_USERS, 'READ')];
    case 'bucket-owner-read':
      return [own, ...bucketGrant('READ')];
    case 'bucket-owner-full-control':
      return [own, ...bucketGrant('FULL_CONTROL')];
    case 'log-delivery-write':
      return [own, group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP')];
    case 'aws-exec-read':
      return [own];
    default:
      throw new ServiceError('InvalidArgument', '', 400, {
        fields: { ArgumentName: 'x-amz-acl', ArgumentValue: acl },
      });
  }
}

/** Explicit grant headers: `x-amz-grant-read: uri="http://acs.amazonaws.com/groups/global/AllUsers", id="..."`. */
export function headerGrants(input: {
  GrantFullControl?: string;
  GrantRead?: string;
  GrantReadACP?: string;
  GrantWrite?: string;
  GrantWriteACP?: string;
}): StoredGrant[] | undefined {
  const byPermission: Array<[AclPermission, string | undefined]> = [
    ['FULL_CONTROL', input.GrantFullControl],
    ['READ', input.GrantRead],
    ['READ_ACP', input.GrantReadACP],
    ['WRITE', input.GrantWrite],
    ['WRITE_ACP', input.GrantWriteACP],
  ];
  if (byPermission.every(([, v]) => v === undefined)) return undefined;
  const grants: StoredGrant[] = [];
  for (const [permission, header] of byPermission) {
    if (header === undefined) continue;
    for (const part of header.split(',')) {
      const m = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(part);
      if (!m) throw new ServiceError('InvalidArgument', 'Invalid grant header', 400);
      const [, kind = '', value = ''] = m;
      grants.push(grantFor(kind.toLowerCase(), value, permission));
    }
  }
  return grants;
}

function grantFor(kind: string, value: string, permission: AclPermission): StoredGrant {
  if (kind === 'uri') {
    if (![ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY].includes(value)) {
      throw new ServiceError('InvalidArgument', 'Invalid group uri', 400);
    }
    return group(value, permission);
  }
  if (kind === 'id') {
    if (!/^[0-9a-f]{64}$/.test(value)) throw new ServiceError('InvalidArgument', 'Invalid id', 400);
    return { grantee: { type: 'CanonicalUser', id: value }, permission };
  }
  throw new ServiceError(
    'UnresolvableGrantByEmailAddress',
    'The e-mail address you provided does not match any account on record.',
    400,
  );
}

/** An AccessControlPolicy document (PutBucketAcl/PutObjectAcl body) as stored grants. */
export function policyGrants(policy: AccessControlPolicy): StoredGrant[] {
  const grants: StoredGrant[] = [];
  for (const g of policy.Grants ?? []) {
    const permission = g.Permission as AclPermission | undefined;
    if (!permission || !permissions.includes(permission) || !g.Grantee) {
      throw new ServiceError(
        'MalformedACLError',
        'The XML you provided was not well-formed or did not validate against our published schema',
        400,
      );
    }
    const { Type, ID, URI, EmailAddress } = g.Grantee;
    if (Type === 'CanonicalUser') grants.push(grantFor('id', ID ?? '', permission));
    else if (Type === 'Group') grants.push(grantFor('uri', URI ?? '', permission));
    else if (Type === 'AmazonCustomerByEmail') grantFor('emailaddress', EmailAddress ?? '', permission);
    else
      throw new ServiceError(
        'MalformedACLError',
        'The XML you provided was not well-formed or did not validate against our published schema',
        400,
      );
  }
  return grants;
}

/** Grants as the SDK shapes them in GetBucketAcl/GetObjectAcl. */
export function toSdkGrants(grants: StoredGrant[]): Grant[] {
  return grants.map((g) => ({
    Grantee:
      g.grantee.type === 'CanonicalUser'
        ? { Type: 'CanonicalUser', ID: g.grantee.id }
        : { Type: 'Group', URI: g.grantee.uri },
    Permission: g.permission,
  }));
}

/** "The meaning of public": an ACL is public if it grants anything to AllUsers or AuthenticatedUsers. */
export function isAclPublic(grants: readonly StoredGrant[]): boolean {
  return grants.some(
    (g) =>
      g.grantee.type === 'Group' && (g.grantee.uri === ALL_USERS || g.grantee.uri === AUTHENTICATED_USERS),
  );
}

/** Whether grants say no more than "the bucket owner has full control" (all that BucketOwnerEnforced accepts). */
export function onlyOwnerFullControl(grants: readonly StoredGrant[], bucketOwner: string): boolean {
  const id = canonicalId(bucketOwner);
  return grants.every(
    (g) => g.grantee.type === 'CanonicalUser' && g.grantee.id === id && g.permission === 'FULL_CONTROL',
  );
}

/** The ACL permission that lets a grantee perform an S3 action (READ on a bucket lists it, ...). */
export function aclPermissionFor(action: string, onObject: boolean): AclPermission | undefined {
  if (onObject) {
    if (action === 's3:GetObject' || action === 's3:GetObjectVersion') return 'READ';
    if (action === 's3:GetObjectAcl' || action === 's3:GetObjectVersionAcl') return 'READ_ACP';
    if (action === 's3:PutObjectAcl' || action === 's3:PutObjectVersionAcl') return 'WRITE_ACP';
    return undefined;
  }
  if (action === 's3:ListBucket' || action === 's3:ListBucketVersions') return 'READ';
  if (action === 's3:PutObject' || action === 's3:DeleteObject') return 'WRITE';
  if (action === 's3:GetBucketAcl') return 'READ_ACP';
  if (action === 's3:PutBucketAcl') return 'WRITE_ACP';
  return undefined;
}
