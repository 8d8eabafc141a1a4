import type { EventResource } from '../../context.js';

/**
 * What a call touched, for LookupEvents' ResourceType/ResourceName: `Name` is a parameter for the
 * parameter operations but a document for SendCommand and State Manager, so a flat member table is not enough.
 */
const PARAMETER_OPS = new Set([
  'PutParameter',
  'GetParameter',
  'DeleteParameter',
  'GetParameterHistory',
  'GetParameters',
  'DeleteParameters',
]);

export function ssmResources(
  operation: string,
  input: Record<string, unknown>,
  output: unknown,
): EventResource[] {
  const out: EventResource[] = [];
  const add = (type: string, name: unknown) => {
    if (
      typeof name === 'string' &&
      name &&
      !out.some((r) => r.ResourceType === type && r.ResourceName === name)
    ) {
      out.push({ ResourceType: type, ResourceName: name });
    }
  };
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  if (PARAMETER_OPS.has(operation)) {
    add('AWS::SSM::Parameter', input.Name);
    list(input.Names).forEach((n) => add('AWS::SSM::Parameter', n));
  } else if (
    operation.endsWith('TagsToResource') ||
    operation.endsWith('TagsFromResource') ||
    operation === 'ListTagsForResource'
  ) {
    if (input.ResourceType === 'Parameter') add('AWS::SSM::Parameter', input.ResourceId);
  } else {
    add('AWS::SSM::Document', input.DocumentName ?? input.Name);
    add(
      'AWS::SSM::Association',
      input.AssociationId ??
        (output as { AssociationDescription?: { AssociationId?: string } })?.AssociationDescription
          ?.AssociationId,
    );
  }
  add('AWS::EC2::Instance', input.InstanceId);
  list(input.InstanceIds).forEach((id) => add('AWS::EC2::Instance', id));
  // Instances named in Targets, and in an automation's InstanceId parameter (AWS-StopEC2Instance).
  for (const t of list(input.Targets) as Array<{ Key?: string; Values?: unknown }>) {
    if (t.Key === 'InstanceIds') list(t.Values).forEach((id) => add('AWS::EC2::Instance', id));
  }
  if (operation === 'StartAutomationExecution') {
    const params = (input.Parameters ?? {}) as Record<string, unknown>;
    list(params.InstanceId).forEach((id) => add('AWS::EC2::Instance', id));
  }
  return out;
}
