import type { ServiceDefinition } from '../../context.js';
import { seedIamAccount } from './seed.js';

export const iamService: ServiceDefinition = {
  name: 'iam',
  eventSource: 'iam.amazonaws.com',
  globalEvents: true,
  handlers: {},
  seedAccount: seedIamAccount,
};
