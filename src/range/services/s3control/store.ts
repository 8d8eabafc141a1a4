import type { PublicAccessBlockConfiguration } from '@aws-sdk/client-s3-control';
import { defineState } from '../../state.js';

/** Account-level S3 settings (S3 Control): Block Public Access for every bucket the account owns. */
export interface S3ControlState {
  publicAccessBlock?: PublicAccessBlockConfiguration;
}

export const s3ControlState = defineState<S3ControlState>('s3control', 'account', () => ({}));
