import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { startTestRange, type TestRange } from '../range/harness.js';
import { awsCli } from './index.js';

/** The warm driver must be the AWS CLI as a shell runs it: same output, exit codes, environment, input. */
describe('the AWS CLI driver of the tests', function () {
  this.timeout(60_000);
  let range: TestRange;
  before(async () => {
    range = await startTestRange();
  });
  after(() => range.stop());
  const env = () => ({
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    ...range.env(),
  });

  it('prints what the aws command prints, with the same exit code, for successes and failures', async () => {
    const cli = await awsCli();
    const direct = (args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) =>
        execFile('aws', args, { env: env() }, (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code) : 0, out: stdout + stderr }),
        ),
      );
    for (const args of [
      ['--version'],
      ['sts', 'get-caller-identity', '--output', 'json'],
      ['iam', 'get-user', '--user-name', 'nobody-here'],
      ['ec2', 'describe-nothing'],
    ]) {
      const viaDriver = await cli.run(args, env());
      const real = await direct(args);
      expect([viaDriver.code, viaDriver.stdout + viaDriver.stderr], args.join(' ')).to.deep.equal([
        real.code,
        real.out,
      ]);
    }
  });

  it('runs each command with its own environment and input, even at the same time', async () => {
    const cli = await awsCli();
    const [a, b] = await Promise.all([
      cli.run(['sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], env()),
      cli.run(['sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], {
        ...env(),
        AWS_ACCESS_KEY_ID: 'AKIANOTAREALKEY00000',
      }),
    ]);
    expect(a.code, a.stderr).to.equal(0);
    expect(a.stdout.trim()).to.match(/^arn:aws:iam::\d{12}:user\//);
    expect(b.code).to.not.equal(0);
    expect(b.stderr).to.contain('InvalidClientTokenId');
    const put = await cli.run(
      ['ssm', 'put-parameter', '--name', 'from-stdin', '--type', 'String', '--value', 'file:///dev/stdin'],
      env(),
      'hello from stdin',
    );
    expect(put.code, put.stderr).to.equal(0);
    const got = await cli.run(
      ['ssm', 'get-parameter', '--name', 'from-stdin', '--query', 'Parameter.Value', '--output', 'text'],
      env(),
    );
    expect(got.stdout.trim()).to.equal('hello from stdin');
  });
});
