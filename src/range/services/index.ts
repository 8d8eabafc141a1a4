import type { ServiceDefinition } from '../context.js';
import { cloudformationService } from './cloudformation/index.js';
import { cloudTrailService } from './cloudtrail/index.js';
import { configService } from './config/index.js';
import { ec2Service } from './ec2/index.js';
import { eventsService } from './events/index.js';
import { iamService } from './iam/index.js';
import { kmsService } from './kms/index.js';
import { lambdaService } from './lambda/index.js';
import { logsService } from './logs/index.js';
import { monitoringService } from './monitoring/index.js';
import { s3Service } from './s3/index.js';
import { s3ControlService } from './s3control/index.js';
import { snsService } from './sns/index.js';
import { ssmService } from './ssm/index.js';
import { stsService } from './sts/index.js';

/** Every service the range emulates: an explicit list, no registration by import side effect. */
export const rangeServices: readonly ServiceDefinition[] = [
  stsService,
  iamService,
  kmsService,
  ssmService,
  s3Service,
  s3ControlService,
  monitoringService,
  snsService,
  ec2Service,
  logsService,
  cloudTrailService,
  cloudformationService,
  eventsService,
  configService,
  lambdaService,
];
