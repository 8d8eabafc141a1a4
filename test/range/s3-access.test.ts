import { expect } from 'chai';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { canonicalId } from '../../src/range/services/s3/store.js';
import { failure as fails, startTestRange, type TestRange } from './harness.js';
import { otherAccountUser } from './other-account.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

const publicReadPolicy = (bucket: string, extra: object = {}) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PublicRead',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
        ...extra,
      },
    ],
  });

describe('range: S3 access control (bucket policies, ACLs, anonymous and cross-account callers)', () => {
  let range: TestRange;
  let s3: S3Client;
  /** An unsigned request, as `curl` or a browser would make it. */
  const anonymous = (path: string) => fetch(`${range.endpoint}${path}`);
  before(async () => {
    range = await startTestRange();
    s3 = new S3Client(range.clientConfig());
    await s3.send(new CreateBucketCommand({ Bucket: 'site' }));
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'site', PublicAccessBlockConfiguration: {} }));
    await s3.send(new PutObjectCommand({ Bucket: 'site', Key: 'index.html', Body: '<h1>hi</h1>' }));
    await s3.send(new PutObjectCommand({ Bucket: 'site', Key: 'report.txt', Body: 'quarterly numbers' }));
  });
  after(() => range.stop());

  it('validates bucket policies and evaluates them for anonymous callers: conditions, listing, explicit deny', async () => {
    const bad = await fails(
      s3.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: '{"Version":"2012-10-17"}' })),
    );
    expect(bad).to.include({ name: 'MalformedPolicy', message: 'Missing required field Statement' });
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'site' }));
    const none = await fails(s3.send(new GetBucketPolicyCommand({ Bucket: 'site' })));
    expect([none.name, none.$metadata.httpStatusCode]).to.deep.equal(['NoSuchBucketPolicy', 404]);

    // Granting * only from a fixed network is not public, and the range's caller (127.0.0.1) is outside it.
    const fromOffice = publicReadPolicy('site', {
      Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: fromOffice }));
    expect(
      (await s3.send(new GetBucketPolicyStatusCommand({ Bucket: 'site' }))).PolicyStatus?.IsPublic,
    ).to.equal(false);
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: 'site' }))).Policy).to.equal(fromOffice);
    expect((await anonymous('/site/report.txt')).status).to.equal(403);

    const listAndDeny = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: ['arn:aws:s3:::site', 'arn:aws:s3:::site/*'],
        },
        { Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/index.html' },
      ],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: listAndDeny }));
    const listing = await anonymous('/site?list-type=2&prefix=rep');
    expect(listing.status).to.equal(200);
    expect(await listing.text()).to.contain('<Key>report.txt</Key>');
    const missing = await anonymous('/site/missing.txt');
    expect([missing.status, (await missing.text()).includes('<Code>NoSuchKey</Code>')]).to.deep.equal([
      404,
      true,
    ]);
    expect((await anonymous('/site/index.html')).status).to.equal(403);
    // An explicit deny applies to the owner's own principals too, with the reason in the message.
    const denied = await fails(s3.send(new GetObjectCommand({ Bucket: 'site', Key: 'index.html' })));
    expect(denied.message).to.equal(
      `User: arn:aws:iam::${range.accountId}:user/range-admin is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::site/index.html" with an explicit deny in a resource-based policy`,
    );
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'site' }));
  });

  it('sets ACLs by canned name, grant headers or AccessControlPolicy XML, honouring BlockPublicAcls and IgnorePublicAcls', async () => {
    const outsider = otherAccountClient(range);
    await s3.send(new CreateBucketCommand({ Bucket: 'acl-lab', ObjectOwnership: 'ObjectWriter' }));
    await s3.send(new PutObjectCommand({ Bucket: 'acl-lab', Key: 'shared.txt', Body: 'for partners' }));
    const me = canonicalId(range.accountId);
    const publicList = {
      Owner: { ID: me },
      Grants: [
        { Grantee: { Type: 'CanonicalUser' as const, ID: me }, Permission: 'FULL_CONTROL' as const },
        { Grantee: { Type: 'Group' as const, URI: ALL_USERS }, Permission: 'READ' as const },
      ],
    };
    const blocked = await fails(
      s3.send(new PutBucketAclCommand({ Bucket: 'acl-lab', AccessControlPolicy: publicList })),
    );
    expect(blocked.message).to.contain(
      'because public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access.',
    );

    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: 'acl-lab',
        PublicAccessBlockConfiguration: { IgnorePublicAcls: true },
      }),
    );
    await s3.send(new PutBucketAclCommand({ Bucket: 'acl-lab', AccessControlPolicy: publicList }));
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'acl-lab' }));
    expect(acl.Grants).to.deep.equal(publicList.Grants);
    expect(acl.Owner?.ID).to.equal(me);
    expect((await anonymous('/acl-lab')).status).to.equal(403);
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'acl-lab', PublicAccessBlockConfiguration: {} }));
    const listing = await anonymous('/acl-lab');
    expect(await listing.text()).to.contain('<Key>shared.txt</Key>');
    const enforce = await range.awsFails([
      's3api',
      'put-bucket-ownership-controls',
      '--bucket',
      'acl-lab',
      '--ownership-controls',
      'Rules=[{ObjectOwnership=BucketOwnerEnforced}]',
    ]);
    expect(enforce.stderr).to.contain('InvalidBucketAclWithObjectOwnership');

    // AuthenticatedUsers: any AWS account may read, anonymous callers may not.
    await range.aws([
      's3api',
      'put-object-acl',
      '--bucket',
      'acl-lab',
      '--key',
      'shared.txt',
      '--grant-read',
      `uri=${AUTHENTICATED_USERS}`,
    ]);
    const read = await outsider.send(new GetObjectCommand({ Bucket: 'acl-lab', Key: 'shared.txt' }));
    expect(await read.Body?.transformToString()).to.equal('for partners');
    expect((await anonymous('/acl-lab/shared.txt')).status).to.equal(403);
    const objectAcl = await s3.send(new GetObjectAclCommand({ Bucket: 'acl-lab', Key: 'shared.txt' }));
    expect(objectAcl.Grants).to.deep.equal([
      { Grantee: { Type: 'Group', URI: AUTHENTICATED_USERS }, Permission: 'READ' },
    ]);
    await s3.send(new PutObjectAclCommand({ Bucket: 'acl-lab', Key: 'shared.txt', ACL: 'private' }));
    expect(
      (await fails(outsider.send(new GetObjectCommand({ Bucket: 'acl-lab', Key: 'shared.txt' })))).$metadata
        .httpStatusCode,
    ).to.equal(403);

    // A partner account allowed to write by the bucket policy owns what it writes (ObjectWriter):
    // the bucket owner cannot read it unless the writer grants bucket-owner-full-control.
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'acl-lab',
        Policy: JSON.stringify({
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: '210987654321' },
              Action: 's3:PutObject',
              Resource: 'arn:aws:s3:::acl-lab/*',
            },
          ],
        }),
      }),
    );
    await outsider.send(new PutObjectCommand({ Bucket: 'acl-lab', Key: 'drop/a.txt', Body: 'theirs' }));
    await outsider.send(
      new PutObjectCommand({
        Bucket: 'acl-lab',
        Key: 'drop/b.txt',
        Body: 'shared',
        ACL: 'bucket-owner-full-control',
      }),
    );
    const foreign = await fails(s3.send(new GetObjectCommand({ Bucket: 'acl-lab', Key: 'drop/a.txt' })));
    expect(foreign.$metadata.httpStatusCode).to.equal(403);
    const granted = await s3.send(new GetObjectCommand({ Bucket: 'acl-lab', Key: 'drop/b.txt' }));
    expect(await granted.Body?.transformToString()).to.equal('shared');
    expect(
      (await s3.send(new GetObjectAclCommand({ Bucket: 'acl-lab', Key: 'drop/b.txt' }))).Owner?.ID,
    ).to.equal(canonicalId('210987654321'));
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'acl-lab' }));

    // Back to BucketOwnerEnforced once the bucket ACL is private again; then ACL writes are refused.
    await s3.send(new PutBucketAclCommand({ Bucket: 'acl-lab', ACL: 'private' }));
    await s3.send(
      new PutBucketOwnershipControlsCommand({
        Bucket: 'acl-lab',
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      }),
    );
    const refused = await range.awsFails([
      's3api',
      'put-object-acl',
      '--bucket',
      'acl-lab',
      '--key',
      'shared.txt',
      '--acl',
      'public-read',
    ]);
    expect(refused.stderr).to.contain('AccessControlListNotSupported');
    await range.aws(['s3api', 'delete-bucket-ownership-controls', '--bucket', 'acl-lab']);
    expect(
      (await range.awsFails(['s3api', 'get-bucket-ownership-controls', '--bucket', 'acl-lab'])).stderr,
    ).to.contain('OwnershipControlsNotFoundError');
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'acl-lab' }));
    expect(await fails(s3.send(new GetPublicAccessBlockCommand({ Bucket: 'acl-lab' })))).to.have.property(
      'name',
      'NoSuchPublicAccessBlockConfiguration',
    );
    expect(range.events('PutBucketAcl').map((e) => e.errorCode ?? 'ok')).to.deep.equal([
      'AccessDenied',
      'ok',
      'ok',
    ]);
  });
});

/** An S3 client for an IAM user of another account (its own account allows it everything). */
function otherAccountClient(range: TestRange, accountId = '210987654321'): S3Client {
  const { accessKeyId, secretAccessKey } = otherAccountUser(range, {
    accountId,
    userName: 'partner',
    accessKeyId: 'AKIAOTHERACCOUNTACL1',
    secretAccessKey: 'other-account-secret-not-a-real-key-0001',
  });
  return new S3Client(range.clientConfig({ credentials: { accessKeyId, secretAccessKey } }));
}
