/**
 * The one effectful applier: creates an exercise's stacks in parallel, records their outputs, then runs
 * the scenarios' inject actions. Every step is journaled before it is taken.
 */
import type { ApiSession } from '../aws/api.js';
import { awsErrorCode } from '../aws/api.js';
import type { Credentials, Target, UserAgent } from '../aws/target.js';
import { SirsError } from '../errors.js';
import type { JournalWriter } from './journal.js';
import type { ExerciseListener } from './events.js';
import { resolvePlaceholders, type InjectionPlan } from './plan.js';
import { followStack, sleep } from './stacks.js';
import { createdBy } from './undo.js';
import { KEY_PRINCIPAL } from '../scenario/schema.js';

export interface ApplyContext {
  plan: InjectionPlan;
  journal: JournalWriter;
  target: Target;
  /** sirs' own session (the facilitator's credentials). */
  session: ApiSession;
  userAgent: UserAgent;
  accountId: string;
  emit: ExerciseListener;
  signal: AbortSignal;
  pollMs: number;
}

export type StackOutputs = Record<string, Record<string, string>>;
/** Responses of inject actions that have an id, by scenario then action id (secrets included: memory only). */
export type ActionOutputs = Record<string, Record<string, Record<string, unknown>>>;

/** What injection produced, for the live phase: stack outputs, action results, keys actions created. */
export interface Injected {
  outputs: StackOutputs;
  actions: ActionOutputs;
  /** Access keys created by inject actions, by `<scenario>/<action id>`, for `as: key:<id>`. Never journaled. */
  keys: Map<string, Credentials>;
}

export class InjectionFailed extends SirsError {
  constructor(message: string, suggestions: string[] = []) {
    super('inject-failed', message, { suggestions });
  }
}

/** Apply a plan (or part of one); `into` collects the results of earlier parts (campaign stages). */
export async function applyPlan(ctx: ApplyContext, into?: Injected): Promise<Injected> {
  const injected: Injected = into ?? { outputs: {}, actions: {}, keys: new Map() };
  const outputs = injected.outputs;
  const results = await Promise.allSettled(ctx.plan.stacks.map((s) => createStack(ctx, s, outputs)));
  const failures = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => r.reason as unknown);
  const aborted = failures.find((f) => ctx.signal.aborted && !(f instanceof InjectionFailed));
  if (aborted !== undefined) throw aborted;
  if (failures.length) {
    const messages = failures.map((f) => (f instanceof Error ? f.message : String(f)));
    throw new InjectionFailed(messages.join('; '), ['everything created so far is torn down now']);
  }
  for (const action of ctx.plan.actions) {
    ctx.signal.throwIfAborted();
    await runAction(ctx, action, injected);
  }
  return injected;
}

async function createStack(
  ctx: ApplyContext,
  s: InjectionPlan['stacks'][number],
  outputs: StackOutputs,
): Promise<void> {
  ctx.journal.append({ type: 'stack.create-requested', scenario: s.scenario, stackName: s.stackName });
  ctx.emit({ type: 'stack.creating', scenario: s.scenario, stackName: s.stackName });
  try {
    await ctx.session.call(
      'cloudformation:CreateStack',
      {
        StackName: s.stackName,
        TemplateBody: s.templateBody,
        Parameters: Object.entries(s.parameters).map(([ParameterKey, ParameterValue]) => ({
          ParameterKey,
          ParameterValue,
        })),
        Capabilities: s.capabilities,
        Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })),
        // Keep a failed stack until sirs has read why it failed; teardown deletes it.
        OnFailure: 'ROLLBACK',
      },
      { abortSignal: ctx.signal },
    );
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const reason = `CloudFormation refused the stack: ${(err as Error).message}`;
    ctx.journal.append({ type: 'stack.failed', scenario: s.scenario, stackName: s.stackName, reason });
    ctx.emit({ type: 'stack.failed', scenario: s.scenario, stackName: s.stackName, reason });
    throw new InjectionFailed(`${s.scenario}: ${reason}`);
  }
  const outcome = await followStack(ctx.session, s.stackName, 'create', {
    pollMs: ctx.pollMs,
    signal: ctx.signal,
    emit: ctx.emit,
  });
  if (!outcome.ok) {
    ctx.journal.append({
      type: 'stack.failed',
      scenario: s.scenario,
      stackName: s.stackName,
      ...(outcome.stackId ? { stackId: outcome.stackId } : {}),
      reason: outcome.reason,
      ...(outcome.resource ? { resource: outcome.resource } : {}),
    });
    ctx.emit({
      type: 'stack.failed',
      scenario: s.scenario,
      stackName: s.stackName,
      reason: outcome.reason,
      resource: outcome.resource,
    });
    throw new InjectionFailed(
      `${s.scenario}: ${outcome.resource ? `${outcome.resource} failed: ` : ''}${outcome.reason}`,
    );
  }
  ctx.journal.append({
    type: 'stack.created',
    scenario: s.scenario,
    stackName: s.stackName,
    stackId: outcome.stackId ?? s.stackName,
  });
  ctx.journal.append({
    type: 'stack.outputs',
    scenario: s.scenario,
    stackName: s.stackName,
    outputs: outcome.outputs,
  });
  outputs[s.scenario] = outcome.outputs;
  ctx.emit({ type: 'stack.created', scenario: s.scenario, stackName: s.stackName, outputs: outcome.outputs });
}

async function runAction(
  ctx: ApplyContext,
  action: InjectionPlan['actions'][number],
  injected: Injected,
): Promise<void> {
  const values = {
    outputs: injected.outputs[action.scenario] ?? {},
    actions: injected.actions[action.scenario] ?? {},
    exerciseId: ctx.plan.exerciseId,
    accountId: ctx.accountId,
    region: ctx.target.region,
  };
  const as = resolvePlaceholders(action.as, values);
  const input = resolvePlaceholders(action.input, values);
  const id = action.id ? { id: action.id } : {};
  ctx.journal.append({
    type: 'action.started',
    scenario: action.scenario,
    index: action.index,
    call: action.call,
    as,
    ...id,
  });
  ctx.emit({ type: 'action.start', scenario: action.scenario, call: action.call, as });
  let output: Record<string, unknown>;
  try {
    output = await withPrincipal({ ...ctx, keys: injected.keys }, action.scenario, as, (session) =>
      session.call(action.call, input, { abortSignal: ctx.signal }),
    );
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const error = (err as Error).message;
    ctx.journal.append({
      type: 'action.failed',
      scenario: action.scenario,
      index: action.index,
      call: action.call,
      error,
    });
    ctx.emit({ type: 'action.failed', scenario: action.scenario, call: action.call, error });
    throw new InjectionFailed(`${action.scenario}: inject action ${action.call} failed: ${error}`);
  }
  // What it created is journaled first, so that teardown and `sirs cleanup` remove it whatever happens next.
  for (const c of createdBy(action.call, input, output, as)) {
    ctx.journal.append({
      type: 'action.created',
      scenario: action.scenario,
      index: action.index,
      resource: c.resource,
      undo: c.undo,
    });
  }
  if (action.id) {
    (injected.actions[action.scenario] ??= {})[action.id] = output;
    const key = output.AccessKey as { AccessKeyId?: string; SecretAccessKey?: string } | undefined;
    if (action.call === 'iam:CreateAccessKey' && key?.AccessKeyId && key.SecretAccessKey) {
      injected.keys.set(`${action.scenario}/${action.id}`, {
        accessKeyId: key.AccessKeyId,
        secretAccessKey: key.SecretAccessKey,
      });
    }
  }
  ctx.journal.append({
    type: 'action.done',
    scenario: action.scenario,
    index: action.index,
    call: action.call,
    ...id,
    // The journal writer redacts secrets (SecretAccessKey, passwords) from what it writes.
    ...(action.id ? { output } : {}),
  });
  ctx.emit({ type: 'action.done', scenario: action.scenario, call: action.call });
}

/**
 * Run `fn` as `as`: sirs itself, the account root (range only), or an IAM user of the scenario's
 * stack, through an access key created for this call and deleted right after it (its id is journaled,
 * never its secret, so teardown can remove it even after a crash).
 */
export async function withPrincipal<T>(
  ctx: Pick<ApplyContext, 'journal' | 'target' | 'session' | 'userAgent' | 'signal'> & {
    keys?: ReadonlyMap<string, Credentials>;
  },
  scenario: string,
  as: string,
  fn: (session: ApiSession) => Promise<T>,
): Promise<T> {
  if (as === 'default') return fn(ctx.session);
  const keyRef = KEY_PRINCIPAL.exec(as);
  if (keyRef) {
    const credentials = ctx.keys?.get(`${scenario}/${keyRef[1]}`);
    if (!credentials) {
      throw new SirsError(
        'no-such-key',
        `as: ${as} names no access key: no earlier inject action with id ${keyRef[1]} created one (iam:CreateAccessKey)`,
      );
    }
    const session = ctx.target.session({ userAgent: ctx.userAgent, as: credentials });
    try {
      return await retryingNewKey(ctx, () => fn(session));
    } finally {
      session.destroy();
    }
  }
  if (as === 'root') {
    if (!ctx.target.canActAsRoot)
      throw new SirsError('root-unavailable', 'this target cannot act as the account root');
    const root = ctx.target.session({ userAgent: ctx.userAgent, as: 'root' });
    try {
      return await fn(root);
    } finally {
      root.destroy();
    }
  }
  const created = await ctx.session.call('iam:CreateAccessKey', { UserName: as });
  const key = created.AccessKey as { AccessKeyId: string; SecretAccessKey: string };
  ctx.journal.append({ type: 'temp-key.created', scenario, userName: as, accessKeyId: key.AccessKeyId });
  const credentials: Credentials = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  const session = ctx.target.session({ userAgent: ctx.userAgent, as: credentials });
  try {
    return await retryingNewKey(ctx, () => fn(session));
  } finally {
    session.destroy();
    await ctx.session.call('iam:DeleteAccessKey', { UserName: as, AccessKeyId: key.AccessKeyId });
    ctx.journal.append({ type: 'temp-key.deleted', userName: as, accessKeyId: key.AccessKeyId });
  }
}

/** New IAM keys take a few seconds to work on AWS; the range accepts them at once. */
async function retryingNewKey<T>(ctx: { signal: AbortSignal }, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (
        attempt >= 5 ||
        !/InvalidClientTokenId|InvalidAccessKeyId|UnrecognizedClient|AuthFailure/.test(
          awsErrorCode(err) ?? '',
        )
      )
        throw err;
      await sleep(2000, ctx.signal);
    }
  }
}
