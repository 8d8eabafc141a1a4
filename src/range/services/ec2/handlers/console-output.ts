import { createHash } from 'node:crypto';
import type { GetConsoleOutputRequest, GetConsoleOutputResult } from '@aws-sdk/client-ec2';
import type { CallContext } from '../../../context.js';
import { find, kinds } from '../resources.js';
import { ec2Of, type InstanceRecord } from '../store.js';
import { delays } from './instances.js';

/**
 * What the range's instances print while they boot: the kernel banner, cloud-init's summary and the
 * SSH host key fingerprints responders compare with what their SSH client saw. The fingerprints are
 * derived from the instance id, so each instance keeps the same ones.
 */
function bootLog(inst: InstanceRecord, hostname: string): string {
  const fp = (alg: string) =>
    createHash('sha256').update(`${alg}:${inst.id}`).digest('base64').replace(/=+$/, '');
  const booted = new Date(inst.launchTime.getTime() + delays.launch).toISOString();
  return [
    '[    0.000000] Linux version 6.1.0 (range) #1 SMP',
    `[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz root=LABEL=/ console=ttyS0`,
    `Cloud-init v. 22.2.2 running 'init' at ${booted}. Up 4.12 seconds.`,
    `ci-info: +++++++++++++++++++++++Net device info+++++++++++++++++++++++`,
    `ci-info: | eth0 | True | ${inst.privateIp} | ${inst.macAddress} |`,
    '-----BEGIN SSH HOST KEY FINGERPRINTS-----',
    `256 SHA256:${fp('ecdsa')} no comment (ECDSA)`,
    `256 SHA256:${fp('ed25519')} no comment (ED25519)`,
    '-----END SSH HOST KEY FINGERPRINTS-----',
    `Cloud-init v. 22.2.2 finished at ${booted}. Datasource DataSourceEc2.  Up 9.87 seconds`,
    '',
    `Amazon Linux 2023`,
    `Kernel 6.1.0 on an x86_64 (-)`,
    '',
    `${hostname} login: `,
  ].join('\r\n');
}

/**
 * The console output, base64 as EC2 sends it. An instance that has not finished booting has printed
 * nothing yet (Output absent); `Latest` makes no difference on the range, whose output is the boot log.
 */
export function getConsoleOutput(ctx: CallContext, input: GetConsoleOutputRequest): GetConsoleOutputResult {
  const s = ec2Of(ctx);
  const inst = find(s.instances, kinds.instance, input.InstanceId);
  if (inst.launchTime.getTime() + delays.launch > ctx.now.getTime()) {
    return { InstanceId: inst.id, Timestamp: ctx.now };
  }
  const hostname = `ip-${inst.privateIp.replace(/\./g, '-')}`;
  return {
    InstanceId: inst.id,
    Output: Buffer.from(bootLog(inst, hostname)).toString('base64'),
    Timestamp: new Date(inst.launchTime.getTime() + delays.launch),
  };
}
