import type { ServiceDefinition } from '../../context.js';
import * as account from './handlers/account.js';
import * as keys from './handlers/access-keys.js';
import * as attachments from './handlers/attachments.js';
import * as report from './handlers/credential-report.js';
import * as groups from './handlers/groups.js';
import * as inline from './handlers/inline-policies.js';
import * as profiles from './handlers/instance-profiles.js';
import * as logins from './handlers/login-profiles.js';
import * as managed from './handlers/managed-policies.js';
import * as mfa from './handlers/mfa.js';
import * as roles from './handlers/roles.js';
import * as simulator from './handlers/simulate.js';
import * as users from './handlers/users.js';
import * as boundaries from './handlers/boundaries.js';
import * as details from './handlers/authorization-details.js';
import * as certificates from './handlers/signing-certificates.js';
import * as serviceCredentials from './handlers/service-credentials.js';
import * as ssh from './handlers/ssh-keys.js';
import { seedIamAccount } from './seed.js';

export const iamService: ServiceDefinition = {
  name: 'iam',
  eventSource: 'iam.amazonaws.com',
  globalEvents: true,
  handlers: {
    CreateUser: users.createUser,
    GetUser: users.getUser,
    ListUsers: users.listUsers,
    DeleteUser: users.deleteUser,
    UpdateUser: users.updateUser,
    TagUser: users.tagUser,
    UntagUser: users.untagUser,
    ListUserTags: users.listUserTags,
    PutUserPermissionsBoundary: boundaries.putUserPermissionsBoundary,
    DeleteUserPermissionsBoundary: boundaries.deleteUserPermissionsBoundary,

    CreateGroup: groups.createGroup,
    GetGroup: groups.getGroup,
    ListGroups: groups.listGroups,
    DeleteGroup: groups.deleteGroup,
    AddUserToGroup: groups.addUserToGroup,
    RemoveUserFromGroup: groups.removeUserFromGroup,
    ListGroupsForUser: groups.listGroupsForUser,

    CreateRole: roles.createRole,
    GetRole: roles.getRole,
    ListRoles: roles.listRoles,
    DeleteRole: roles.deleteRole,
    UpdateRole: roles.updateRole,
    UpdateAssumeRolePolicy: roles.updateAssumeRolePolicy,
    TagRole: roles.tagRole,
    UntagRole: roles.untagRole,
    ListRoleTags: roles.listRoleTags,
    PutRolePermissionsBoundary: boundaries.putRolePermissionsBoundary,
    DeleteRolePermissionsBoundary: boundaries.deleteRolePermissionsBoundary,

    CreateInstanceProfile: profiles.createInstanceProfile,
    GetInstanceProfile: profiles.getInstanceProfile,
    DeleteInstanceProfile: profiles.deleteInstanceProfile,
    ListInstanceProfiles: profiles.listInstanceProfiles,
    ListInstanceProfilesForRole: profiles.listInstanceProfilesForRole,
    AddRoleToInstanceProfile: profiles.addRoleToInstanceProfile,
    RemoveRoleFromInstanceProfile: profiles.removeRoleFromInstanceProfile,

    PutUserPolicy: inline.putUserPolicy,
    GetUserPolicy: inline.getUserPolicy,
    DeleteUserPolicy: inline.deleteUserPolicy,
    ListUserPolicies: inline.listUserPolicies,
    PutGroupPolicy: inline.putGroupPolicy,
    GetGroupPolicy: inline.getGroupPolicy,
    DeleteGroupPolicy: inline.deleteGroupPolicy,
    ListGroupPolicies: inline.listGroupPolicies,
    PutRolePolicy: inline.putRolePolicy,
    GetRolePolicy: inline.getRolePolicy,
    DeleteRolePolicy: inline.deleteRolePolicy,
    ListRolePolicies: inline.listRolePolicies,

    CreatePolicy: managed.createPolicy,
    GetPolicy: managed.getPolicy,
    DeletePolicy: managed.deletePolicy,
    ListPolicies: managed.listPolicies,
    CreatePolicyVersion: managed.createPolicyVersion,
    GetPolicyVersion: managed.getPolicyVersion,
    ListPolicyVersions: managed.listPolicyVersions,
    DeletePolicyVersion: managed.deletePolicyVersion,
    SetDefaultPolicyVersion: managed.setDefaultPolicyVersion,

    AttachUserPolicy: attachments.attachUserPolicy,
    DetachUserPolicy: attachments.detachUserPolicy,
    ListAttachedUserPolicies: attachments.listAttachedUserPolicies,
    AttachGroupPolicy: attachments.attachGroupPolicy,
    DetachGroupPolicy: attachments.detachGroupPolicy,
    ListAttachedGroupPolicies: attachments.listAttachedGroupPolicies,
    AttachRolePolicy: attachments.attachRolePolicy,
    DetachRolePolicy: attachments.detachRolePolicy,
    ListAttachedRolePolicies: attachments.listAttachedRolePolicies,
    ListEntitiesForPolicy: attachments.listEntitiesForPolicy,

    CreateAccessKey: keys.createAccessKey,
    UpdateAccessKey: keys.updateAccessKey,
    DeleteAccessKey: keys.deleteAccessKey,
    ListAccessKeys: keys.listAccessKeys,
    GetAccessKeyLastUsed: keys.getAccessKeyLastUsed,

    UploadSSHPublicKey: ssh.uploadSSHPublicKey,
    GetSSHPublicKey: ssh.getSSHPublicKey,
    ListSSHPublicKeys: ssh.listSSHPublicKeys,
    UpdateSSHPublicKey: ssh.updateSSHPublicKey,
    DeleteSSHPublicKey: ssh.deleteSSHPublicKey,

    UploadSigningCertificate: certificates.uploadSigningCertificate,
    ListSigningCertificates: certificates.listSigningCertificates,
    UpdateSigningCertificate: certificates.updateSigningCertificate,
    DeleteSigningCertificate: certificates.deleteSigningCertificate,

    CreateServiceSpecificCredential: serviceCredentials.createServiceSpecificCredential,
    ListServiceSpecificCredentials: serviceCredentials.listServiceSpecificCredentials,
    ResetServiceSpecificCredential: serviceCredentials.resetServiceSpecificCredential,
    UpdateServiceSpecificCredential: serviceCredentials.updateServiceSpecificCredential,
    DeleteServiceSpecificCredential: serviceCredentials.deleteServiceSpecificCredential,

    CreateLoginProfile: logins.createLoginProfile,
    GetLoginProfile: logins.getLoginProfile,
    UpdateLoginProfile: logins.updateLoginProfile,
    DeleteLoginProfile: logins.deleteLoginProfile,

    ListMFADevices: mfa.listMFADevices,
    CreateVirtualMFADevice: mfa.createVirtualMFADevice,
    EnableMFADevice: mfa.enableMFADevice,
    DeactivateMFADevice: mfa.deactivateMFADevice,
    DeleteVirtualMFADevice: mfa.deleteVirtualMFADevice,
    ListVirtualMFADevices: mfa.listVirtualMFADevices,

    GetAccountSummary: account.getAccountSummary,
    GetAccountAuthorizationDetails: details.getAccountAuthorizationDetails,
    CreateAccountAlias: account.createAccountAlias,
    DeleteAccountAlias: account.deleteAccountAlias,
    ListAccountAliases: account.listAccountAliases,
    GetAccountPasswordPolicy: account.getAccountPasswordPolicy,
    UpdateAccountPasswordPolicy: account.updateAccountPasswordPolicy,
    DeleteAccountPasswordPolicy: account.deleteAccountPasswordPolicy,

    GenerateCredentialReport: report.generateCredentialReport,
    GetCredentialReport: report.getCredentialReport,

    SimulatePrincipalPolicy: simulator.simulatePrincipalPolicy,
    SimulateCustomPolicy: simulator.simulateCustomPolicy,
  },
  seedAccount: seedIamAccount,
};
