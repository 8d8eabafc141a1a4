import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  RunInstancesCommand,
  type RunInstancesRequest,
} from '@aws-sdk/client-ec2';

/** A VPC with one subnet and one security group, for the EC2 responder tests. */
export async function network(
  ec2: EC2Client,
  cidr = '10.7',
): Promise<{ vpcId: string; subnetId: string; groupId: string }> {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: `${cidr}.0.0/16` }))).Vpc!.VpcId!;
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `${cidr}.1.0/24` })))
    .Subnet!.SubnetId!;
  const groupId = (
    await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'app', Description: 'app' }))
  ).GroupId!;
  return { vpcId, subnetId, groupId };
}

export async function launch(
  ec2: EC2Client,
  subnetId: string,
  extra: Partial<RunInstancesRequest> = {},
): Promise<string> {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-0abcdef1234567890',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetId,
      ...extra,
    }),
  );
  return out.Instances![0]!.InstanceId!;
}
