import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { startTestRange } from './harness.js';

describe('range: --state-dir survives a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sirs-range-state-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps credentials, stores and CloudTrail history across a stop and start', async () => {
    const first = await startTestRange({ stateDir: dir });
    const { Credentials } = await new STSClient(first.clientConfig()).send(new GetSessionTokenCommand({}));
    const before = first.events().length;
    await first.stop();
    expect(statSync(join(dir, 'range-state.json')).mode & 0o777).to.equal(0o600);

    const second = await startTestRange({ stateDir: dir });
    try {
      const session = new STSClient(
        second.clientConfig({
          credentials: {
            accessKeyId: Credentials!.AccessKeyId!,
            secretAccessKey: Credentials!.SecretAccessKey!,
            sessionToken: Credentials!.SessionToken!,
          },
        }),
      );
      const me = await session.send(new GetCallerIdentityCommand({}));
      expect(me.Arn).to.contain(':user/range-admin');
      expect(second.events('GetSessionToken')).to.have.length(1);
      expect(second.events().length).to.equal(before + 1);
    } finally {
      await second.stop();
    }
  });
});
