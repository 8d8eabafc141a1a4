/**
 * Names a defence template gives its resources itself (`FunctionName: team-ssh-revert`,
 * `RoleName: !Sub '${AWS::StackName}-revert'`), where CloudFormation would otherwise name them after the
 * stack. The prefix scoping covers the names CloudFormation gives; a name the template gives is granted
 * by name, so that a least-privileged deploy of such a defence does not fail half-way.
 */
import type { CfnTemplate } from '../scenario/cfn-template.js';

/** Resource types whose name property scopes the actions on them, and the input member naming it. */
const NAME_PROPERTY: Readonly<Record<string, { property: string; member: string }>> = {
  'AWS::Lambda::Function': { property: 'FunctionName', member: 'FunctionName' },
  'AWS::Events::Rule': { property: 'Name', member: 'Name' },
  'AWS::IAM::Role': { property: 'RoleName', member: 'RoleName' },
};

export interface GivenName {
  type: string;
  /** An input that names the resource, as a call would (`{ FunctionName: 'team-*' }`). */
  input: Record<string, string>;
  name: string;
}

/**
 * A literal name, or a `!Sub` one with the stack's name in the prefix's pattern (`sirs-{{stack}}`) and
 * any other value as a placeholder (which becomes `*`). A `!Ref` or any other intrinsic names nothing.
 */
export function givenName(value: unknown, prefix: string): string | undefined {
  if (typeof value === 'string') return value || undefined;
  const sub = (value as { 'Fn::Sub'?: unknown } | null)?.['Fn::Sub'];
  const text = typeof sub === 'string' ? sub : Array.isArray(sub) ? sub[0] : undefined;
  if (typeof text !== 'string' || text === '') return undefined;
  return text.replace(/\$\{AWS::StackName\}/g, `${prefix}-{{stack}}`).replace(/\$\{[^}]*\}/g, '{{value}}');
}

/** The resources of a template that it names itself, by type. */
export function givenNames(template: CfnTemplate, prefix: string): GivenName[] {
  const names: GivenName[] = [];
  for (const { type, properties } of template.resources.values()) {
    const how = NAME_PROPERTY[type];
    const name = how ? givenName(properties[how.property], prefix) : undefined;
    if (how && name) names.push({ type, input: { [how.member]: name }, name });
  }
  return names;
}
