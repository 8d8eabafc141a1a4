import { expect } from 'chai';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { failure, startTestRange, type TestRange } from './harness.js';

describe('range: EC2 security groups', () => {
  let range: TestRange;
  let ec2: EC2Client;
  let vpcId: string;

  before(async () => {
    range = await startTestRange();
    ec2 = new EC2Client(range.clientConfig());
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    vpcId = vpc.Vpc!.VpcId!;
    await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24' }));
  });
  after(() => range.stop());

  const newGroup = async (name: string, description = `${name} tier`) =>
    (
      await ec2.send(
        new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: description }),
      )
    ).GroupId!;
  const describe = async (groupId: string): Promise<SecurityGroup> =>
    (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0]!;
  const rulesOf = async (groupId: string): Promise<SecurityGroupRule[]> =>
    (
      await ec2.send(
        new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
      )
    ).SecurityGroupRules!;

  it("serves the responder's view: SSH opened to the world with the CLI, found by filters, revoked, all in CloudTrail", async () => {
    const created = (await range.aws([
      'ec2',
      'create-security-group',
      '--group-name',
      'web',
      '--description',
      'web tier',
      '--vpc-id',
      vpcId,
    ])) as { GroupId: string };
    const web = created.GroupId;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: web,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'HTTPS' }],
          },
        ],
      }),
    );
    // Another group has SSH, but only from inside.
    const internal = await newGroup('internal');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: internal,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/16' }] },
        ],
      }),
    );

    const opened = (await range.aws([
      'ec2',
      'authorize-security-group-ingress',
      '--group-id',
      web,
      '--protocol',
      'tcp',
      '--port',
      '22',
      '--cidr',
      '0.0.0.0/0',
    ])) as { Return: boolean; SecurityGroupRules: SecurityGroupRule[] };
    expect(opened.Return).to.equal(true);
    expect(opened.SecurityGroupRules[0]).to.include({
      GroupId: web,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      CidrIpv4: '0.0.0.0/0',
    });
    expect(opened.SecurityGroupRules[0]!.SecurityGroupRuleId).to.match(/^sgr-[0-9a-f]{17}$/);

    const seen = (await range.aws(['ec2', 'describe-security-groups', '--group-ids', web])) as {
      SecurityGroups: SecurityGroup[];
    };
    const ssh = seen.SecurityGroups[0]!.IpPermissions!.find((p) => p.FromPort === 22);
    expect(ssh).to.deep.include({
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
    });

    const exposedEvents = range.events('DescribeSecurityGroups').length;
    const exposed = (await range.aws([
      'ec2',
      'describe-security-groups',
      '--filters',
      'Name=ip-permission.cidr,Values=0.0.0.0/0',
      'Name=ip-permission.from-port,Values=22',
      '--query',
      'SecurityGroups[].GroupId',
    ])) as string[];
    expect(exposed).to.deep.equal([web]);
    expect(range.events('DescribeSecurityGroups')[exposedEvents]?.requestParameters).to.deep.equal({
      filterSet: {
        items: [
          { name: 'ip-permission.cidr', valueSet: { items: [{ value: '0.0.0.0/0' }] } },
          { name: 'ip-permission.from-port', valueSet: { items: [{ value: '22' }] } },
        ],
      },
    });

    await range.aws([
      'ec2',
      'revoke-security-group-ingress',
      '--group-id',
      web,
      '--protocol',
      'tcp',
      '--port',
      '22',
      '--cidr',
      '0.0.0.0/0',
    ]);
    const after = await describe(web);
    expect(after.IpPermissions!.map((p) => p.FromPort)).to.deep.equal([443]);
    const again = await range.awsFails([
      'ec2',
      'revoke-security-group-ingress',
      '--group-id',
      web,
      '--protocol',
      'tcp',
      '--port',
      '22',
      '--cidr',
      '0.0.0.0/0',
    ]);
    expect(again.stderr)
      .to.contain('(InvalidPermission.NotFound)')
      .and.to.contain('The specified rule does not exist in this security group.');

    const [authorize] = range
      .events('AuthorizeSecurityGroupIngress')
      .filter((e) => e.userAgent.startsWith('aws-cli/'));
    expect(authorize?.userIdentity).to.include({
      type: 'IAMUser',
      userName: 'range-admin',
      accessKeyId: range.credentials.accessKeyId,
    });
    expect(authorize?.requestParameters).to.deep.equal({
      groupId: web,
      ipPermissions: {
        items: [
          { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } },
        ],
      },
    });
    const response = authorize?.responseElements as {
      _return: boolean;
      securityGroupRuleSet: { items: Array<Record<string, unknown>> };
    };
    expect(response._return).to.equal(true);
    expect(response.securityGroupRuleSet.items[0]).to.include({
      groupId: web,
      securityGroupRuleId: opened.SecurityGroupRules[0]!.SecurityGroupRuleId,
      cidrIpv4: '0.0.0.0/0',
      fromPort: 22,
    });
    const revokes = range.events('RevokeSecurityGroupIngress');
    // EC2's CloudTrail error codes carry who failed: Client.* for the caller's mistakes.
    expect(revokes.map((e) => e.errorCode)).to.deep.equal([undefined, 'Client.InvalidPermission.NotFound']);
    expect(revokes[0]?.requestParameters).to.have.property('groupId', web);

    // The runbook's first step: what happened to this group?
    const trail = (await range.aws([
      'cloudtrail',
      'lookup-events',
      '--lookup-attributes',
      `AttributeKey=ResourceName,AttributeValue=${web}`,
    ])) as {
      Events: Array<{
        EventName: string;
        Username: string;
        Resources: Array<{ ResourceType: string; ResourceName: string }>;
        CloudTrailEvent: string;
      }>;
    };
    expect(trail.Events.map((e) => e.EventName)).to.include.members([
      'CreateSecurityGroup',
      'AuthorizeSecurityGroupIngress',
      'RevokeSecurityGroupIngress',
    ]);
    const create = trail.Events.find((e) => e.EventName === 'CreateSecurityGroup')!;
    expect(create.Username).to.equal('range-admin');
    expect(create.Resources).to.deep.include({ ResourceType: 'AWS::EC2::SecurityGroup', ResourceName: web });
    expect(JSON.parse(create.CloudTrailEvent)).to.deep.include({
      eventName: 'CreateSecurityGroup',
      eventSource: 'ec2.amazonaws.com',
    });
  });

  it('matches each ip-permission filter on its own, as EC2 does (two rules may satisfy two filters)', async () => {
    const mixed = await newGroup('mixed');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: mixed,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        ],
      }),
    );
    const found = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'ip-permission.cidr', Values: ['0.0.0.0/0'] },
          { Name: 'ip-permission.from-port', Values: ['22'] },
          { Name: 'group-name', Values: ['mix*'] },
        ],
      }),
    );
    expect(found.SecurityGroups!.map((g) => g.GroupId)).to.deep.equal([mixed]);
  });

  it('creates groups with a default egress rule, tags, and EC2-exact errors', async () => {
    const out = await ec2.send(
      new CreateSecurityGroupCommand({
        VpcId: vpcId,
        GroupName: 'db',
        Description: 'database tier',
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'Name', Value: 'db' }] }],
      }),
    );
    expect(out.Tags).to.deep.equal([{ Key: 'Name', Value: 'db' }]);
    const db = await describe(out.GroupId!);
    expect(db).to.deep.include({
      GroupName: 'db',
      Description: 'database tier',
      VpcId: vpcId,
      OwnerId: range.accountId,
    });
    expect(db.IpPermissions).to.deep.equal([]);
    expect(db.IpPermissionsEgress).to.deep.equal([
      {
        IpProtocol: '-1',
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);
    expect(db.Tags).to.deep.equal([{ Key: 'Name', Value: 'db' }]);

    const dup = await failure(
      ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'db', Description: 'x' })),
    );
    expect(dup.name).to.equal('InvalidGroup.Duplicate');
    expect(dup.message).to.equal(`The security group 'db' already exists for VPC '${vpcId}'`);
    const noVpc = await range.awsFails([
      'ec2',
      'create-security-group',
      '--group-name',
      'x',
      '--description',
      'x',
    ]);
    expect(noVpc.stderr).to.contain('(VPCIdNotSpecified)').and.to.contain('No default VPC for this user');
    // Group names stand for default-VPC groups, and the range has no default VPC.
    const byName = await failure(ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['db'] })));
    expect(byName.name).to.equal('VPCIdNotSpecified');
    const badName = await failure(
      ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'sg-web', Description: 'x' })),
    );
    expect(badName.name).to.equal('InvalidParameterValue');
    expect(badName.message).to.contain('Group names may not be in the format sg-*');

    const missing = await failure(
      ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })),
    );
    expect(missing.name).to.equal('InvalidGroup.NotFound');
    expect(missing.message).to.equal("The security group 'sg-0123456789abcdef0' does not exist");
    const malformed = await range.awsFails(['ec2', 'describe-security-groups', '--group-ids', 'web']);
    expect(malformed.stderr)
      .to.contain('(InvalidGroupId.Malformed)')
      .and.to.contain('Invalid id: "web" (expecting "sg-...")');
    const badFilter = await failure(
      ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })),
    );
    expect(badFilter.name).to.equal('InvalidParameterValue');
  });

  it('gives every VPC a default group that lets members talk, which nobody can delete', async () => {
    const found = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'group-name', Values: ['default'] },
        ],
      }),
    );
    const def = found.SecurityGroups![0]!;
    expect(def.Description).to.equal('default VPC security group');
    expect(def.IpPermissions).to.deep.equal([
      {
        IpProtocol: '-1',
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [{ GroupId: def.GroupId, UserId: range.accountId }],
      },
    ]);
    const err = await range.awsFails(['ec2', 'delete-security-group', '--group-id', def.GroupId!]);
    expect(err.stderr).to.contain('(CannotDelete)');
  });

  it('keeps rules of every kind: IPv4, IPv6, prefix lists, referenced groups, descriptions, numbered and ICMP protocols', async () => {
    const app = await newGroup('app');
    const lb = await newGroup('lb');
    const out = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: app,
        IpPermissions: [
          {
            IpProtocol: '6',
            FromPort: 8080,
            ToPort: 8081,
            IpRanges: [{ CidrIp: '10.0.1.0/24', Description: 'subnet a' }],
            Ipv6Ranges: [{ CidrIpv6: '2001:db8::/64', Description: 'v6' }],
            PrefixListIds: [{ PrefixListId: 'pl-0123abcd', Description: 'office' }],
            UserIdGroupPairs: [{ GroupId: lb, Description: 'from the load balancer' }],
          },
          { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '10.0.0.0/16' }] },
          { IpProtocol: '50', IpRanges: [{ CidrIp: '192.0.2.0/24' }] },
        ],
        TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'owner', Value: 'ops' }] }],
      }),
    );
    expect(out.SecurityGroupRules).to.have.length(6);
    const group = await describe(app);
    expect(group.IpPermissions).to.deep.equal([
      {
        IpProtocol: 'tcp',
        FromPort: 8080,
        ToPort: 8081,
        IpRanges: [{ CidrIp: '10.0.1.0/24', Description: 'subnet a' }],
        Ipv6Ranges: [{ CidrIpv6: '2001:db8::/64', Description: 'v6' }],
        PrefixListIds: [{ PrefixListId: 'pl-0123abcd', Description: 'office' }],
        UserIdGroupPairs: [{ GroupId: lb, UserId: range.accountId, Description: 'from the load balancer' }],
      },
      {
        IpProtocol: 'icmp',
        FromPort: 8,
        ToPort: -1,
        IpRanges: [{ CidrIp: '10.0.0.0/16' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
      {
        IpProtocol: '50',
        IpRanges: [{ CidrIp: '192.0.2.0/24' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);
    const rules = await rulesOf(app);
    const esp = rules.find((r) => r.IpProtocol === '50');
    expect(esp).to.include({ FromPort: -1, ToPort: -1, CidrIpv4: '192.0.2.0/24' });
    expect(rules.find((r) => r.ReferencedGroupInfo)?.ReferencedGroupInfo).to.deep.equal({
      GroupId: lb,
      UserId: range.accountId,
    });
    expect(rules.filter((r) => !r.IsEgress).every((r) => r.Tags?.[0]?.Key === 'owner')).to.equal(true);

    // The same rule again, however it is spelled, is a duplicate.
    const dup = await failure(
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: app,
          IpProtocol: 'tcp',
          FromPort: 8080,
          ToPort: 8081,
          CidrIp: '10.0.1.0/24',
        }),
      ),
    );
    expect(dup.name).to.equal('InvalidPermission.Duplicate');
    expect(dup.message).to.equal(
      'the specified rule "peer: 10.0.1.0/24, TCP, from port: 8080, to port: 8081, ALLOW" already exists',
    );
    const allDup = await range.awsFails([
      'ec2',
      'authorize-security-group-egress',
      '--group-id',
      app,
      '--ip-permissions',
      'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]',
    ]);
    expect(allDup.stderr).to.contain('the specified rule "peer: 0.0.0.0/0, ALL, ALLOW" already exists');
    const twice = await failure(
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: app,
          IpPermissions: [
            {
              IpProtocol: 'udp',
              FromPort: 1,
              ToPort: 1,
              IpRanges: [{ CidrIp: '10.1.0.0/16' }, { CidrIp: '10.1.0.0/16' }],
            },
          ],
        }),
      ),
    );
    expect(twice.message).to.equal('The same permission must not appear multiple times');

    // A referenced group cannot go while the reference stands.
    const inUse = await failure(ec2.send(new DeleteSecurityGroupCommand({ GroupId: lb })));
    expect(inUse.name).to.equal('DependencyViolation');
    expect(inUse.message).to.equal(`resource ${lb} has a dependent object`);
    const ref = rules.find((r) => r.ReferencedGroupInfo)!;
    await ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: app,
        SecurityGroupRuleIds: [ref.SecurityGroupRuleId!],
      }),
    );
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: lb }));
    const gone = await failure(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [lb] })));
    expect(gone.name).to.equal('InvalidGroup.NotFound');
  });

  it('accepts the legacy flat form and protocol names in both directions, and validates protocols and ports', async () => {
    const dns = await newGroup('dns');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: dns,
        IpProtocol: 'udp',
        FromPort: 53,
        ToPort: 53,
        CidrIp: '10.0.0.0/8',
      }),
    );
    await range.aws([
      'ec2',
      'authorize-security-group-ingress',
      '--group-id',
      dns,
      '--protocol',
      'all',
      '--cidr',
      '10.9.0.0/16',
    ]);
    // Lock egress down to DNS only.
    await ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: dns,
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    await range.aws([
      'ec2',
      'authorize-security-group-egress',
      '--group-id',
      dns,
      '--ip-permissions',
      'IpProtocol=udp,FromPort=53,ToPort=53,IpRanges=[{CidrIp=10.0.0.2/32,Description=resolver}]',
    ]);
    const group = await describe(dns);
    expect(group.IpPermissions!.map((p) => [p.IpProtocol, p.FromPort, p.IpRanges![0]!.CidrIp])).to.deep.equal(
      [
        ['udp', 53, '10.0.0.0/8'],
        ['-1', undefined, '10.9.0.0/16'],
      ],
    );
    expect(group.IpPermissionsEgress).to.deep.equal([
      {
        IpProtocol: 'udp',
        FromPort: 53,
        ToPort: 53,
        IpRanges: [{ CidrIp: '10.0.0.2/32', Description: 'resolver' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);
    const egressFilter = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [{ Name: 'egress.ip-permission.cidr', Values: ['10.0.0.2/32'] }],
      }),
    );
    expect(egressFilter.SecurityGroups!.map((g) => g.GroupId)).to.deep.equal([dns]);

    const unknown = await failure(
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: dns, IpProtocol: 'tcpx', CidrIp: '1.2.3.4/32' }),
      ),
    );
    expect(unknown.name).to.equal('InvalidParameterValue');
    expect(unknown.message).to.equal("Invalid value 'tcpx' for IP protocol. Unknown protocol.");
    const noPorts = await failure(
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: dns, IpProtocol: 'tcp', CidrIp: '1.2.3.4/32' }),
      ),
    );
    expect(noPorts.name).to.equal('InvalidParameterValue');
    const badCidr = await failure(
      ec2.send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId: dns,
          IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/33' }] }],
        }),
      ),
    );
    expect(badCidr.message).to.equal('CIDR block 10.0.0.0/33 is malformed');
  });

  it('describes, filters and modifies rules by id, and refuses unknown rule ids', async () => {
    const ssh = await newGroup('ssh');
    const out = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: ssh,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        TagSpecifications: [
          { ResourceType: 'security-group-rule', Tags: [{ Key: 'ticket', Value: 'SEC-1' }] },
        ],
      }),
    );
    const ruleId = out.SecurityGroupRules![0]!.SecurityGroupRuleId!;
    const byTag = await range.aws([
      'ec2',
      'describe-security-group-rules',
      '--filters',
      'Name=tag:ticket,Values=SEC-1',
    ]);
    expect(
      (byTag as { SecurityGroupRules: SecurityGroupRule[] }).SecurityGroupRules.map(
        (r) => r.SecurityGroupRuleId,
      ),
    ).to.deep.equal([ruleId]);

    await range.aws([
      'ec2',
      'modify-security-group-rules',
      '--group-id',
      ssh,
      '--security-group-rules',
      JSON.stringify([
        {
          SecurityGroupRuleId: ruleId,
          SecurityGroupRule: {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            CidrIpv4: '10.0.0.0/16',
            Description: 'bastion',
          },
        },
      ]),
    ]);
    const [modified] = (
      await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] }))
    ).SecurityGroupRules!;
    expect(modified).to.include({
      SecurityGroupRuleId: ruleId,
      GroupId: ssh,
      CidrIpv4: '10.0.0.0/16',
      Description: 'bastion',
      FromPort: 22,
    });
    expect((await describe(ssh)).IpPermissions![0]!.IpRanges).to.deep.equal([
      { CidrIp: '10.0.0.0/16', Description: 'bastion' },
    ]);
    expect(range.events('ModifySecurityGroupRules').at(-1)?.requestParameters).to.deep.include({
      groupId: ssh,
    });

    const unknown = await failure(
      ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ['sgr-0123456789abcdef0'] })),
    );
    expect(unknown.name).to.equal('InvalidSecurityGroupRuleId.NotFound');
    const wrongGroup = await failure(
      ec2.send(
        new ModifySecurityGroupRulesCommand({
          GroupId: await newGroup('other'),
          SecurityGroupRules: [
            { SecurityGroupRuleId: ruleId, SecurityGroupRule: { IpProtocol: '-1', CidrIpv4: '10.0.0.0/8' } },
          ],
        }),
      ),
    );
    expect(wrongGroup.name).to.equal('InvalidSecurityGroupRuleId.NotFound');
    const paged = await ec2.send(new DescribeSecurityGroupRulesCommand({ MaxResults: 5 }));
    expect(paged.SecurityGroupRules).to.have.length(5);
    expect(paged.NextToken).to.be.a('string');
    const next = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ MaxResults: 5, NextToken: paged.NextToken }),
    );
    expect(next.SecurityGroupRules![0]!.SecurityGroupRuleId).not.to.equal(
      paged.SecurityGroupRules![0]!.SecurityGroupRuleId,
    );
    const tooSmall = await failure(ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 2 })));
    expect(tooSmall.name).to.equal('InvalidParameterValue');
  });

  it('answers DryRun with DryRunOperation (412) and changes nothing', async () => {
    const group = await newGroup('dry');
    const sdk = await failure(
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: group,
          DryRun: true,
          IpProtocol: 'tcp',
          FromPort: 1,
          ToPort: 2,
          CidrIp: '0.0.0.0/0',
        }),
      ),
    );
    expect(sdk.name).to.equal('DryRunOperation');
    expect(sdk.$metadata?.httpStatusCode).to.equal(412);
    const cli = await range.awsFails(['ec2', 'delete-security-group', '--group-id', group, '--dry-run']);
    expect(cli.stderr)
      .to.contain('(DryRunOperation)')
      .and.to.contain('Request would have succeeded, but DryRun flag is set.');
    expect((await describe(group)).IpPermissions).to.deep.equal([]);
    expect(range.events('DeleteSecurityGroup').at(-1)?.errorCode).to.equal('Client.DryRunOperation');
  });
});
