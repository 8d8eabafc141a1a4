import { expect } from 'chai';
import type { Condition } from '../../src/signals/registry.js';
import { expectFixedBy, startLive, statuses, type Live } from './live.js';

const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const DENY_ALL = 'arn:aws:iam::aws:policy/AWSDenyAll';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

describe('userAdmin: an explicit deny of everything takes administrator access away', () => {
  describe('on a live range', function () {
    this.timeout(60_000);
    let live: Live;
    before(async () => {
      live = await startLive();
      await live.sirs.call('iam:CreateUser', { UserName: 'backdoor' });
      await live.sirs.call('iam:AttachUserPolicy', { UserName: 'backdoor', PolicyArn: ADMIN });
    });
    after(() => live.stop());

    const admin: Condition = { userAdmin: { user: 'backdoor', expect: 'present' } };
    const none: Condition = { userAdmin: { user: 'backdoor', expect: 'absent' } };

    it('sees AWSDenyAll attached as no administrator access, credited to the AttachUserPolicy call', async () => {
      expect(statuses(await live.tick(admin, none))).to.deep.equal(['met', 'not-met']);
      await live.cli(['iam', 'attach-user-policy', '--user-name', 'backdoor', '--policy-arn', DENY_ALL]);
      const [, denied] = await live.tick(admin, none);
      expectFixedBy(live, denied, 'AttachUserPolicy');
      expect(denied?.status === 'met' && denied.evidence.summary).to.contain(
        'User backdoor has no administrator access: policy AWSDenyAll attached to user backdoor denies * on *',
      );
      await live.cli(['iam', 'detach-user-policy', '--user-name', 'backdoor', '--policy-arn', DENY_ALL]);
      expect(statuses(await live.tick(admin, none))).to.deep.equal(['met', 'not-met']);
    });

    it('sees an inline deny of everything the same way, and its removal as administrator access back', async () => {
      await live.cli([
        'iam',
        'put-user-policy',
        '--user-name',
        'backdoor',
        '--policy-name',
        'quarantine',
        '--policy-document',
        doc({ Effect: 'Deny', Action: '*', Resource: '*' }),
      ]);
      const [, denied] = await live.tick(admin, none);
      expectFixedBy(live, denied, 'PutUserPolicy');
      expect(denied?.status === 'met' && denied.evidence.summary).to.contain(
        'inline policy quarantine of user backdoor denies * on *',
      );
      await live.cli(['iam', 'delete-user-policy', '--user-name', 'backdoor', '--policy-name', 'quarantine']);
      const [back] = await live.tick(admin, none);
      // Removing the deny gave administrator access back; the PutUserPolicy of the deny did not.
      expectFixedBy(live, back, 'DeleteUserPolicy');
      expect(back?.status === 'met' && back.evidence.summary).to.contain(
        'User backdoor has administrator access: AdministratorAccess is attached to user backdoor',
      );
    });

    it('does not credit attaching another allow policy with taking administrator access away', async () => {
      await live.cli(['iam', 'detach-user-policy', '--user-name', 'backdoor', '--policy-arn', ADMIN]);
      await live.cli([
        'iam',
        'attach-user-policy',
        '--user-name',
        'backdoor',
        '--policy-arn',
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
      ]);
      const [, removed] = await live.tick(admin, none);
      // Detaching AdministratorAccess took it away; attaching ReadOnlyAccess after it did not.
      expectFixedBy(live, removed, 'DetachUserPolicy');
    });
  });
});
