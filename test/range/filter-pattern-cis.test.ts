import { expect } from 'chai';
import { matches, parseFilterPattern } from '../../src/range/services/logs/filter-pattern.js';

const test = (pattern: string, message: string): boolean => matches(parseFilterPattern(pattern), message);
const json = (o: unknown): string => JSON.stringify(o);

describe('range: CIS AWS Foundations Benchmark CloudTrail alarm patterns', () => {
  const account = '123456789012';
  const record = (o: Record<string, unknown>) =>
    json({
      eventVersion: '1.09',
      userIdentity: {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLE',
        arn: `arn:aws:iam::${account}:user/alice`,
        accountId: account,
        userName: 'alice',
      },
      eventTime: '2026-01-01T00:00:00Z',
      eventSource: 'ec2.amazonaws.com',
      awsRegion: 'us-east-1',
      sourceIPAddress: '198.51.100.7',
      userAgent: 'aws-cli/1.x',
      requestParameters: null,
      responseElements: null,
      eventType: 'AwsApiCall',
      recipientAccountId: account,
      ...o,
    });

  it('4.1 unauthorized API calls', () => {
    const p =
      '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }';
    expect(
      test(p, record({ eventName: 'RunInstances', errorCode: 'Client.UnauthorizedOperation' })),
    ).to.equal(true);
    expect(test(p, record({ eventName: 'GetObject', errorCode: 'AccessDenied' }))).to.equal(true);
    expect(test(p, record({ eventName: 'HeadBucket', errorCode: 'AccessDenied' }))).to.equal(false);
    expect(
      test(
        p,
        record({
          eventName: 'PutObject',
          errorCode: 'AccessDenied',
          sourceIPAddress: 'delivery.logs.amazonaws.com',
        }),
      ),
    ).to.equal(false);
    expect(test(p, record({ eventName: 'DescribeInstances' }))).to.equal(false);
  });

  it('4.2 console sign-in without MFA', () => {
    const p =
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }';
    const login = (mfa: string) =>
      record({
        eventName: 'ConsoleLogin',
        eventSource: 'signin.amazonaws.com',
        eventType: 'AwsConsoleSignIn',
        additionalEventData: { MFAUsed: mfa },
        responseElements: { ConsoleLogin: 'Success' },
      });
    expect(test(p, login('No'))).to.equal(true);
    expect(test(p, login('Yes'))).to.equal(false);
  });

  it('4.3 usage of the root account', () => {
    const p =
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }';
    const root = {
      type: 'Root',
      principalId: account,
      arn: `arn:aws:iam::${account}:root`,
      accountId: account,
    };
    expect(test(p, record({ eventName: 'CreateAccessKey', userIdentity: root }))).to.equal(true);
    expect(
      test(
        p,
        record({
          eventName: 'CreateAccessKey',
          userIdentity: { ...root, invokedBy: 'cloudformation.amazonaws.com' },
        }),
      ),
    ).to.equal(false);
    expect(
      test(p, record({ eventName: 'CreateAccessKey', userIdentity: root, eventType: 'AwsServiceEvent' })),
    ).to.equal(false);
    expect(test(p, record({ eventName: 'CreateAccessKey' }))).to.equal(false);
  });

  it('4.4 IAM policy changes', () => {
    const names = [
      'DeleteGroupPolicy',
      'DeleteRolePolicy',
      'DeleteUserPolicy',
      'PutGroupPolicy',
      'PutRolePolicy',
      'PutUserPolicy',
      'CreatePolicy',
      'DeletePolicy',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'AttachUserPolicy',
      'DetachUserPolicy',
      'AttachGroupPolicy',
      'DetachGroupPolicy',
    ];
    const p = `{${names.map((n) => `($.eventName=${n})`).join('||')}}`;
    for (const n of names)
      expect(test(p, record({ eventName: n, eventSource: 'iam.amazonaws.com' })), n).to.equal(true);
    expect(test(p, record({ eventName: 'ListPolicies', eventSource: 'iam.amazonaws.com' }))).to.equal(false);
  });

  it('4.5 CloudTrail configuration changes', () => {
    const p =
      '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }';
    for (const n of ['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging']) {
      expect(test(p, record({ eventName: n, eventSource: 'cloudtrail.amazonaws.com' })), n).to.equal(true);
    }
    expect(test(p, record({ eventName: 'DescribeTrails' }))).to.equal(false);
  });

  it('4.6 console authentication failures and 4.7 disabled or deleted CMKs', () => {
    const failures = '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }';
    expect(
      test(failures, record({ eventName: 'ConsoleLogin', errorMessage: 'Failed authentication' })),
    ).to.equal(true);
    expect(test(failures, record({ eventName: 'ConsoleLogin' }))).to.equal(false);
    const cmk =
      '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }';
    expect(
      test(cmk, record({ eventSource: 'kms.amazonaws.com', eventName: 'ScheduleKeyDeletion' })),
    ).to.equal(true);
    expect(test(cmk, record({ eventSource: 'kms.amazonaws.com', eventName: 'Encrypt' }))).to.equal(false);
  });

  it('4.8 S3 bucket policy changes', () => {
    const p =
      '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }';
    expect(test(p, record({ eventSource: 's3.amazonaws.com', eventName: 'PutBucketPolicy' }))).to.equal(true);
    expect(test(p, record({ eventSource: 's3.amazonaws.com', eventName: 'GetBucketPolicy' }))).to.equal(
      false,
    );
    expect(test(p, record({ eventSource: 'ec2.amazonaws.com', eventName: 'PutBucketPolicy' }))).to.equal(
      false,
    );
  });

  it('4.10 security group changes and 4.11 NACL changes', () => {
    const sg =
      '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }';
    expect(test(sg, record({ eventName: 'AuthorizeSecurityGroupIngress' }))).to.equal(true);
    expect(test(sg, record({ eventName: 'DescribeSecurityGroups' }))).to.equal(false);
    const nacl =
      '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }';
    expect(test(nacl, record({ eventName: 'ReplaceNetworkAclEntry' }))).to.equal(true);
    expect(test(nacl, record({ eventName: 'CreateVpc' }))).to.equal(false);
  });

  it('4.9 AWS Config changes and 4.12-4.14 network gateway, route table and VPC changes', () => {
    const config =
      '{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }';
    expect(
      test(config, record({ eventSource: 'config.amazonaws.com', eventName: 'StopConfigurationRecorder' })),
    ).to.equal(true);
    const gateways =
      '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }';
    expect(test(gateways, record({ eventName: 'AttachInternetGateway' }))).to.equal(true);
    const routes =
      '{ ($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }';
    expect(test(routes, record({ eventName: 'CreateRoute' }))).to.equal(true);
    expect(test(routes, record({ eventName: 'CreateRoute', eventSource: 'other.amazonaws.com' }))).to.equal(
      false,
    );
    const vpc =
      '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }';
    expect(test(vpc, record({ eventName: 'DeleteVpc' }))).to.equal(true);
    expect(test(vpc, record({ eventName: 'DescribeVpcs' }))).to.equal(false);
  });

  it('4.15 AWS Organizations changes', () => {
    const p =
      '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "LeaveOrganization") || ($.eventName = "RemoveAccountFromOrganization")) }';
    expect(
      test(p, record({ eventSource: 'organizations.amazonaws.com', eventName: 'LeaveOrganization' })),
    ).to.equal(true);
    expect(
      test(p, record({ eventSource: 'organizations.amazonaws.com', eventName: 'DescribeOrganization' })),
    ).to.equal(false);
  });
});
