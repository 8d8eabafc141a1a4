import type { ServiceDefinition } from '../../context.js';
import {
  createAssociation,
  deleteAssociation,
  describeAssociation,
  listAssociations,
} from './associations.js';
import { getAutomationExecution, startAutomationExecution } from './automation.js';
import { describeAutomationExecutions } from './automation-list.js';
import {
  cancelCommand,
  getCommandInvocation,
  listCommandInvocations,
  listCommands,
  sendCommand,
} from './commands.js';
import {
  listComplianceItems,
  listComplianceSummaries,
  listResourceComplianceSummaries,
} from './compliance.js';
import {
  createDocument,
  deleteDocument,
  listDocumentVersions,
  updateDocument,
  updateDocumentDefaultVersion,
} from './customer-documents.js';
import { listDocuments } from './document-list.js';
import { describeDocument, getDocument } from './documents.js';
import { describeInstanceInformation } from './instances.js';
import {
  addTagsToResource,
  describeParameters,
  getParametersByPath,
  listTagsForResource,
  removeTagsFromResource,
} from './parameter-search.js';
import {
  deleteParameter,
  deleteParameters,
  getParameter,
  getParameterHistory,
  getParameters,
  putParameter,
} from './parameters.js';
import {
  describeInstancePatches,
  describeInstancePatchStates,
  describeInstancePatchStatesForPatchGroup,
} from './patching.js';
import { ssmResources } from './resources.js';

export const ssmService: ServiceDefinition = {
  name: 'ssm',
  eventSource: 'ssm.amazonaws.com',
  handlers: {
    DescribeInstanceInformation: describeInstanceInformation,
    DescribeInstancePatchStates: describeInstancePatchStates,
    DescribeInstancePatchStatesForPatchGroup: describeInstancePatchStatesForPatchGroup,
    DescribeInstancePatches: describeInstancePatches,
    ListComplianceItems: listComplianceItems,
    ListComplianceSummaries: listComplianceSummaries,
    ListResourceComplianceSummaries: listResourceComplianceSummaries,
    SendCommand: sendCommand,
    GetCommandInvocation: getCommandInvocation,
    ListCommands: listCommands,
    ListCommandInvocations: listCommandInvocations,
    CancelCommand: cancelCommand,
    DescribeDocument: describeDocument,
    GetDocument: getDocument,
    ListDocuments: listDocuments,
    CreateDocument: createDocument,
    UpdateDocument: updateDocument,
    UpdateDocumentDefaultVersion: updateDocumentDefaultVersion,
    DeleteDocument: deleteDocument,
    ListDocumentVersions: listDocumentVersions,
    PutParameter: putParameter,
    GetParameter: getParameter,
    GetParameters: getParameters,
    GetParametersByPath: getParametersByPath,
    DeleteParameter: deleteParameter,
    DeleteParameters: deleteParameters,
    DescribeParameters: describeParameters,
    GetParameterHistory: getParameterHistory,
    AddTagsToResource: addTagsToResource,
    RemoveTagsFromResource: removeTagsFromResource,
    ListTagsForResource: listTagsForResource,
    CreateAssociation: createAssociation,
    DescribeAssociation: describeAssociation,
    DeleteAssociation: deleteAssociation,
    ListAssociations: listAssociations,
    StartAutomationExecution: startAutomationExecution,
    GetAutomationExecution: getAutomationExecution,
    DescribeAutomationExecutions: describeAutomationExecutions,
  },
  resources: ssmResources,
};
