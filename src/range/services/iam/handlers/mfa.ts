import type {
  CreateVirtualMFADeviceRequest,
  CreateVirtualMFADeviceResponse,
  DeactivateMFADeviceRequest,
  DeleteVirtualMFADeviceRequest,
  EnableMFADeviceRequest,
  ListMFADevicesRequest,
  ListMFADevicesResponse,
  ListVirtualMFADevicesRequest,
  ListVirtualMFADevicesResponse,
  User,
  VirtualMFADevice,
} from '@aws-sdk/client-iam';
import { randomBytes } from 'node:crypto';
import type { CallContext } from '../../../context.js';
import { ServiceError } from '../../../errors.js';
import {
  ROOT_MFA_OWNER,
  iamOf,
  keyOf,
  targetUser,
  type IamState,
  type IamVirtualMfaDevice,
} from '../store.js';
import { checks, mergeTags, pageOf, tagsOut } from '../validate.js';
import { userOut } from './users.js';

/*
 * Virtual MFA devices. Authentication codes are checked for form (six digits, two different codes),
 * not against the TOTP seed: responders enabling MFA on the range need no authenticator app.
 * The account root's device: AWS lets root manage it only in the console; on the range a root caller
 * names the root as user `root` in EnableMFADevice/DeactivateMFADevice. Root MFA drives
 * AccountMFAEnabled and the credential report's root row.
 */

const SERIAL = { re: /^[\w+=/:,.@-]+$/, text: '[\\w+=/:,.@-]+' };
const CODE = { re: /^\d+$/, text: '[\\d]+' };
const ROOT_USER_NAME = 'root';
/** A 1x1 PNG stands in for the QR code: the seed is what setting up an authenticator needs. */
const QR_PLACEHOLDER = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

function base32Seed(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return [...randomBytes(64)].map((b) => alphabet[b % 32]).join('');
}

function deviceNamed(iam: IamState, serial: string): IamVirtualMfaDevice {
  const d = iam.mfaDevices[serial];
  if (!d)
    throw new ServiceError('NoSuchEntity', `MFA Device with serial number ${serial} does not exist.`, 404);
  return d;
}

/** The owner an Enable/Deactivate call means: an IAM user's name, or the root (see above). */
function ownerNamed(
  ctx: CallContext,
  iam: IamState,
  userName: string,
): { owner: string; devices?: string[] } {
  if (ctx.principal.type === 'Root' && keyOf(userName) === ROOT_USER_NAME && !iam.users[ROOT_USER_NAME]) {
    return { owner: ROOT_MFA_OWNER };
  }
  const user = targetUser(ctx, iam, userName);
  return user ? { owner: user.UserName, devices: user.mfaDevices } : { owner: ROOT_MFA_OWNER };
}

export function createVirtualMFADevice(
  ctx: CallContext,
  input: CreateVirtualMFADeviceRequest,
): CreateVirtualMFADeviceResponse {
  const name = input.VirtualMFADeviceName ?? '';
  const path = input.Path ?? '/';
  checks().path('Path', input.Path).name('VirtualMFADeviceName', name, 226).tags('Tags', input.Tags).done();
  const iam = iamOf(ctx);
  const serial = `arn:aws:iam::${ctx.accountId}:mfa${path}${name}`;
  if (iam.mfaDevices[serial]) {
    throw new ServiceError(
      'EntityAlreadyExists',
      'MFADevice entity at the same path and name already exists.',
      409,
    );
  }
  const device: IamVirtualMfaDevice = {
    SerialNumber: serial,
    seed: base32Seed(),
    CreateDate: ctx.now,
    Tags: mergeTags([], input.Tags),
  };
  iam.mfaDevices[serial] = device;
  return {
    VirtualMFADevice: {
      SerialNumber: serial,
      Base32StringSeed: Buffer.from(device.seed, 'ascii'),
      QRCodePNG: QR_PLACEHOLDER,
      ...(device.Tags.length ? { Tags: tagsOut(device.Tags) } : {}),
    },
  };
}

export function enableMFADevice(ctx: CallContext, input: EnableMFADeviceRequest): Record<string, never> {
  checks()
    .name('UserName', input.UserName, 128)
    .string('SerialNumber', input.SerialNumber, { min: 9, max: 256, pattern: SERIAL })
    .string('AuthenticationCode1', input.AuthenticationCode1, { min: 6, max: 6, pattern: CODE })
    .string('AuthenticationCode2', input.AuthenticationCode2, { min: 6, max: 6, pattern: CODE })
    .done();
  const iam = iamOf(ctx);
  const who = ownerNamed(ctx, iam, input.UserName ?? '');
  const device = deviceNamed(iam, input.SerialNumber ?? '');
  if (device.owner) throw new ServiceError('EntityAlreadyExists', 'MFA Device is already in use.', 409);
  if (input.AuthenticationCode1 === input.AuthenticationCode2) {
    throw new ServiceError('InvalidAuthenticationCode', 'Authentication code for device is not valid.', 403);
  }
  device.owner = who.owner;
  device.EnableDate = ctx.now;
  who.devices?.push(device.SerialNumber);
  return {};
}

export function deactivateMFADevice(
  ctx: CallContext,
  input: DeactivateMFADeviceRequest,
): Record<string, never> {
  checks()
    .name('UserName', input.UserName, 128)
    .string('SerialNumber', input.SerialNumber, { min: 9, max: 256, pattern: SERIAL })
    .done();
  const iam = iamOf(ctx);
  const who = ownerNamed(ctx, iam, input.UserName ?? '');
  const device = deviceNamed(iam, input.SerialNumber ?? '');
  if (device.owner !== who.owner) {
    throw new ServiceError(
      'NoSuchEntity',
      `MFA Device with serial number ${device.SerialNumber} does not exist.`,
      404,
    );
  }
  delete device.owner;
  delete device.EnableDate;
  if (who.devices) who.devices.splice(who.devices.indexOf(device.SerialNumber), 1);
  return {};
}

export function deleteVirtualMFADevice(
  ctx: CallContext,
  input: DeleteVirtualMFADeviceRequest,
): Record<string, never> {
  checks().string('SerialNumber', input.SerialNumber, { min: 9, max: 256, pattern: SERIAL }).done();
  const iam = iamOf(ctx);
  const device = deviceNamed(iam, input.SerialNumber ?? '');
  if (device.owner) throw new ServiceError('DeleteConflict', 'MFA Device is still in use.', 409);
  delete iam.mfaDevices[device.SerialNumber];
  return {};
}

export function listMFADevices(ctx: CallContext, input: ListMFADevicesRequest): ListMFADevicesResponse {
  checks().name('UserName', input.UserName, 128).done();
  const iam = iamOf(ctx);
  const user = targetUser(ctx, iam, input.UserName);
  const owner = user?.UserName ?? ROOT_MFA_OWNER;
  const devices = Object.values(iam.mfaDevices).filter((d) => d.owner === owner);
  const { page, ...more } = pageOf(devices, input, ['ListMFADevices', owner]);
  return {
    MFADevices: page.map((d) => ({
      UserName: user?.UserName ?? ROOT_USER_NAME,
      SerialNumber: d.SerialNumber,
      EnableDate: d.EnableDate ?? d.CreateDate,
    })),
    ...more,
  };
}

function ownerOut(ctx: CallContext, iam: IamState, owner: string): User | undefined {
  if (owner === ROOT_MFA_OWNER) {
    return {
      UserId: ctx.accountId,
      Arn: `arn:aws:iam::${ctx.accountId}:root`,
      CreateDate: iam.createdAt ?? ctx.now,
    } as User;
  }
  const user = iam.users[keyOf(owner)];
  return user ? userOut(user, false) : undefined;
}

export function listVirtualMFADevices(
  ctx: CallContext,
  input: ListVirtualMFADevicesRequest,
): ListVirtualMFADevicesResponse {
  checks().oneOf('AssignmentStatus', input.AssignmentStatus, ['Assigned', 'Unassigned', 'Any']).done();
  const iam = iamOf(ctx);
  const status = input.AssignmentStatus ?? 'Any';
  const devices = Object.values(iam.mfaDevices)
    .filter((d) => status === 'Any' || (status === 'Assigned') === (d.owner !== undefined))
    .sort((a, b) => a.SerialNumber.localeCompare(b.SerialNumber));
  const { page, ...more } = pageOf(devices, input, ['ListVirtualMFADevices', status]);
  return {
    VirtualMFADevices: page.map((d): VirtualMFADevice => {
      const user = d.owner ? ownerOut(ctx, iam, d.owner) : undefined;
      return {
        SerialNumber: d.SerialNumber,
        ...(user ? { User: user } : {}),
        ...(d.EnableDate ? { EnableDate: d.EnableDate } : {}),
        ...(d.Tags.length ? { Tags: tagsOut(d.Tags) } : {}),
      };
    }),
    ...more,
  };
}
