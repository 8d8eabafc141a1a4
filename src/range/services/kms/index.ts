import type { ServiceDefinition } from '../../context.js';
import { createAlias, deleteAlias, listAliases, updateAlias } from './aliases.js';
import {
  decrypt,
  encrypt,
  generateDataKey,
  generateDataKeyWithoutPlaintext,
  generateRandom,
  reEncrypt,
} from './crypto.js';
import {
  cancelKeyDeletion,
  createKey,
  describeKey,
  disableKey,
  enableKey,
  listKeys,
  scheduleKeyDeletion,
  updateKeyDescription,
} from './lifecycle.js';
import {
  disableKeyRotation,
  enableKeyRotation,
  getKeyPolicy,
  getKeyRotationStatus,
  listKeyPolicies,
  putKeyPolicy,
} from './policies.js';
import { keyPolicy } from './key-policy.js';
import { listResourceTags, tagResource, untagResource } from './tags.js';

export const kmsService: ServiceDefinition = {
  name: 'kms',
  eventSource: 'kms.amazonaws.com',
  handlers: {
    CreateKey: createKey,
    DescribeKey: describeKey,
    ListKeys: listKeys,
    EnableKey: enableKey,
    DisableKey: disableKey,
    ScheduleKeyDeletion: scheduleKeyDeletion,
    CancelKeyDeletion: cancelKeyDeletion,
    UpdateKeyDescription: updateKeyDescription,
    CreateAlias: createAlias,
    UpdateAlias: updateAlias,
    DeleteAlias: deleteAlias,
    ListAliases: listAliases,
    GetKeyPolicy: getKeyPolicy,
    PutKeyPolicy: putKeyPolicy,
    ListKeyPolicies: listKeyPolicies,
    GetKeyRotationStatus: getKeyRotationStatus,
    EnableKeyRotation: enableKeyRotation,
    DisableKeyRotation: disableKeyRotation,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListResourceTags: listResourceTags,
    Encrypt: encrypt,
    Decrypt: decrypt,
    ReEncrypt: reEncrypt,
    GenerateDataKey: generateDataKey,
    GenerateDataKeyWithoutPlaintext: generateDataKeyWithoutPlaintext,
    GenerateRandom: generateRandom,
  },
  resourcePolicy: keyPolicy,
};
