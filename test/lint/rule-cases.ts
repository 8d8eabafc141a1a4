/**
 * For every registered rule, a template that triggers it and one that does not (the resources only; see
 * `template()`). rules.test.ts fails when a rule of the registry has no entry here.
 */
export const RULE_CASES: Record<string, { bad: string; good: string; parameters?: string }> = {
  SG001: {
    bad: `  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIpv6: '::/0' }
`,
    good: `  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/24 }
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }
`,
  },
  SG002: {
    bad: `  Ingress:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: { GroupId: sg-123, IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 0.0.0.0/0 }
`,
    good: `  Ingress:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: { GroupId: sg-123, IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: sg-456 }
`,
  },
  SG003: {
    bad: `  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: all
      SecurityGroupIngress: [{ IpProtocol: '-1', CidrIp: 0.0.0.0/0 }]
`,
    good: `  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: all from the VPC
      SecurityGroupIngress: [{ IpProtocol: '-1', CidrIp: 10.0.0.0/16 }]
`,
  },
  SG004: {
    bad: `  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: game server
      SecurityGroupIngress: [{ IpProtocol: udp, FromPort: 27015, ToPort: 27015, CidrIp: 0.0.0.0/0 }]
`,
    good: `  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0 }]
`,
  },
  S3001: {
    bad: `  B:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: true }
`,
    good: `  B:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }
`,
  },
  S3002: {
    bad: `  B:
    Type: AWS::S3::Bucket
    Properties: { AccessControl: PublicRead }
`,
    good: `  B:
    Type: AWS::S3::Bucket
    Properties: { AccessControl: Private }
`,
  },
  S3003: {
    bad: `  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: data
      PolicyDocument:
        Statement: [{ Effect: Allow, Principal: { AWS: '*' }, Action: s3:GetObject, Resource: 'arn:aws:s3:::data/*' }]
`,
    good: `  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: data
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: '*'
            Action: s3:GetObject
            Resource: 'arn:aws:s3:::data/*'
            Condition: { StringEquals: { 'aws:SourceVpce': vpce-1a2b3c4d } }
`,
  },
  S3004: {
    bad: `  B:
    Type: AWS::S3::Bucket
`,
    good: `  B:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }]
`,
  },
  S3005: {
    bad: `  B:
    Type: AWS::S3::Bucket
`,
    good: `  B:
    Type: AWS::S3::Bucket
  P:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref B
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: '*'
            Action: 's3:*'
            Resource: [!GetAtt B.Arn, !Sub '\${B.Arn}/*']
            Condition: { Bool: { 'aws:SecureTransport': 'false' } }
`,
  },
  S3006: {
    bad: `  Logs:
    Type: AWS::S3::Bucket
  Data:
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration: { DestinationBucketName: !Ref Logs }
`,
    good: `  Logs:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: { Status: Enabled }
  Data:
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration: { DestinationBucketName: !Ref Logs }
`,
  },
  CT001: {
    bad: `  T:
    Type: AWS::CloudTrail::Trail
    Properties: { IsLogging: false, S3BucketName: logs }
`,
    good: `  T:
    Type: AWS::CloudTrail::Trail
    Properties: { IsLogging: true, S3BucketName: logs }
`,
  },
  CT002: {
    bad: `  T:
    Type: AWS::CloudTrail::Trail
    Properties: { IsLogging: true, S3BucketName: logs }
`,
    good: `  T:
    Type: AWS::CloudTrail::Trail
    Properties: { IsLogging: true, S3BucketName: logs, IsMultiRegionTrail: true }
`,
  },
  CT003: {
    bad: `  T:
    Type: AWS::CloudTrail::Trail
    Properties: { IsLogging: true, S3BucketName: logs, EnableLogFileValidation: false }
`,
    good: `  T:
    Type: AWS::CloudTrail::Trail
    Properties: { IsLogging: true, S3BucketName: logs, EnableLogFileValidation: true }
`,
  },
  CT004: {
    bad: `  T:
    Type: AWS::CloudTrail::Trail
    Properties: { IsLogging: true, S3BucketName: logs }
`,
    good: `  T:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      S3BucketName: logs
      CloudWatchLogsLogGroupArn: !GetAtt G.Arn
      CloudWatchLogsRoleArn: arn:aws:iam::123456789012:role/trail
  G:
    Type: AWS::Logs::LogGroup
`,
  },
  CT005: {
    bad: `  T:
    Type: AWS::CloudTrail::Trail
    Properties: { IsLogging: true, S3BucketName: logs }
`,
    good: `  T:
    Type: AWS::CloudTrail::Trail
    Properties: { IsLogging: true, S3BucketName: logs, KMSKeyId: !Ref K }
  K:
    Type: AWS::KMS::Key
    Properties: { EnableKeyRotation: true }
`,
  },
  IAM001: {
    bad: `  U:
    Type: AWS::IAM::User
    Properties:
      ManagedPolicyArns: [!Sub 'arn:\${AWS::Partition}:iam::aws:policy/AdministratorAccess']
`,
    good: `  U:
    Type: AWS::IAM::User
    Properties:
      ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess']
`,
  },
  IAM002: {
    bad: `  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: { Statement: [{ Effect: Allow, Action: '*', Resource: '*' }] }
`,
    good: `  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: { Statement: [{ Effect: Allow, Action: 's3:GetObject', Resource: '*' }] }
`,
  },
  IAM003: {
    bad: `  U:
    Type: AWS::IAM::User
  K:
    Type: AWS::IAM::AccessKey
    Properties: { UserName: !Ref U }
`,
    good: `  U:
    Type: AWS::IAM::User
`,
  },
  IAM004: {
    bad: `  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] }
`,
    good: `  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: '*' }
            Action: 'sts:AssumeRole'
            Condition: { StringEquals: { 'aws:PrincipalOrgID': o-abc123 } }
`,
  },
  IAM005: {
    bad: `  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'sts:AssumeRole' }] }
`,
    good: `  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: 'arn:aws:iam::999988887777:root' }
            Action: 'sts:AssumeRole'
            Condition: { StringEquals: { 'sts:ExternalId': vendor-7f3a } }
          - Effect: Allow
            Principal: { AWS: !Sub 'arn:aws:iam::\${AWS::AccountId}:root' }
            Action: 'sts:AssumeRole'
`,
  },
  KMS001: {
    bad: `  K:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy: { Statement: [{ Effect: Allow, Principal: '*', Action: 'kms:*', Resource: '*' }] }
`,
    good: `  K:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy: { Statement: [{ Effect: Allow, Principal: { AWS: !Sub 'arn:aws:iam::\${AWS::AccountId}:root' }, Action: 'kms:*', Resource: '*' }] }
`,
  },
  KMS002: {
    bad: `  K:
    Type: AWS::KMS::Key
`,
    good: `  K:
    Type: AWS::KMS::Key
    Properties: { EnableKeyRotation: 'true' }
`,
  },
  KMS003: {
    bad: `  K:
    Type: AWS::KMS::Key
    Properties: { EnableKeyRotation: true, PendingWindowInDays: 7 }
`,
    good: `  K:
    Type: AWS::KMS::Key
    Properties: { EnableKeyRotation: true, PendingWindowInDays: 30 }
`,
  },
  VPC001: {
    bad: `  V:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
`,
    good: `  V:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  F:
    Type: AWS::EC2::FlowLog
    Properties: { ResourceId: !Ref V, ResourceType: VPC, TrafficType: ALL, LogDestinationType: s3, LogDestination: 'arn:aws:s3:::flow' }
`,
  },
  NACL001: {
    bad: `  E:
    Type: AWS::EC2::NetworkAclEntry
    Properties: { NetworkAclId: acl-1, RuleNumber: 100, Protocol: -1, RuleAction: allow, Egress: false, Ipv6CidrBlock: '::/0' }
`,
    good: `  E:
    Type: AWS::EC2::NetworkAclEntry
    Properties: { NetworkAclId: acl-1, RuleNumber: 100, Protocol: 6, RuleAction: allow, Egress: false, CidrBlock: 0.0.0.0/0, PortRange: { From: 443, To: 443 } }
`,
  },
  EBS001: {
    bad: `  V:
    Type: AWS::EC2::Volume
    Properties: { AvailabilityZone: us-east-1a, Size: 8 }
`,
    good: `  V:
    Type: AWS::EC2::Volume
    Properties: { AvailabilityZone: us-east-1a, Size: 8, Encrypted: true }
`,
  },
  EBS002: {
    bad: `  S:
    Type: AWS::EC2::SnapshotBlockPublicAccess
    Properties: { State: unblocked }
`,
    good: `  S:
    Type: AWS::EC2::SnapshotBlockPublicAccess
    Properties: { State: block-all-sharing }
`,
  },
  RDS001: {
    bad: `  Db:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: postgres, DBInstanceClass: db.t3.micro, StorageEncrypted: true, PubliclyAccessible: true }
`,
    good: `  Db:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: postgres, DBInstanceClass: db.t3.micro, StorageEncrypted: true, PubliclyAccessible: false }
`,
  },
  RDS002: {
    bad: `  Db:
    Type: AWS::RDS::DBCluster
    Properties: { Engine: aurora-postgresql }
`,
    good: `  Db:
    Type: AWS::RDS::DBCluster
    Properties: { Engine: aurora-postgresql, StorageEncrypted: true }
`,
  },
  LMB001: {
    bad: `  P:
    Type: AWS::Lambda::Permission
    Properties: { FunctionName: f, Action: 'lambda:InvokeFunction', Principal: '*' }
`,
    good: `  P:
    Type: AWS::Lambda::Permission
    Properties: { FunctionName: f, Action: 'lambda:InvokeFunction', Principal: s3.amazonaws.com, SourceAccount: !Ref AWS::AccountId }
`,
  },
  SSM001: {
    bad: `  Scan:
    Type: AWS::SSM::Association
    Properties: { Name: AWS-RunPatchBaseline, Parameters: { Operation: [Scan] } }
`,
    good: `  Scan:
    Type: AWS::SSM::Association
    Properties: { Name: AWS-RunPatchBaseline, Parameters: { Operation: [Scan] } }
  Install:
    Type: AWS::SSM::Association
    Properties: { Name: AWS-RunPatchBaseline, ScheduleExpression: 'cron(0 4 ? * SUN *)', Parameters: { Operation: [Install] } }
`,
  },
  LINT001: {
    bad: `  B:
    Type: AWS::S3::Bucket
    Metadata: { sirs: { ignore: [{ rule: S3004 }] } }
`,
    good: `  B:
    Type: AWS::S3::Bucket
    Metadata: { sirs: { ignore: [{ rule: S3004, reason: SSE-S3 is enough for this public data }] } }
`,
  },
  LINT002: {
    bad: `  B:
    Type: AWS::S3::Bucket
    Metadata: { sirs: { ignore: [{ rule: S3999, reason: typo }] } }
`,
    good: `  B:
    Type: AWS::S3::Bucket
    Metadata: { sirs: { ignore: [{ rule: S3005, reason: served through CloudFront over TLS only }] } }
`,
  },
};

Object.assign(RULE_CASES, {
  IAM006: {
    bad: `  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: all-but-iam
      Roles: [app]
      PolicyDocument: { Statement: [{ Effect: Allow, NotAction: 'iam:*', Resource: '*' }] }
`,
    good: `  P:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: no-iam
      Roles: [app]
      PolicyDocument: { Statement: [{ Effect: Deny, NotAction: 's3:GetObject', Resource: '*' }] }
`,
  },
  EBS003: {
    bad: `  Lt:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        BlockDeviceMappings: [{ DeviceName: /dev/xvda, Ebs: { VolumeSize: 20, Encrypted: false } }]
`,
    good: `  Lt:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        BlockDeviceMappings: [{ DeviceName: /dev/xvda, Ebs: { VolumeSize: 20, Encrypted: true } }]
`,
  },
  RDS003: {
    bad: `  Db:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: mysql, DBInstanceClass: db.t3.micro, StorageEncrypted: true, MasterUsername: admin, MasterUserPassword: !Ref DbPassword }
`,
    parameters: 'Parameters:\n  DbPassword: { Type: String, NoEcho: true, Default: hunter2hunter2 }\n',
    good: `  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
      DBInstanceClass: db.t3.micro
      StorageEncrypted: true
      MasterUsername: admin
      MasterUserPassword: '{{resolve:secretsmanager:prod/db:SecretString:password}}'
`,
  },
  LMB002: {
    bad: `  U:
    Type: AWS::Lambda::Url
    Properties: { TargetFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', AuthType: NONE }
`,
    good: `  U:
    Type: AWS::Lambda::Url
    Properties: { TargetFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', AuthType: AWS_IAM }
`,
  },
});
