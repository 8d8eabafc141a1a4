import { expect } from 'chai';
import {
  AssociateIamInstanceProfileCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstancesCommand,
  DisassociateIamInstanceProfileCommand,
  EC2Client,
  ReplaceIamInstanceProfileAssociationCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type IamInstanceProfileAssociation,
} from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { ManualClock } from '../../src/range/clock.js';
import { failure, startTestRange, type TestRange } from './harness.js';
import { launch, network } from './ec2-fixtures.js';
import { userWith } from './users.js';
import { executionRole } from './lambda-fixtures.js';

/**
 * AWS's playbook for a compromised instance starts by taking its role away: DisassociateIamInstanceProfile
 * (or ReplaceIamInstanceProfileAssociation with a deny-all profile). EC2 answers at once and finishes on its
 * own time (associating → associated, disassociating → gone); the range does so on its clock.
 */
describe('range: EC2 instance profile associations', function () {
  this.timeout(60_000);
  const clock = new ManualClock(Date.parse('2026-06-01T09:00:00Z'));
  let range: TestRange;
  let ec2: EC2Client;
  let subnetId: string;
  let acct: string;

  const associations = async (input: Record<string, unknown> = {}) =>
    (await ec2.send(new DescribeIamInstanceProfileAssociationsCommand(input)))
      .IamInstanceProfileAssociations ?? [];
  const profileOf = async (id: string) =>
    (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!
      .IamInstanceProfile;
  const running = async (extra: Record<string, unknown> = {}) => {
    const id = await launch(ec2, subnetId, extra);
    clock.advance(3000);
    return id;
  };

  before(async () => {
    range = await startTestRange({ clock });
    acct = range.accountId;
    ec2 = new EC2Client(range.clientConfig());
    subnetId = (await network(ec2)).subnetId;
    const iam = new IAMClient(range.clientConfig());
    for (const name of ['app-web', 'quarantine']) {
      await executionRole(range, name, 'ec2.amazonaws.com');
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
      await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }));
    }
  });
  after(() => range.stop());

  it('an instance launched with a profile has an association, listed by instance-id and state (SDK)', async () => {
    const id = await running({ IamInstanceProfile: { Name: 'app-web' } });
    const [a, ...rest] = await associations({ Filters: [{ Name: 'instance-id', Values: [id] }] });
    expect(rest).to.deep.equal([]);
    expect(a!.AssociationId).to.match(/^iip-assoc-[0-9a-f]{17}$/);
    expect(a).to.deep.include({ InstanceId: id, State: 'associated' });
    expect(a!.IamInstanceProfile!.Arn).to.equal(`arn:aws:iam::${acct}:instance-profile/app-web`);
    expect(a!.IamInstanceProfile!.Id).to.match(/^AIPA/);
    // DescribeInstances names the same profile.
    expect(await profileOf(id)).to.deep.equal({
      Arn: a!.IamInstanceProfile!.Arn,
      Id: a!.IamInstanceProfile!.Id,
    });
    const byState = await associations({ Filters: [{ Name: 'state', Values: ['disassociating'] }] });
    expect(byState.map((x) => x.InstanceId)).not.to.include(id);
  });

  it('disassociate: disassociating at once, gone on the range clock, and DescribeInstances follows (aws CLI)', async () => {
    const id = await running({ IamInstanceProfile: { Name: 'app-web' } });
    const [current] = await associations({ Filters: [{ Name: 'instance-id', Values: [id] }] });
    const out = (await range.aws([
      'ec2',
      'disassociate-iam-instance-profile',
      '--association-id',
      current!.AssociationId!,
    ])) as { IamInstanceProfileAssociation: IamInstanceProfileAssociation };
    expect(out.IamInstanceProfileAssociation).to.deep.include({
      AssociationId: current!.AssociationId,
      InstanceId: id,
      State: 'disassociating',
    });
    // Still there while EC2 works on it.
    expect((await associations({ AssociationIds: [current!.AssociationId!] }))[0]?.State).to.equal(
      'disassociating',
    );
    expect(await profileOf(id)).to.not.equal(undefined);
    clock.advance(2000);
    expect(await associations({ Filters: [{ Name: 'instance-id', Values: [id] }] })).to.deep.equal([]);
    expect(await profileOf(id)).to.equal(undefined);
    const gone = await range.awsFails([
      'ec2',
      'describe-iam-instance-profile-associations',
      '--association-ids',
      current!.AssociationId!,
    ]);
    expect(gone.stderr).to.contain('(InvalidAssociationID.NotFound)');
    expect(gone.stderr).to.contain(`The association ID '${current!.AssociationId}' does not exist`);
    // CloudTrail logs EC2's newer operations under <Operation>Request with the API's member names.
    const event = range.events('DisassociateIamInstanceProfile').at(-1)!;
    expect(event.requestParameters).to.deep.equal({
      DisassociateIamInstanceProfileRequest: { AssociationId: current!.AssociationId },
    });
    expect(event.readOnly).to.equal(false);
  });

  it('associate: associating then associated; a second profile is IncorrectState; an unknown one is refused (aws CLI)', async () => {
    const id = await running();
    const out = (await range.aws([
      'ec2',
      'associate-iam-instance-profile',
      '--instance-id',
      id,
      '--iam-instance-profile',
      'Name=quarantine',
    ])) as { IamInstanceProfileAssociation: IamInstanceProfileAssociation };
    expect(out.IamInstanceProfileAssociation).to.deep.include({ InstanceId: id, State: 'associating' });
    expect((await profileOf(id))?.Arn).to.equal(`arn:aws:iam::${acct}:instance-profile/quarantine`);
    clock.advance(2000);
    const [a] = await associations({ Filters: [{ Name: 'instance-id', Values: [id] }] });
    expect(a).to.deep.include({
      AssociationId: out.IamInstanceProfileAssociation.AssociationId,
      State: 'associated',
    });

    const again = await range.awsFails([
      'ec2',
      'associate-iam-instance-profile',
      '--instance-id',
      id,
      '--iam-instance-profile',
      'Name=app-web',
    ]);
    expect(again.stderr).to.contain('(IncorrectState)');
    expect(again.stderr).to.contain(`There is an existing association for instance ${id}`);
    const other = await running();
    const unknown = await range.awsFails([
      'ec2',
      'associate-iam-instance-profile',
      '--instance-id',
      other,
      '--iam-instance-profile',
      'Name=no-such-profile',
    ]);
    expect(unknown.stderr).to.contain('(InvalidParameterValue)');
    expect(unknown.stderr).to.contain('Invalid IAM Instance Profile name');
    expect(await associations({ Filters: [{ Name: 'instance-id', Values: [other] }] })).to.deep.equal([]);
    // The association ends with the instance.
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    clock.advance(5000);
    expect(await associations({ Filters: [{ Name: 'instance-id', Values: [id] }] })).to.deep.equal([]);

    const event = range.events('AssociateIamInstanceProfile').find((e) => !e.errorCode)!;
    expect(event.requestParameters).to.deep.equal({
      AssociateIamInstanceProfileRequest: { InstanceId: id, IamInstanceProfile: { Name: 'quarantine' } },
    });
    const failed = range.events('AssociateIamInstanceProfile').filter((e) => e.errorCode);
    expect(failed.map((e) => e.errorCode)).to.include('Client.IncorrectState');
  });

  it('replace: a new association id, associating; the old id is gone; a stopped instance has no active association (SDK)', async () => {
    const id = await running({ IamInstanceProfile: { Name: 'app-web' } });
    const [old] = await associations({ Filters: [{ Name: 'instance-id', Values: [id] }] });
    const { IamInstanceProfileAssociation: replaced } = await ec2.send(
      new ReplaceIamInstanceProfileAssociationCommand({
        AssociationId: old!.AssociationId,
        IamInstanceProfile: { Arn: `arn:aws:iam::${acct}:instance-profile/quarantine` },
      }),
    );
    expect(replaced!.AssociationId)
      .to.match(/^iip-assoc-/)
      .and.not.equal(old!.AssociationId);
    expect(replaced).to.deep.include({ InstanceId: id, State: 'associating' });
    expect((await profileOf(id))?.Arn).to.equal(`arn:aws:iam::${acct}:instance-profile/quarantine`);
    const err = await failure(
      ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ AssociationIds: [old!.AssociationId!] })),
    );
    expect(err.name).to.equal('InvalidAssociationID.NotFound');

    const stopped = await running({ IamInstanceProfile: { Name: 'app-web' } });
    await ec2.send(new StopInstancesCommand({ InstanceIds: [stopped] }));
    clock.advance(5000);
    const [inactive] = await associations({ Filters: [{ Name: 'instance-id', Values: [stopped] }] });
    const refused = await failure(
      ec2.send(
        new ReplaceIamInstanceProfileAssociationCommand({
          AssociationId: inactive!.AssociationId,
          IamInstanceProfile: { Name: 'quarantine' },
        }),
      ),
    );
    expect(refused.name).to.equal('IncorrectState');
    expect(refused.message).to.equal(
      `The association ${inactive!.AssociationId} is not the active association`,
    );
    expect(range.events('ReplaceIamInstanceProfileAssociation')[0]?.requestParameters).to.deep.equal({
      ReplaceIamInstanceProfileAssociationRequest: {
        AssociationId: old!.AssociationId,
        IamInstanceProfile: { Arn: `arn:aws:iam::${acct}:instance-profile/quarantine` },
      },
    });
  });

  it('answers unknown and malformed association ids, and pages with MaxResults between 5 and 1000 (SDK)', async () => {
    const missing = await failure(
      ec2.send(new DisassociateIamInstanceProfileCommand({ AssociationId: 'iip-assoc-0123456789abcdef0' })),
    );
    expect(missing.name).to.equal('InvalidAssociationID.NotFound');
    const malformed = await failure(
      ec2.send(new DisassociateIamInstanceProfileCommand({ AssociationId: 'i-0123' })),
    );
    expect(malformed.name).to.equal('InvalidParameterValue');
    expect(malformed.message).to.equal('Invalid value for associationId.');

    for (let n = 0; n < 3; n++) await running({ IamInstanceProfile: { Name: 'app-web' } });
    const all = await associations();
    expect(all.length).to.be.greaterThan(5);
    const first = await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ MaxResults: 5 }));
    expect(first.IamInstanceProfileAssociations).to.have.length(5);
    const rest = await ec2.send(
      new DescribeIamInstanceProfileAssociationsCommand({ MaxResults: 5, NextToken: first.NextToken }),
    );
    const paged = [...first.IamInstanceProfileAssociations!, ...rest.IamInstanceProfileAssociations!];
    expect(paged.map((a) => a.AssociationId).slice(0, all.length)).to.deep.equal(
      all.map((a) => a.AssociationId).slice(0, paged.length),
    );
    const tooFew = await failure(
      ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ MaxResults: 4 })),
    );
    expect(tooFew.name).to.equal('InvalidParameterValue');
  });

  it('a user without iam:PassRole cannot hand an instance a role; without the EC2 action cannot take it away', async () => {
    const id = await running();
    const user = await userWith(range, 'responder', [
      {
        Effect: 'Allow',
        Action: ['ec2:AssociateIamInstanceProfile', 'ec2:DescribeIamInstanceProfileAssociations'],
        Resource: '*',
      },
    ]);
    const denied = await range.awsFails(
      [
        'ec2',
        'associate-iam-instance-profile',
        '--instance-id',
        id,
        '--iam-instance-profile',
        'Name=app-web',
      ],
      { env: user.env },
    );
    expect(denied.stderr).to.contain('(UnauthorizedOperation)');
    expect(denied.stderr).to.contain(`iam:PassRole on resource: arn:aws:iam::${acct}:role/app-web`);
    expect(await associations({ Filters: [{ Name: 'instance-id', Values: [id] }] })).to.deep.equal([]);

    await ec2.send(
      new AssociateIamInstanceProfileCommand({ InstanceId: id, IamInstanceProfile: { Name: 'app-web' } }),
    );
    const [a] = await associations({ Filters: [{ Name: 'instance-id', Values: [id] }] });
    const asUser = new EC2Client(range.clientConfig({ credentials: user.credentials }));
    const err = await failure(
      asUser.send(new DisassociateIamInstanceProfileCommand({ AssociationId: a!.AssociationId })),
    );
    expect(err.name).to.equal('UnauthorizedOperation');
    expect(err.message).to.contain('ec2:DisassociateIamInstanceProfile');
    expect((await associations({ AssociationIds: [a!.AssociationId!] }))[0]?.State).to.equal('associating');
  });
  it("disassociate is authorized on the association's instance: a responder scoped to tagged instances (aws CLI)", async () => {
    const quarantined = await running({
      IamInstanceProfile: { Name: 'app-web' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'incident', Value: 'IR-7' }] }],
    });
    const other = await running({ IamInstanceProfile: { Name: 'app-web' } });
    const user = await userWith(range, 'ir-responder', [
      {
        Effect: 'Allow',
        Action: 'ec2:DisassociateIamInstanceProfile',
        Resource: `arn:aws:ec2:*:${acct}:instance/*`,
        Condition: { StringEquals: { 'ec2:ResourceTag/incident': 'IR-7' } },
      },
    ]);
    const idOf = async (instance: string) =>
      (await associations({ Filters: [{ Name: 'instance-id', Values: [instance] }] }))[0]!.AssociationId!;
    const denied = await range.awsFails(
      ['ec2', 'disassociate-iam-instance-profile', '--association-id', await idOf(other)],
      { env: user.env },
    );
    expect(denied.stderr).to.contain('(UnauthorizedOperation)');
    expect(denied.stderr).to.contain(`instance/${other}`);
    const out = (await range.aws(
      ['ec2', 'disassociate-iam-instance-profile', '--association-id', await idOf(quarantined)],
      { env: user.env },
    )) as { IamInstanceProfileAssociation: { InstanceId: string; State: string } };
    expect(out.IamInstanceProfileAssociation).to.include({
      InstanceId: quarantined,
      State: 'disassociating',
    });
  });
});
