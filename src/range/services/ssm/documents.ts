import { createHash } from 'node:crypto';
import type {
  DescribeDocumentRequest,
  DescribeDocumentResult,
  DocumentDescription,
  GetDocumentRequest,
  GetDocumentResult,
} from '@aws-sdk/client-ssm';
import type { CallContext } from '../../context.js';
import { ServiceError } from '../../errors.js';
import { record } from '../../records.js';
import {
  describeCustomer,
  findCustomerDocument,
  getCustomerDocument,
  versionOf,
} from './customer-documents.js';
import { runbookDocuments } from './runbook-documents.js';

/** The AWS-owned SSM documents the range runs: what they take, and on which platforms. */
interface DocumentParameter {
  name: string;
  type: 'String' | 'StringList' | 'Boolean';
  description: string;
  default?: string;
  allowed?: string[];
}

export interface DocumentSpec {
  name: string;
  type: 'Command' | 'Automation';
  schemaVersion: string;
  description: string;
  platforms: Array<'Windows' | 'Linux' | 'MacOS'>;
  targetType: string;
  createdAt: Date;
  parameters: DocumentParameter[];
  /** The steps (plugins) a command document runs, or the steps of an automation. */
  steps: Array<{ name: string; action: string; platform?: 'Windows' | 'Linux' | 'MacOS' }>;
}

const commandsParameter: DocumentParameter = {
  name: 'commands',
  type: 'StringList',
  description: '(Required) Specify a shell script or a command to run.',
};

const automationParameters: DocumentParameter[] = [
  { name: 'InstanceId', type: 'StringList', description: '(Required) EC2 Instance(s) to act on' },
  {
    name: 'AutomationAssumeRole',
    type: 'String',
    description:
      '(Optional) The ARN of the role that allows Automation to perform the actions on your behalf.',
    default: '',
  },
];

export const documents: Record<string, DocumentSpec> = record({
  'AWS-RunPatchBaseline': {
    name: 'AWS-RunPatchBaseline',
    type: 'Command',
    schemaVersion: '2.2',
    description:
      'Scans for or installs patches from a patch baseline to a Linux or Windows operating system.',
    platforms: ['Windows', 'Linux', 'MacOS'],
    targetType: '/AWS::EC2::Instance',
    createdAt: new Date('2017-01-26T20:42:40.000Z'),
    parameters: [
      {
        name: 'Operation',
        type: 'String',
        description: '(Required) The update or configuration to perform on the instance.',
        default: 'Scan',
        allowed: ['Scan', 'Install'],
      },
      {
        name: 'SnapshotId',
        type: 'String',
        description: '(Optional) The snapshot ID to use to retrieve a patch baseline snapshot.',
        default: '',
      },
      {
        name: 'InstallOverrideList',
        type: 'String',
        description: '(Optional) An https URL or an S3 path-style URL to a list of patches to be installed.',
        default: '',
      },
      {
        name: 'BaselineOverride',
        type: 'String',
        description: '(Optional) Patch baseline override.',
        default: '',
      },
      {
        name: 'RebootOption',
        type: 'String',
        description: '(Optional) Reboot behavior after a patch Install operation.',
        default: 'RebootIfNeeded',
        allowed: ['RebootIfNeeded', 'NoReboot'],
      },
    ],
    steps: [
      { name: 'PatchWindows', action: 'aws:runPowerShellScript', platform: 'Windows' },
      { name: 'PatchLinux', action: 'aws:runShellScript', platform: 'Linux' },
      { name: 'PatchMacOS', action: 'aws:runShellScript', platform: 'MacOS' },
    ],
  },
  'AWS-RunShellScript': {
    name: 'AWS-RunShellScript',
    type: 'Command',
    schemaVersion: '1.2',
    description: 'Run a shell script or specify the commands to run.',
    platforms: ['Linux', 'MacOS'],
    targetType: '/AWS::EC2::Instance',
    createdAt: new Date('2016-08-08T18:48:36.000Z'),
    parameters: [
      commandsParameter,
      {
        name: 'workingDirectory',
        type: 'String',
        description: '(Optional) The path to the working directory on your instance.',
        default: '',
      },
      {
        name: 'executionTimeout',
        type: 'String',
        description: '(Optional) The time in seconds for a command to complete.',
        default: '3600',
      },
    ],
    steps: [{ name: 'aws:runShellScript', action: 'aws:runShellScript' }],
  },
  'AWS-RunPowerShellScript': {
    name: 'AWS-RunPowerShellScript',
    type: 'Command',
    schemaVersion: '1.2',
    description: 'Run a PowerShell script or specify the paths to scripts to run.',
    platforms: ['Windows', 'Linux', 'MacOS'],
    targetType: '/AWS::EC2::Instance',
    createdAt: new Date('2016-08-08T18:48:36.000Z'),
    parameters: [
      {
        ...commandsParameter,
        description:
          '(Required) Specify the commands to run or the paths to existing scripts on the instance.',
      },
      {
        name: 'workingDirectory',
        type: 'String',
        description: '(Optional) The path to the working directory on your instance.',
        default: '',
      },
      {
        name: 'executionTimeout',
        type: 'String',
        description: '(Optional) The time in seconds for a command to complete.',
        default: '3600',
      },
    ],
    steps: [{ name: 'aws:runPowerShellScript', action: 'aws:runPowerShellScript' }],
  },
  'AWS-StopEC2Instance': {
    name: 'AWS-StopEC2Instance',
    type: 'Automation',
    schemaVersion: '0.3',
    description: 'Stop EC2 instances',
    platforms: ['Windows', 'Linux', 'MacOS'],
    targetType: '/AWS::EC2::Instance',
    createdAt: new Date('2017-08-25T19:39:04.000Z'),
    parameters: automationParameters,
    steps: [{ name: 'stopInstances', action: 'aws:changeInstanceState' }],
  },
  'AWS-StartEC2Instance': {
    name: 'AWS-StartEC2Instance',
    type: 'Automation',
    schemaVersion: '0.3',
    description: 'Start EC2 instances',
    platforms: ['Windows', 'Linux', 'MacOS'],
    targetType: '/AWS::EC2::Instance',
    createdAt: new Date('2017-08-25T19:39:04.000Z'),
    parameters: automationParameters,
    steps: [{ name: 'startInstances', action: 'aws:changeInstanceState' }],
  },
  ...Object.fromEntries(runbookDocuments.map((d) => [d.name, d])),
});

/** A document by name or by its ARN (`arn:aws:ssm:<region>::document/AWS-RunShellScript`). */
export function findDocument(name: string | undefined): DocumentSpec {
  const short = (name ?? '').replace(/^arn:aws[a-z-]*:ssm:[^:]*:[^:]*:document\//, '');
  const doc = documents[short];
  if (!doc) throw new ServiceError('InvalidDocument', `Document with name ${name ?? ''} does not exist.`);
  return doc;
}

/** SendCommand and associations run the AWS-owned command documents only: say so for the account's own. */
export function refuseCustomerDocument(ctx: CallContext, name: string | undefined): void {
  if (!findCustomerDocument(ctx, name)) return;
  throw new ServiceError(
    'InvalidDocument',
    `${name ?? ''} is a document of this account: the range runs only AWS-owned command documents (AWS-RunShellScript, AWS-RunPowerShellScript, AWS-RunPatchBaseline).`,
  );
}

export function checkDocumentVersion(version: string | undefined): void {
  if (version === undefined || ['$DEFAULT', '$LATEST', '1'].includes(version)) return;
  throw new ServiceError('InvalidDocumentVersion', `Document version ${version} does not exist.`);
}

/** Check parameters against the document and fill in defaults, as SSM does before running it. */
export function resolveParameters(
  doc: DocumentSpec,
  given: Record<string, string[]> | undefined,
  errorCode = 'InvalidParameters',
) {
  const out: Record<string, string[]> = record();
  const declared = new Map(doc.parameters.map((p) => [p.name, p]));
  for (const name of Object.keys(given ?? {})) {
    if (!declared.has(name))
      throw new ServiceError(errorCode, `Parameter "${name}" is not defined in document ${doc.name}.`);
  }
  for (const p of doc.parameters) {
    const values = given?.[p.name];
    if (values === undefined || values.length === 0) {
      if (p.default === undefined)
        throw new ServiceError(errorCode, `Parameter "${p.name}" is required by document ${doc.name}.`);
      out[p.name] = [p.default];
      continue;
    }
    if (p.type !== 'StringList' && values.length > 1) {
      throw new ServiceError(
        errorCode,
        `Parameter "${p.name}" of document ${doc.name} takes a single value.`,
      );
    }
    if (p.allowed) {
      const bad = values.find((v) => !p.allowed?.includes(v));
      if (bad !== undefined) {
        throw new ServiceError(
          errorCode,
          `Parameter "${p.name}" has a value "${bad}" that is not in the allowed values: ${p.allowed.join(', ')}.`,
        );
      }
    }
    out[p.name] = values;
  }
  return out;
}

function contentOf(doc: DocumentSpec): string {
  const parameters = Object.fromEntries(
    doc.parameters.map((p) => [
      p.name,
      {
        type: p.type,
        description: p.description,
        ...(p.default !== undefined ? { default: p.default } : {}),
        ...(p.allowed ? { allowedValues: p.allowed } : {}),
      },
    ]),
  );
  const steps = doc.steps.map((s) => ({
    action: s.action,
    name: s.name,
    ...(s.platform ? { precondition: { StringEquals: ['platformType', s.platform] } } : {}),
  }));
  return JSON.stringify(
    { schemaVersion: doc.schemaVersion, description: doc.description, parameters, mainSteps: steps },
    null,
    2,
  );
}

function describe(doc: DocumentSpec): DocumentDescription {
  return {
    Name: doc.name,
    Hash: createHash('sha256').update(contentOf(doc)).digest('hex'),
    HashType: 'Sha256',
    Owner: 'Amazon',
    CreatedDate: doc.createdAt,
    Status: 'Active',
    DocumentVersion: '1',
    Description: doc.description,
    Parameters: doc.parameters.map((p) => ({
      Name: p.name,
      Type: p.type as 'String',
      Description: p.description,
      DefaultValue: p.default,
    })),
    PlatformTypes: doc.platforms,
    DocumentType: doc.type,
    SchemaVersion: doc.schemaVersion,
    LatestVersion: '1',
    DefaultVersion: '1',
    DocumentFormat: 'JSON',
    TargetType: doc.targetType,
  };
}

export function describeDocument(ctx: CallContext, input: DescribeDocumentRequest): DescribeDocumentResult {
  const own = findCustomerDocument(ctx, input.Name);
  if (own) return { Document: describeCustomer(ctx, own, versionOf(own, input.DocumentVersion)) };
  checkDocumentVersion(input.DocumentVersion);
  return { Document: describe(findDocument(input.Name)) };
}

export function getDocument(ctx: CallContext, input: GetDocumentRequest): GetDocumentResult {
  const own = findCustomerDocument(ctx, input.Name);
  if (own) return getCustomerDocument(own, versionOf(own, input.DocumentVersion), input.DocumentFormat);
  checkDocumentVersion(input.DocumentVersion);
  const doc = findDocument(input.Name);
  return {
    Name: doc.name,
    CreatedDate: doc.createdAt,
    DocumentVersion: '1',
    Status: 'Active',
    Content: contentOf(doc),
    DocumentType: doc.type,
    DocumentFormat: 'JSON',
  };
}
