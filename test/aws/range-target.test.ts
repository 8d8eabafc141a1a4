import { expect } from 'chai';
import { resolveTarget } from '../../src/aws/target.js';
import { UsageError } from '../../src/errors.js';

/** A standalone range's keys are random: sirs takes them from the environment `sirs range start` prints. */
describe('target: a range named by --endpoint-url', () => {
  const names = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'SIRS_RANGE_ROOT_ACCESS_KEY_ID',
    'SIRS_RANGE_ROOT_SECRET_ACCESS_KEY',
  ];
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const n of names) {
      saved[n] = process.env[n];
      delete process.env[n];
    }
  });
  afterEach(() => {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
  });

  it('without credentials in the environment: a usage error naming what to export', async () => {
    const err = await resolveTarget({ endpointUrl: 'http://127.0.0.1:4566' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(UsageError);
    expect(err).to.include({ code: 'range-credentials-required' });
    const hints = (err as UsageError).suggestions.join('\n');
    expect(hints).to.contain('AWS_ACCESS_KEY_ID').and.to.contain('SIRS_RANGE_ROOT_SECRET_ACCESS_KEY');
  });

  it('with the printed exports: admin from AWS_*, root from SIRS_RANGE_ROOT_*, both in the responder environment', async () => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIASIRSRANGEADMIN01',
      AWS_SECRET_ACCESS_KEY: 'admin-secret-0000000000000000000000000000',
    });
    const adminOnly = await resolveTarget({ endpointUrl: 'http://127.0.0.1:4566' });
    expect(adminOnly.canActAsRoot).to.equal(false);
    expect(() => adminOnly.session({ userAgent: [], as: 'root' })).to.throw(UsageError, /root keys/);
    Object.assign(process.env, {
      SIRS_RANGE_ROOT_ACCESS_KEY_ID: 'AKIASIRSRANGEROOT001',
      SIRS_RANGE_ROOT_SECRET_ACCESS_KEY: 'root-secret-00000000000000000000000000000',
    });
    const target = await resolveTarget({ endpointUrl: 'http://127.0.0.1:4566' });
    expect(target.canActAsRoot).to.equal(true);
    expect(target.responderEnv()).to.include({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_SECRET_ACCESS_KEY: 'admin-secret-0000000000000000000000000000',
      SIRS_RANGE_ROOT_SECRET_ACCESS_KEY: 'root-secret-00000000000000000000000000000',
    });
    await target.close();
  });
});
