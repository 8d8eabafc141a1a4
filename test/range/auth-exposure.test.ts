import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  GenerateCredentialReportCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import { wellKnownKeys } from '../../src/range/index.js';
import { failure, signRequest, startTestRange, type TestRange } from './harness.js';

/** Send a prepared request to the range's port whatever its Host header says (as a rebinding page's would arrive). */
function send(
  range: TestRange,
  r: { method: string; path: string; headers: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: range.port, method: r.method, path: r.path, headers: r.headers },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        // The XML escapes quotes (&apos;): read the message as a person would.
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: text.replace(/&apos;/g, "'") }));
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

const createUser = (name: string) => `Action=CreateUser&UserName=${name}&Version=2010-05-08`;

describe('range: Host and Origin checks (DNS rebinding, cross-site forms)', function () {
  this.timeout(60_000);
  let range: TestRange;
  let iam: IAMClient;
  before(async () => {
    range = await startTestRange();
    iam = new IAMClient(range.clientConfig());
  });
  after(() => range.stop());
  afterEach(async () => {
    const who = await new STSClient(range.clientConfig()).send(new GetCallerIdentityCommand({}));
    expect(who.Account).to.equal(range.accountId);
  });

  async function noUser(name: string): Promise<void> {
    expect(await failure(iam.send(new GetUserCommand({ UserName: name })))).to.include({
      name: 'NoSuchEntityException',
    });
  }

  it("refuses a web page's form POST that would create an IAM user, even correctly signed", async () => {
    // What a page can send: a "simple" form POST, with the browser's Origin. Unsigned it is refused
    // anyway; signed (a page that somehow knew the key), the Origin alone refuses it.
    const page = await send(range, {
      method: 'POST',
      path: '/',
      headers: {
        host: `127.0.0.1:${range.port}`,
        origin: 'http://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: createUser('mallory'),
    });
    expect(page.status).to.equal(403);
    const signed = await signRequest(range.endpoint, '/', {
      service: 'iam',
      method: 'POST',
      credentials: range.credentials,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
      body: createUser('mallory'),
    });
    const refused = await send(range, {
      method: 'POST',
      path: '/',
      headers: signed.headers,
      body: signed.body,
    });
    expect(refused.status).to.equal(403);
    expect(refused.text).to.contain('<Code>AccessDenied</Code>');
    expect(refused.text).to.contain("Origin 'http://evil.example'");
    await noUser('mallory');
    expect(range.events('CreateUser')).to.deep.equal([]);
  });

  it('refuses a DNS-rebinding Host (evil.example:PORT) and another port; answers localhost:PORT', async () => {
    for (const host of [
      `evil.example:${range.port}`,
      `127.0.0.1:${range.port + 1}`,
      `127.0.0.1.evil.example:${range.port}`,
    ]) {
      const signed = await signRequest(`http://${host}`, '/', {
        service: 'iam',
        method: 'POST',
        credentials: range.credentials,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: createUser('rebound'),
      });
      const res = await send(range, {
        method: 'POST',
        path: '/',
        headers: signed.headers,
        body: signed.body,
      });
      expect(res.status, host).to.equal(403);
      expect(res.text).to.contain(`not to Host '${host}'`);
    }
    await noUser('rebound');
    const local = await signRequest(`http://localhost:${range.port}`, '/', {
      service: 'sts',
      method: 'POST',
      credentials: range.credentials,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(
      (await send(range, { method: 'POST', path: '/', headers: local.headers, body: local.body })).status,
    ).to.equal(200);
  });

  it('lets an allowed host name and an allowed origin through when the range is started with them', async () => {
    const open = await startTestRange({
      allowedHosts: ['range.lab'],
      allowedOrigins: ['http://localhost:3000'],
    });
    try {
      const signed = await signRequest(`http://range.lab:${open.port}`, '/', {
        service: 'sts',
        method: 'POST',
        credentials: open.credentials,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000' },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      });
      const res = await send(open, { method: 'POST', path: '/', headers: signed.headers, body: signed.body });
      expect(res.status).to.equal(200);
    } finally {
      await open.stop();
    }
  });
});

describe("range: the range's own credentials", function () {
  this.timeout(60_000);
  const sts = (range: TestRange, credentials = range.credentials) =>
    new STSClient(range.clientConfig({ credentials })).send(new GetCallerIdentityCommand({}));

  it('refuses the published demo keys unless started with wellKnownKeys, and makes new secrets each start', async () => {
    const a = await startTestRange();
    const b = await startTestRange();
    try {
      expect(a.credentials.accessKeyId).to.equal(wellKnownKeys.admin.accessKeyId);
      expect(a.credentials.secretAccessKey).to.not.equal(wellKnownKeys.admin.secretAccessKey);
      expect(a.credentials.secretAccessKey).to.have.length(40);
      expect(a.credentials.secretAccessKey).to.not.equal(b.credentials.secretAccessKey);
      expect(a.rootCredentials.secretAccessKey).to.not.equal(wellKnownKeys.root.secretAccessKey);
      for (const fixed of [wellKnownKeys.admin, wellKnownKeys.root]) {
        expect(await failure(sts(a, { ...fixed }))).to.include({ name: 'SignatureDoesNotMatch' });
      }
      expect(await failure(sts(b, a.credentials))).to.include({ name: 'SignatureDoesNotMatch' });
      expect((await sts(a)).Arn).to.equal(`arn:aws:iam::${a.accountId}:user/range-admin`);
      expect((await sts(a, a.rootCredentials)).Arn).to.equal(`arn:aws:iam::${a.accountId}:root`);
      expect(a.env()).to.include({
        AWS_SECRET_ACCESS_KEY: a.credentials.secretAccessKey,
        SIRS_RANGE_ROOT_SECRET_ACCESS_KEY: a.rootCredentials.secretAccessKey,
      });
    } finally {
      await a.stop();
      await b.stop();
    }
    const demo = await startTestRange({ wellKnownKeys: true });
    try {
      expect((await sts(demo, { ...wellKnownKeys.admin })).Arn).to.equal(
        `arn:aws:iam::${demo.accountId}:user/range-admin`,
      );
    } finally {
      await demo.stop();
    }
  });

  it('keeps its secrets in the state directory (0700) in a 0600 file, the same after a restart', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'range-keys-'));
    const dir = join(parent, 'state');
    try {
      const first = await startTestRange({ stateDir: dir });
      const keys = { admin: first.credentials, root: first.rootCredentials };
      await first.stop();
      expect(statSync(dir).mode & 0o777).to.equal(0o700);
      const file = join(dir, 'range-credentials.json');
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(readFileSync(file, 'utf8')).to.contain(keys.admin.secretAccessKey);

      const second = await startTestRange({ stateDir: dir });
      try {
        expect(second.credentials).to.deep.equal(keys.admin);
        expect(second.rootCredentials).to.deep.equal(keys.root);
        expect((await sts(second, keys.admin)).Arn).to.contain(':user/range-admin');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it("reports the root key that signs requests as root's access key (ListAccessKeys, GetAccountSummary, credential report)", async () => {
    const range = await startTestRange();
    try {
      // API_ListAccessKeys: without UserName, the keys of whoever signed, root's own for the root user.
      const asRoot = new IAMClient(range.clientConfig({ credentials: range.rootCredentials }));
      const listed = await asRoot.send(new ListAccessKeysCommand({}));
      expect(listed.AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status, k.UserName])).to.deep.equal([
        [range.rootCredentials.accessKeyId, 'Active', undefined],
      ]);
      // API_GetAccountSummary: AccountAccessKeysPresent is 1 if the root user has an access key.
      const iam = new IAMClient(range.clientConfig());
      const summary = await iam.send(new GetAccountSummaryCommand({}));
      expect(summary.SummaryMap).to.include({ AccountAccessKeysPresent: 1 });
      // The credential report's <root_account> row (id_credentials_getting-report.html): access_key_1_active.
      await iam.send(new GenerateCredentialReportCommand({}));
      let content: Uint8Array | undefined;
      for (let i = 0; i < 40 && !content; i++) {
        try {
          content = (await iam.send(new GetCredentialReportCommand({}))).Content;
        } catch (err) {
          if ((err as Error).name !== 'CredentialReportNotReadyException') throw err;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      const [header, rootRow] = Buffer.from(content!).toString('utf8').split('\n');
      const columns = header!.split(',');
      const row = Object.fromEntries(rootRow!.split(',').map((v, i) => [columns[i], v]));
      expect(row).to.include({
        user: '<root_account>',
        access_key_1_active: 'true',
        access_key_2_active: 'false',
      });
    } finally {
      await range.stop();
    }
  });
});
