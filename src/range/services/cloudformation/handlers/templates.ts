import type {
  GetTemplateInput,
  GetTemplateOutput,
  GetTemplateSummaryInput,
  GetTemplateSummaryOutput,
  ValidateTemplateInput,
  ValidateTemplateOutput,
} from '@aws-sdk/client-cloudformation';
import type { CallContext } from '../../../context.js';
import { loadTemplate, requiredCapabilities } from '../prepare.js';
import { cloudFormationState } from '../store.js';
import { parseTemplateBody } from '../template/parse.js';
import type { Json, Template } from '../template/types.js';
import { findStack, templateBodyOf, validation, type CloudFormationEnv } from './common.js';

function scalar(v: Json | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v.join(',') : String(v);
}

function capabilityFields(template: Template, env: CloudFormationEnv) {
  const { capabilities, types } = requiredCapabilities(template, env.providers);
  if (!capabilities.length) return {};
  return {
    Capabilities: capabilities as ValidateTemplateOutput['Capabilities'],
    CapabilitiesReason: `The following resource(s) require capabilities: [${types.join(', ')}]`,
  };
}

export function validateTemplate(env: CloudFormationEnv) {
  return async (ctx: CallContext, input: ValidateTemplateInput): Promise<ValidateTemplateOutput> => {
    const template = loadTemplate(await templateBodyOf(ctx, input), env.providers);
    return {
      Parameters: Object.entries(template.Parameters).map(([key, p]) => ({
        ParameterKey: key,
        DefaultValue: scalar(p.Default),
        NoEcho: p.NoEcho ?? false,
        Description: p.Description,
      })),
      Description: template.Description,
      ...capabilityFields(template, env),
      DeclaredTransforms: [],
    };
  };
}

export function getTemplateSummary(env: CloudFormationEnv) {
  return async (ctx: CallContext, input: GetTemplateSummaryInput): Promise<GetTemplateSummaryOutput> => {
    const body = input.StackName
      ? findStack(ctx, input.StackName).templateBody
      : await templateBodyOf(ctx, input);
    const template = loadTemplate(body, env.providers);
    const byType = new Map<string, string[]>();
    for (const [id, r] of Object.entries(template.Resources))
      byType.set(r.Type, [...(byType.get(r.Type) ?? []), id]);
    return {
      Parameters: Object.entries(template.Parameters).map(([key, p]) => ({
        ParameterKey: key,
        DefaultValue: scalar(p.Default),
        ParameterType: p.Type,
        NoEcho: p.NoEcho ?? false,
        Description: p.Description,
        ParameterConstraints: p.AllowedValues ? { AllowedValues: p.AllowedValues.map((v) => String(v)) } : {},
      })),
      Description: template.Description,
      ...capabilityFields(template, env),
      ResourceTypes: [...byType.keys()],
      Version: template.AWSTemplateFormatVersion,
      Metadata: template.Metadata === undefined ? undefined : JSON.stringify(template.Metadata),
      DeclaredTransforms: [],
      ResourceIdentifierSummaries: [...byType].map(([type, ids]) => ({
        ResourceType: type,
        LogicalResourceIds: ids,
      })),
    };
  };
}

export function getTemplate(ctx: CallContext, input: GetTemplateInput): GetTemplateOutput {
  let body: string;
  if (input.ChangeSetName) {
    const sets = Object.values(ctx.state(cloudFormationState).changeSets);
    const cs = input.ChangeSetName.startsWith('arn:')
      ? sets.find((c) => c.changeSetId === input.ChangeSetName)
      : sets.find(
          (c) =>
            c.changeSetName === input.ChangeSetName &&
            (c.stackName === input.StackName || c.stackId === input.StackName),
        );
    if (!cs) throw validation(`ChangeSet [${input.ChangeSetName}] does not exist`);
    body = cs.templateBody;
  } else {
    body = findStack(ctx, input.StackName).templateBody;
  }
  // No transforms run on the range, so the processed template is the original one, as JSON.
  const processed = input.TemplateStage === 'Processed';
  return {
    TemplateBody: processed ? JSON.stringify(parseTemplateBody(body)) : body,
    StagesAvailable: ['Original', 'Processed'],
  };
}
