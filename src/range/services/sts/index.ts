import type { ServiceDefinition } from '../../context.js';
import { assumeRole, getCallerIdentity, getSessionToken } from './handlers.js';

export const stsService: ServiceDefinition = {
  name: 'sts',
  eventSource: 'sts.amazonaws.com',
  globalEvents: true,
  handlers: {
    GetCallerIdentity: getCallerIdentity,
    AssumeRole: assumeRole,
    GetSessionToken: getSessionToken,
  },
};
