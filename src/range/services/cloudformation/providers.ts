import { cloudTrailProviders } from '../cloudtrail/cfn.js';
import { configProviders } from '../config/cfn.js';
import { ec2Providers } from '../ec2/cfn.js';
import { eventsProviders } from '../events/cfn.js';
import { iamProviders } from '../iam/cfn.js';
import { kmsProviders } from '../kms/cfn.js';
import { lambdaProviders } from '../lambda/cfn.js';
import { logsProviders } from '../logs/cfn.js';
import { monitoringProviders } from '../monitoring/cfn.js';
import { s3Providers } from '../s3/cfn.js';
import { snsProviders } from '../sns/cfn.js';
import { ssmProviders } from '../ssm/cfn.js';
import { cloudFormationProviders } from './cfn.js';
import type { ProviderTable } from './provider.js';
import { record } from '../../records.js';

/**
 * Every resource type the range's CloudFormation can create: one explicit table, each entry from the
 * `cfn.ts` beside the service that backs it. A type missing here fails its stack with a clear reason.
 */
export const resourceProviders: ProviderTable = record({
  ...cloudFormationProviders,
  ...ec2Providers,
  ...s3Providers,
  ...iamProviders,
  ...cloudTrailProviders,
  ...logsProviders,
  ...kmsProviders,
  ...ssmProviders,
  ...monitoringProviders,
  ...snsProviders,
  ...configProviders,
  ...eventsProviders,
  ...lambdaProviders,
});
