import { expect } from 'chai';
import type { Condition } from '../../src/signals/registry.js';
import { expectFixedBy, startLive, statuses, type Live } from './live.js';

describe('identity signals on a live range', () => {
  let live: Live;
  let rootArn: string;

  before(async () => {
    live = await startLive();
    rootArn = `arn:aws:iam::${live.range.accountId}:root`;
    await live.sirs.call('iam:CreateUser', { UserName: 'deploy' });
    await live.sirs.call('iam:CreateUser', { UserName: 'intern' });
    await live.sirs.call('iam:CreateGroup', { GroupName: 'ops' });
    await live.sirs.call('iam:PutGroupPolicy', {
      GroupName: 'ops',
      PolicyName: 'break-glass',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      }),
    });
  });
  after(() => live.stop());

  it('sees a leaked access key deactivated, then deleted (accessKey)', async () => {
    const key = String(
      (
        (await live.sirs.call('iam:CreateAccessKey', { UserName: 'deploy' })).AccessKey as {
          AccessKeyId: string;
        }
      ).AccessKeyId,
    );
    const active: Condition = { accessKey: { user: 'deploy', accessKeyId: key, expect: 'active' } };
    const inactive: Condition = { accessKey: { user: 'deploy', accessKeyId: key, expect: 'inactive' } };
    const gone: Condition = { accessKey: { user: 'deploy', expect: 'absent' } };
    expect(statuses(await live.tick(active, inactive, gone))).to.deep.equal(['met', 'not-met', 'not-met']);

    await live.cli([
      'iam',
      'update-access-key',
      '--user-name',
      'deploy',
      '--access-key-id',
      key,
      '--status',
      'Inactive',
    ]);
    const [, deactivated, notGone] = await live.tick(active, inactive, gone);
    expectFixedBy(live, deactivated, 'UpdateAccessKey');
    expect(notGone?.status).to.equal('not-met');

    await live.cli(['iam', 'delete-access-key', '--user-name', 'deploy', '--access-key-id', key]);
    const [stillActive, , deleted] = await live.tick(active, inactive, gone);
    expect(stillActive?.status).to.equal('not-met');
    expectFixedBy(live, deleted, 'DeleteAccessKey');
  });

  it('sees administrator access granted through a group and taken away (userAdmin)', async () => {
    const admin: Condition = { userAdmin: { user: 'intern', expect: 'present' } };
    const none: Condition = { userAdmin: { user: 'intern', expect: 'absent' } };
    expect(statuses(await live.tick(admin, none))).to.deep.equal(['not-met', 'met']);

    await live.cli(['iam', 'add-user-to-group', '--user-name', 'intern', '--group-name', 'ops']);
    const [granted] = await live.tick(admin, none);
    expectFixedBy(live, granted, 'AddUserToGroup');
    expect(granted?.status === 'met' && granted.evidence.summary).to.contain(
      'inline policy break-glass of group ops allows * on *',
    );

    await live.cli(['iam', 'remove-user-from-group', '--user-name', 'intern', '--group-name', 'ops']);
    const [, revoked] = await live.tick(admin, none);
    expectFixedBy(live, revoked, 'RemoveUserFromGroup');
  });

  it('sees a console password created and deleted (loginProfile)', async () => {
    const present: Condition = { loginProfile: { user: 'intern', expect: 'present' } };
    const absent: Condition = { loginProfile: { user: 'intern', expect: 'absent' } };
    expect(statuses(await live.tick(present, absent))).to.deep.equal(['not-met', 'met']);

    await live.cli([
      'iam',
      'create-login-profile',
      '--user-name',
      'intern',
      '--password',
      'Corr3ct-Horse-Battery!',
    ]);
    const [created] = await live.tick(present, absent);
    expectFixedBy(live, created, 'CreateLoginProfile');

    await live.cli(['iam', 'delete-login-profile', '--user-name', 'intern']);
    const [, deleted] = await live.tick(present, absent);
    expectFixedBy(live, deleted, 'DeleteLoginProfile');
  });

  it('sees root create and delete its own access key (rootAccessKeys)', async () => {
    // On the range root always has a key: the range's own, which signs root's calls.
    const any: Condition = { rootAccessKeys: { expect: 'present' } };
    expect(statuses(await live.tick(any))).to.deep.equal(['met']);

    const created = (await live.cli(['iam', 'create-access-key'], 'root')) as {
      AccessKey: { AccessKeyId: string };
    };
    const id = created.AccessKey.AccessKeyId;
    const present: Condition = { rootAccessKeys: { accessKeyId: id, expect: 'present' } };
    const absent: Condition = { rootAccessKeys: { accessKeyId: id, expect: 'absent' } };
    const [leaked, notYet] = await live.tick(present, absent);
    expectFixedBy(live, leaked, 'CreateAccessKey', rootArn);
    expect(statuses([notYet!])).to.deep.equal(['not-met']);

    await live.cli(['iam', 'delete-access-key', '--access-key-id', id], 'root');
    const [, cleaned] = await live.tick(present, absent);
    expectFixedBy(live, cleaned, 'DeleteAccessKey', rootArn);
  });

  it('sees root MFA deactivated and enabled again (rootMfa)', async () => {
    const enabled: Condition = { rootMfa: { expect: 'enabled' } };
    const disabled: Condition = { rootMfa: { expect: 'disabled' } };
    expect(statuses(await live.tick(enabled, disabled))).to.deep.equal(['met', 'not-met']);
    const devices = (await live.sirs.call('iam:ListVirtualMFADevices', { AssignmentStatus: 'Assigned' }))
      .VirtualMFADevices as Array<{ SerialNumber: string; User?: { Arn?: string } }>;
    const serial = devices.find((d) => d.User?.Arn === rootArn)?.SerialNumber;
    expect(serial, JSON.stringify(devices)).to.be.a('string');

    await live.cli(
      ['iam', 'deactivate-mfa-device', '--user-name', 'root', '--serial-number', serial!],
      'root',
    );
    const [, off] = await live.tick(enabled, disabled);
    expectFixedBy(live, off, 'DeactivateMFADevice', rootArn);

    await live.cli(
      [
        'iam',
        'enable-mfa-device',
        '--user-name',
        'root',
        '--serial-number',
        serial!,
        '--authentication-code1',
        '123456',
        '--authentication-code2',
        '654321',
      ],
      'root',
    );
    const [on] = await live.tick(enabled, disabled);
    expectFixedBy(live, on, 'EnableMFADevice', rootArn);
  });
});
