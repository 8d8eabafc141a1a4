/**
 * Who closed the loop: a person, the team's automation, or sirs' autopilot, read from the evidence that
 * met a phase (its CloudTrail principal, user agent and source) and the exercise's defences.
 *
 * - The autopilot signs its calls `exercise/<id> autopilot/1` and its acknowledgements "(sirs autopilot)".
 * - A Lambda function runs as its execution role with the function's name as the session name, so
 *   CloudTrail's principal is `arn:aws:sts::<account>:assumed-role/<role>/<function>`; a session named
 *   after one of the defences' functions (or signed by the Lambda runtime's SDK, `exec-env/AWS_Lambda`)
 *   is automation, with the chain EventBridge rule → function → call where the defences say which rule
 *   targets the function.
 * - Config remediation runs SSM Automation, whose calls AWS makes itself: the source (and user agent) is
 *   `ssm.amazonaws.com`; likewise other services acting for the team's automation. Which rule's
 *   remediation made a call: the calls of an AWS-owned runbook are known by its name, those of the
 *   team's own runbook are read from its `aws:executeAwsApi` steps in the defence's template.
 * - Anything else with a principal is a person (the aws CLI, the console, `sirs ack`).
 * Probe-dated evidence names nobody: the state changed, but no call says who changed it.
 */
import type { DefenseInventory } from '../exercise/defenses.js';
import type { Evidence, Responder } from './model.js';

export type { Responder, ResponderKind } from './model.js';

/** Services that act for a team's automation (CloudTrail sourceIPAddress / invokedBy). */
const AUTOMATION_SERVICES: Record<string, string> = {
  'ssm.amazonaws.com': 'SSM Automation',
  'config.amazonaws.com': 'AWS Config',
  'events.amazonaws.com': 'EventBridge',
  'lambda.amazonaws.com': 'Lambda',
};

/** AWS-owned remediation documents and the calls they make, to tell which Config rule acted. */
const DOCUMENT_CALLS: Record<string, readonly string[]> = {
  'AWS-DisablePublicAccessForSecurityGroup': ['RevokeSecurityGroupIngress'],
  'AWS-EnableCloudTrail': ['StartLogging', 'CreateTrail'],
  'AWSConfigRemediation-EnableCloudTrailLogFileValidation': ['UpdateTrail'],
  'AWS-DisableS3BucketPublicReadWrite': ['PutPublicAccessBlock', 'PutBucketPublicAccessBlock'],
  'AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock': [
    'PutPublicAccessBlock',
    'PutBucketPublicAccessBlock',
  ],
  'AWSConfigRemediation-ConfigureS3PublicAccessBlock': [
    'PutPublicAccessBlock',
    'PutAccountPublicAccessBlock',
  ],
  'AWSConfigRemediation-RevokeUnusedIAMUserCredentials': ['UpdateAccessKey', 'DeleteLoginProfile'],
};

const ASSUMED_ROLE = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/([^/]+)\/(.+)$/;

export interface ResponderContext {
  exerciseId: string;
  inventory: DefenseInventory;
}

/** Who the evidence shows acted; undefined when it names nobody (a probe saw the state change). */
export function responderOf(ev: Evidence, ctx: ResponderContext): Responder | undefined {
  if (ev.source === 'ack') {
    if (!ev.actor) return undefined;
    return ev.actor.endsWith('(sirs autopilot)')
      ? { kind: 'autopilot', principal: ev.actor }
      : { kind: 'person', principal: ev.actor };
  }
  if (ev.source !== 'cloudtrail') return undefined;
  const tokens = (ev.userAgent ?? '').split(/\s+/);
  if (tokens.includes(`exercise/${ctx.exerciseId}`)) {
    // sirs' own call (the inject) closes no loop.
    return tokens.includes('autopilot/1') ? { kind: 'autopilot', principal: ev.actor ?? 'sirs' } : undefined;
  }
  const call = ev.eventName;
  const service = AUTOMATION_SERVICES[ev.sourceIp ?? ''] ?? AUTOMATION_SERVICES[ev.userAgent ?? ''];
  if (service) {
    const principal = ev.actor ?? ev.sourceIp!;
    if (service === 'SSM Automation') return remediation(principal, call, ctx.inventory);
    return { kind: 'automation', principal, chain: [service, ...(call ? [call] : [])] };
  }
  const role = ASSUMED_ROLE.exec(ev.actor ?? '');
  if (role) {
    const [, roleName, sessionName] = role as unknown as [string, string, string];
    const fn = ctx.inventory.functions.find((f) => f.name === sessionName);
    const lambdaRuntime = tokens.some((t) => t.startsWith('exec-env/AWS_Lambda'));
    if (fn || lambdaRuntime) {
      const rules = ctx.inventory.rules.filter((r) => r.functions.includes(sessionName)).map((r) => r.name);
      return {
        kind: 'automation',
        principal: ev.actor!,
        via: `Lambda function ${sessionName} (role ${roleName})`,
        chain: [
          ...(rules.length ? [`EventBridge rule ${rules.join(' or ')}`] : []),
          `Lambda ${sessionName}`,
          ...(call ? [call] : []),
        ],
      };
    }
  }
  if (!ev.actor) return undefined;
  return { kind: 'person', principal: ev.actor };
}

/** Config remediation through SSM Automation: which Config rule's remediation made this call. */
function remediation(principal: string, call: string | undefined, inventory: DefenseInventory): Responder {
  const remediated = inventory.configRules.filter((r) => r.remediation);
  const callsOf = (r: (typeof remediated)[number]) => DOCUMENT_CALLS[r.remediation!] ?? r.remediationCalls;
  const byCall = call ? remediated.filter((r) => callsOf(r)?.includes(call)) : [];
  const rules = byCall.length ? byCall : remediated.length === 1 ? remediated : [];
  const rule = rules.length === 1 ? rules[0] : undefined;
  return {
    kind: 'automation',
    principal,
    via: rule ? `Config remediation of rule ${rule.name} (${rule.remediation})` : 'SSM Automation',
    chain: [
      ...(rule ? [`Config rule ${rule.name}`, `SSM Automation ${rule.remediation}`] : ['SSM Automation']),
      ...(call ? [call] : []),
    ],
  };
}

/** Whether a phase that asks for `by` is met by what `responder` did (the autopilot stands in for people). */
export function meetsBy(by: 'automation' | 'person' | undefined, responder: Responder | undefined): boolean {
  if (!by) return true;
  if (by === 'automation') return responder?.kind === 'automation';
  return responder?.kind === 'person' || responder?.kind === 'autopilot';
}

/** One line for terminals and reports: "the team's automation (rule → Lambda → call)". */
export function describeResponder(r: Responder | undefined): string {
  if (!r) return 'nobody identified (a probe saw the change; no CloudTrail call names who made it)';
  if (r.kind === 'autopilot') return `sirs' autopilot (${r.principal ?? 'sirs'})`;
  if (r.kind === 'person') return `a person: ${r.principal ?? 'unknown principal'}`;
  return `the team's automation${r.via ? `, ${r.via}` : ''}${r.chain?.length ? ` (${r.chain.join(' → ')})` : ''}`;
}
