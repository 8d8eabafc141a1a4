import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetPublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import type { CloudTrailRecord } from '../../src/range/history.js';
import { rangeServices } from '../../src/range/services/index.js';
import { failure as fails, startTestRange, type TestRange } from './harness.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const allOff =
  'BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=false,RestrictPublicBuckets=false';
const allOn = 'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true';

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

describe('range: S3 public access (Block Public Access, ownership, S3 Control, anonymous GETs)', () => {
  let range: TestRange;
  let s3: S3Client;
  /** An unsigned request, as `curl` or a browser would make it. */
  const anonymous = (path: string) => fetch(`${range.endpoint}${path}`);
  const dataEvents: CloudTrailRecord[] = [];
  before(async () => {
    range = await startTestRange({
      services: [
        ...rangeServices,
        // Object-level calls are data events, which reach trails (onEvent) but not LookupEvents.
        {
          name: 'data-event-spy',
          eventSource: 'spy',
          handlers: {},
          onEvent: (_c, r, m) => void (m || dataEvents.push(r)),
        },
      ],
    });
    s3 = new S3Client(range.clientConfig());
  });
  after(() => range.stop());

  it('starts new buckets with Block Public Access on and ACLs disabled, as AWS does since April 2023', async () => {
    await range.aws(['s3api', 'create-bucket', '--bucket', 'site']);
    const bpa = await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'site' }));
    expect(bpa.PublicAccessBlockConfiguration).to.deep.equal({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect(await range.aws(['s3api', 'get-bucket-ownership-controls', '--bucket', 'site'])).to.deep.equal({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    const acl = await fails(
      s3.send(
        new PutObjectCommand({ Bucket: 'site', Key: 'index.html', Body: '<h1>hi</h1>', ACL: 'public-read' }),
      ),
    );
    expect(acl).to.include({
      name: 'AccessControlListNotSupported',
      message: 'The bucket does not allow ACLs',
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: 'site',
        Key: 'index.html',
        Body: '<h1>hi</h1>',
        ContentType: 'text/html',
        ACL: 'bucket-owner-full-control',
      }),
    );
    const policy = await range.awsFails([
      's3api',
      'put-bucket-policy',
      '--bucket',
      'site',
      '--policy',
      publicReadPolicy('site'),
    ]);
    expect(policy.stderr).to.contain(
      `User: arn:aws:iam::${range.accountId}:user/range-admin is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::site" because public policies are prevented by the BlockPublicPolicy setting in S3 Block Public Access.`,
    );
    expect(range.events('PutBucketPolicy').at(-1)).to.include({ errorCode: 'AccessDenied' });
    const withAcl = await fails(s3.send(new CreateBucketCommand({ Bucket: 'site-2', ACL: 'public-read' })));
    expect(withAcl).to.have.property('name', 'InvalidBucketAclWithObjectOwnership');
    const writer = await fails(
      s3.send(
        new CreateBucketCommand({ Bucket: 'site-2', ACL: 'public-read', ObjectOwnership: 'ObjectWriter' }),
      ),
    );
    expect(writer).to.have.property('name', 'InvalidBucketAclWithBlockPublicAccessError');

    const res = await anonymous('/site/index.html');
    expect(res.status).to.equal(403);
    expect(await res.text()).to.contain('<Code>AccessDenied</Code><Message>Access Denied</Message>');
  });

  it('makes an object public with the AWS CLI, proves it with anonymous GETs, and makes it private again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3-public-'));
    try {
      writeFileSync(join(dir, 'report.txt'), 'quarterly numbers');
      await range.aws(['s3', 'cp', join(dir, 'report.txt'), 's3://site/report.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Step 1: the ACL way. Block Public Access off, ACLs back on, a public-read object ACL.
    await range.aws([
      's3api',
      'put-public-access-block',
      '--bucket',
      'site',
      '--public-access-block-configuration',
      allOff,
    ]);
    await range.aws([
      's3api',
      'put-bucket-ownership-controls',
      '--bucket',
      'site',
      '--ownership-controls',
      'Rules=[{ObjectOwnership=ObjectWriter}]',
    ]);
    expect((await anonymous('/site/index.html')).status).to.equal(403);
    await range.aws([
      's3api',
      'put-object-acl',
      '--bucket',
      'site',
      '--key',
      'index.html',
      '--acl',
      'public-read',
    ]);
    const page = await anonymous('/site/index.html');
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.equal('text/html');
    expect(await page.text()).to.equal('<h1>hi</h1>');
    const grants = (await range.aws([
      's3api',
      'get-object-acl',
      '--bucket',
      'site',
      '--key',
      'index.html',
    ])) as {
      Grants: Array<{ Grantee: { Type: string; URI?: string }; Permission: string }>;
    };
    expect(grants.Grants).to.deep.include({ Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' });
    expect((await anonymous('/site/report.txt')).status).to.equal(403);

    // Step 2: the policy way, for every object.
    await range.aws(['s3api', 'put-bucket-policy', '--bucket', 'site', '--policy', publicReadPolicy('site')]);
    expect(await range.aws(['s3api', 'get-bucket-policy-status', '--bucket', 'site'])).to.deep.equal({
      PolicyStatus: { IsPublic: true },
    });
    const report = await anonymous('/site/report.txt');
    expect([report.status, await report.text()]).to.deep.equal([200, 'quarterly numbers']);
    // Listing is not granted: anonymous listing and a GET of a missing key are refused alike.
    expect((await anonymous('/site?list-type=2')).status).to.equal(403);
    expect((await anonymous('/site/missing.txt')).status).to.equal(403);
    // CloudTrail shows who read it: an anonymous principal, from the caller's address.
    const reads = dataEvents.filter(
      (e) => e.eventName === 'GetObject' && e.requestParameters?.key === 'report.txt',
    );
    expect(reads.map((e) => e.errorCode ?? 'ok')).to.deep.equal(['AccessDenied', 'ok']);
    expect(reads[1]?.userIdentity).to.deep.equal({
      type: 'AWSAccount',
      principalId: '',
      accountId: 'anonymous',
    });
    expect(reads[1]?.sourceIPAddress).to.equal('127.0.0.1');

    // Back to private: Block Public Access on overrides both the ACL and the policy at once.
    await range.aws([
      's3api',
      'put-public-access-block',
      '--bucket',
      'site',
      '--public-access-block-configuration',
      allOn,
    ]);
    expect((await anonymous('/site/index.html')).status).to.equal(403);
    expect((await anonymous('/site/report.txt')).status).to.equal(403);
    // ... and the policy goes too.
    await range.aws(['s3api', 'delete-bucket-policy', '--bucket', 'site']);
    expect(
      (await range.awsFails(['s3api', 'get-bucket-policy-status', '--bucket', 'site'])).stderr,
    ).to.contain('NoSuchBucketPolicy');

    const events = range
      .events()
      .filter((e) => e.eventSource === 's3.amazonaws.com')
      .map((e) => e.eventName);
    expect(events).to.include.members([
      'PutBucketPublicAccessBlock',
      'PutBucketOwnershipControls',
      'PutBucketPolicy',
      'GetBucketPolicyStatus',
      'DeleteBucketPolicy',
    ]);
    // requestParameters as S3 logs them, where detection rules look.
    const bpa = range.events('PutBucketPublicAccessBlock').at(-1)?.requestParameters;
    expect(bpa).to.deep.include({ bucketName: 'site', publicAccessBlock: '' });
    expect(bpa?.PublicAccessBlockConfiguration).to.deep.include({
      RestrictPublicBuckets: true,
      BlockPublicPolicy: true,
    });
    const policyEvent = range.events('PutBucketPolicy').find((e) => !e.errorCode)?.requestParameters as {
      bucketPolicy: { Statement: Array<{ Principal: unknown }> };
    };
    expect(policyEvent.bucketPolicy.Statement[0]?.Principal).to.equal('*');
    const aclEvent = dataEvents.find((e) => e.eventName === 'PutObjectAcl')?.requestParameters;
    expect(aclEvent).to.deep.include({
      bucketName: 'site',
      key: 'index.html',
      acl: '',
      'x-amz-acl': 'public-read',
    });
  });

  it('applies account-level Block Public Access from S3 Control (SDK: endpointProvider; CLI: HTTP_PROXY)', async () => {
    // The S3 Control client puts the account id in front of the host (123456789012.127.0.0.1), which
    // does not resolve. SDK users pass an endpointProvider; CLI users route through the range as a proxy.
    const unusable = new S3ControlClient(range.clientConfig());
    const consoleError = console.error;
    console.error = () => {}; // the SDK logs the URL it could not build before throwing
    try {
      expect(
        String(
          await fails(unusable.send(new GetAccountPublicAccessBlockCommand({ AccountId: range.accountId }))),
        ),
      ).to.contain('Invalid URL');
    } finally {
      console.error = consoleError;
    }
    const control = new S3ControlClient({
      ...range.clientConfig(),
      endpointProvider: () => ({ url: new URL(range.endpoint) }),
    });
    const proxy = { env: { HTTP_PROXY: range.endpoint } };

    await range.aws([
      's3api',
      'put-public-access-block',
      '--bucket',
      'site',
      '--public-access-block-configuration',
      allOff,
    ]);
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: publicReadPolicy('site') }));
    expect((await anonymous('/site/report.txt')).status).to.equal(200);

    await control.send(
      new PutAccountPublicAccessBlockCommand({
        AccountId: range.accountId,
        PublicAccessBlockConfiguration: { RestrictPublicBuckets: true, BlockPublicPolicy: true },
      }),
    );
    expect((await anonymous('/site/report.txt')).status).to.equal(403);
    const blocked = await fails(
      s3.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: publicReadPolicy('site') })),
    );
    expect(blocked).to.have.property('name', 'AccessDenied');
    expect(
      await range.aws(['s3control', 'get-public-access-block', '--account-id', range.accountId], proxy),
    ).to.deep.equal({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: false,
        IgnorePublicAcls: false,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    });
    const other = await fails(
      control.send(new GetAccountPublicAccessBlockCommand({ AccountId: '111122223333' })),
    );
    expect(other.$metadata.httpStatusCode).to.equal(403);

    await range.aws(['s3control', 'delete-public-access-block', '--account-id', range.accountId], proxy);
    expect((await anonymous('/site/report.txt')).status).to.equal(200);
    const none = await fails(
      control.send(new GetAccountPublicAccessBlockCommand({ AccountId: range.accountId })),
    );
    expect(none).to.include({ name: 'NoSuchPublicAccessBlockConfiguration' });
    expect(
      range
        .events()
        .filter((e) => e.eventName.includes('AccountPublicAccessBlock'))
        .map((e) => e.eventName),
    ).to.deep.equal([
      'PutAccountPublicAccessBlock',
      'GetAccountPublicAccessBlock',
      'GetAccountPublicAccessBlock',
      'DeleteAccountPublicAccessBlock',
      'GetAccountPublicAccessBlock',
    ]);
  });
});
