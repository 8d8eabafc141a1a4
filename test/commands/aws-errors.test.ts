import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiSession, awsErrorCode } from '../../src/aws/api.js';
import { callFailure } from '../../src/aws/failures.js';
import { SirsError } from '../../src/errors.js';
import { sirs } from '../cli/helpers.js';

/**
 * A stand-in for AWS on loopback that answers query-protocol calls (STS, IAM, CloudFormation) with the
 * error the test chooses, in the XML error shape AWS documents for these services
 * (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html). Never the internet.
 */
class AwsStub {
  /** Action name → [HTTP status, AWS error code] or a success body. */
  answers = new Map<string, [number, string] | string>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const action = new URLSearchParams(body).get('Action') ?? '';
        const answer = this.answers.get(action) ?? this.answers.get('*') ?? [400, 'InvalidAction'];
        res.setHeader('content-type', 'text/xml');
        if (typeof answer === 'string') {
          res.end(answer);
          return;
        }
        res.statusCode = answer[0];
        res.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>${answer[1]}</Code><Message>User: arn:aws:iam::123456789012:user/facilitator is not authorized (stub says ${answer[1]})</Message></Error><RequestId>stub-1</RequestId></ErrorResponse>`,
        );
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** A port nothing listens on (bound and released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

type JsonError = { error: { code: string; message: string; suggestions: string[] } };

describe('AWS credential, network and permission errors are user errors with the right hint', () => {
  const stub = new AwsStub();
  const saved: Record<string, string | undefined> = {};
  let dir: string;
  const setEnv = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (!(k in saved)) saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };

  before(async () => {
    await stub.start();
    dir = mkdtempSync(join(tmpdir(), 'sirs-aws-errors-'));
    // Keys that look real (the stub refuses them), no shared files, no instance metadata lookups.
    setEnv({
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: undefined,
    });
  });

  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--target aws with invalid credentials: a JSON error on stdout, exit 1, not "a bug in sirs"', async () => {
    stub.answers = new Map([['*', [403, 'InvalidClientTokenId']]]);
    const run = await sirs([
      'start',
      'ssh-open-to-world',
      '--target',
      'aws',
      '--endpoint-url',
      stub.url,
      '--yes',
      '--json',
    ]);
    expect(run.exitCode).to.equal(1);
    const { error } = run.json as JsonError;
    expect(error.code).to.equal('credentials-rejected');
    expect(error.message).to.contain('InvalidClientTokenId');
    expect(error.message).not.to.contain('bug');
    expect(error.suggestions.join('\n')).to.contain('aws sts get-caller-identity');
  });

  it('in text: Error and the hint on stderr, nothing about a bug', async () => {
    stub.answers = new Map([['*', [403, 'SignatureDoesNotMatch']]]);
    const run = await sirs([
      'start',
      'ssh-open-to-world',
      '--target',
      'aws',
      '--endpoint-url',
      stub.url,
      '--yes',
    ]);
    expect(run.exitCode).to.equal(1);
    expect(run.stderr).to.match(/^Error: .*rejected the credentials \(SignatureDoesNotMatch/);
    expect(run.stderr).to.contain('secret access key does not belong to the access key id');
    expect(run.stderr).not.to.match(/bug in sirs|\n\s+at /);
  });

  it('a closed port behind --target aws is not "is the range running?" (the unit test below covers the range)', async () => {
    const port = await closedPort();
    const aws = await sirs([
      'start',
      'ssh-open-to-world',
      '--target',
      'aws',
      '--endpoint-url',
      `http://127.0.0.1:${port}`,
      '--yes',
      '--json',
    ]);
    expect(aws.exitCode).to.equal(1);
    const awsError = (aws.json as JsonError).error;
    expect(awsError.code).to.equal('target-unreachable');
    expect(awsError.suggestions.join('\n')).not.to.contain('range');
    expect(awsError.suggestions.join('\n')).to.contain('--endpoint-url');
  });

  it('a permission error names the action that was denied', async () => {
    writeFileSync(join(dir, 'sirs.config.yaml'), 'aws:\n  allowedAccounts: ["123456789012"]\n');
    stub.answers = new Map<string, [number, string] | string>([
      [
        'GetCallerIdentity',
        '<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/facilitator</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
      ],
      ['*', [403, 'AccessDenied']],
    ]);
    const run = await sirs([
      'start',
      'ssh-open-to-world',
      '--target',
      'aws',
      '--endpoint-url',
      stub.url,
      '--config',
      join(dir, 'sirs.config.yaml'),
      '--yes',
      '--json',
    ]);
    expect(run.exitCode).to.equal(1);
    const { error } = run.json as JsonError;
    expect(error.code).to.equal('access-denied');
    expect(error.message).to.match(/denied cloudformation:DescribeStacks \(AccessDenied/);
    expect(error.suggestions.join('\n')).to.contain('allow cloudformation:DescribeStacks');
  });

  describe('every credential and permission code, as the SDK throws it', () => {
    const session = () =>
      new ApiSession(
        { region: 'eu-west-1', endpoint: stub.url, maxAttempts: 1 },
        { kind: 'aws', description: 'AWS, eu-west-1' },
      );
    const cases: Array<[string, string]> = [
      ['InvalidClientTokenId', 'credentials-rejected'],
      ['SignatureDoesNotMatch', 'credentials-rejected'],
      ['ExpiredToken', 'credentials-rejected'],
      ['UnrecognizedClientException', 'credentials-rejected'],
      ['AccessDenied', 'access-denied'],
      ['AccessDeniedException', 'access-denied'],
      ['UnauthorizedOperation', 'access-denied'],
    ];
    for (const [awsCode, code] of cases) {
      it(`${awsCode} → ${code}, and the AWS code is still readable`, async () => {
        stub.answers = new Map([['*', [403, awsCode]]]);
        const s = session();
        try {
          await s.call('sts:GetCallerIdentity');
          expect.fail('the call should fail');
        } catch (err) {
          expect(err).to.be.instanceOf(SirsError);
          expect((err as SirsError).code).to.equal(code);
          expect((err as SirsError).exitCode).to.equal(1);
          expect(awsErrorCode(err)).to.equal(awsCode);
          if (code === 'access-denied') expect((err as Error).message).to.contain('sts:GetCallerIdentity');
        } finally {
          s.destroy();
        }
      });
    }

    it('an expired session says to sign in again', async () => {
      stub.answers = new Map([['*', [403, 'ExpiredToken']]]);
      const s = session();
      const err = await s.call('sts:GetCallerIdentity').catch((e: unknown) => e as SirsError);
      s.destroy();
      expect((err as SirsError).suggestions.join('\n')).to.contain('aws sso login');
    });

    it('no credentials at all → no-credentials', async () => {
      setEnv({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
      const s = session();
      try {
        const err = await s.call('sts:GetCallerIdentity').catch((e: unknown) => e as SirsError);
        expect((err as SirsError).code).to.equal('no-credentials');
        expect((err as SirsError).suggestions.join('\n')).to.contain('--profile');
      } finally {
        s.destroy();
        setEnv({
          AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        });
      }
    });

    it('network codes: the hint depends on where the calls go', () => {
      for (const net of ['ENOTFOUND', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN']) {
        const err = Object.assign(new Error(`connect ${net} sts.eu-west-1.amazonaws.com`), { code: net });
        const onAws = callFailure(err, 'sts:GetCallerIdentity', {
          kind: 'aws',
          description: 'AWS, eu-west-1',
        });
        const onRange = callFailure(err, 'sts:GetCallerIdentity', {
          kind: 'range',
          description: 'the range at http://127.0.0.1:4566',
        });
        expect(onAws?.code, net).to.equal('target-unreachable');
        expect(onAws?.suggestions.join('\n'), net).not.to.contain('range');
        expect(onRange?.suggestions.join('\n'), net).to.contain('is the range running');
      }
    });
  });
});
