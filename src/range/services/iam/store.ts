import { defineState } from '../../state.js';

export interface IamTag {
  Key: string;
  Value: string;
}

export interface IamUser {
  UserName: string;
  UserId: string;
  Arn: string;
  Path: string;
  CreateDate: Date;
  Tags: IamTag[];
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
  groups: string[];
  loginProfile?: { CreateDate: Date; PasswordResetRequired: boolean };
  mfaDevices: string[];
  PermissionsBoundary?: string;
}

export interface IamAccessKey {
  AccessKeyId: string;
  UserName: string;
  Status: 'Active' | 'Inactive';
  CreateDate: Date;
}

export interface IamState {
  users: Record<string, IamUser>;
  accessKeys: Record<string, IamAccessKey>;
}

/** IAM is global: one store per account. */
export const iamState = defineState<IamState>('iam', 'account', () => ({ users: {}, accessKeys: {} }));
