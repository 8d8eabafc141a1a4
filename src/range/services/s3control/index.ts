import type { ServiceDefinition } from '../../context.js';
import { deletePublicAccessBlock, getPublicAccessBlock, putPublicAccessBlock } from './handlers.js';

/**
 * S3 Control: account-level Block Public Access. Clients must not prefix the host with the account id
 * (the SDK v3 option `disableHostPrefix: true`; see test/range/s3-access.test.ts).
 */
export const s3ControlService: ServiceDefinition = {
  name: 's3control',
  eventSource: 's3.amazonaws.com',
  handlers: {
    GetPublicAccessBlock: getPublicAccessBlock,
    PutPublicAccessBlock: putPublicAccessBlock,
    DeletePublicAccessBlock: deletePublicAccessBlock,
  },
  // CloudTrail names the account-level calls after their IAM actions (s3:PutAccountPublicAccessBlock).
  eventNames: {
    GetPublicAccessBlock: 'GetAccountPublicAccessBlock',
    PutPublicAccessBlock: 'PutAccountPublicAccessBlock',
    DeletePublicAccessBlock: 'DeleteAccountPublicAccessBlock',
  },
  resources: () => [],
};
