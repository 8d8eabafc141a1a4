/**
 * A live range for signal tests: sirs reads through its own session (its user agent names the
 * exercise), a responder with their own IAM user changes things through the real AWS CLI, and the
 * observer must see each change on the next tick, dated and signed by the responder's CloudTrail event.
 */
import { expect } from 'chai';
import { ApiSession } from '../../src/aws/api.js';
import type { RangeOptions } from '../../src/range/index.js';
import type { Condition } from '../../src/signals/registry.js';
import { createObserver, type Observer, type ObserverOptions } from '../../src/signals/observer.js';
import type { Observation } from '../../src/signals/types.js';
import { startTestRange, type TestRange } from '../range/harness.js';

export interface Live {
  range: TestRange;
  /** sirs' own session (the range's admin user). */
  sirs: ApiSession;
  /** The responder through the SDK, where the CLI's process start would be too slow for many calls. */
  responder: ApiSession;
  observer: Observer;
  responderArn: string;
  /** The AWS CLI as the responder (or as the account root). */
  cli(args: string[], as?: 'root'): Promise<unknown>;
  /** The AWS CLI as the responder, expected to fail. */
  cliFails(args: string[]): Promise<{ code: number; stderr: string }>;
  /** One tick: every condition observed, concurrently, as the controller does. */
  tick(...conditions: Condition[]): Promise<Observation[]>;
  stop(): Promise<void>;
}

export async function startLive(
  opts: RangeOptions & { observer?: Partial<ObserverOptions>; startedAt?: Date } = {},
): Promise<Live> {
  const { observer: observerOptions, startedAt, ...rangeOptions } = opts;
  const range = await startTestRange(rangeOptions);
  const exerciseId = 'signals-test';
  const sirs = new ApiSession({
    ...range.clientConfig(),
    disableHostPrefix: true,
    customUserAgent: `sirs/test exercise/${exerciseId}`,
  });
  await sirs.call('iam:CreateUser', { UserName: 'responder' });
  await sirs.call('iam:AttachUserPolicy', {
    UserName: 'responder',
    PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
  });
  const key = (await sirs.call('iam:CreateAccessKey', { UserName: 'responder' })).AccessKey as {
    AccessKeyId: string;
    SecretAccessKey: string;
  };
  const env = { AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey };
  const responder = new ApiSession({
    ...range.clientConfig(),
    credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey },
    disableHostPrefix: true,
  });
  const observer = createObserver({
    session: sirs,
    exercise: {
      id: exerciseId,
      startedAt: startedAt ?? new Date(),
      accountId: range.accountId,
      region: range.region,
      endpoint: range.endpoint,
    },
    ...observerOptions,
  });
  return {
    range,
    sirs,
    responder,
    observer,
    responderArn: `arn:aws:iam::${range.accountId}:user/responder`,
    cli: (args, as) =>
      range.aws(args, {
        env:
          as === 'root'
            ? {
                AWS_ACCESS_KEY_ID: range.rootCredentials.accessKeyId,
                AWS_SECRET_ACCESS_KEY: range.rootCredentials.secretAccessKey,
              }
            : env,
      }),
    cliFails: (args) => range.awsFails(args, { env }),
    async tick(...conditions) {
      observer.beginTick();
      return Promise.all(conditions.map((c) => observer.observe(c, 'scenario')));
    },
    async stop() {
      observer.close();
      sirs.destroy();
      responder.destroy();
      await range.stop();
    },
  };
}

/**
 * The observation is met, dated and signed by the latest `eventName` call (the responder's by default),
 * and says where the call came from.
 */
export function expectFixedBy(
  live: Live,
  obs: Observation | undefined,
  eventName: string,
  actor = live.responderArn,
): void {
  expect(obs?.status, JSON.stringify(obs)).to.equal('met');
  const event = live.range.events(eventName).at(-1);
  expect(event, `no ${eventName} event`).to.not.equal(undefined);
  expect(obs?.status === 'met' && obs.evidence).to.deep.include({
    source: 'cloudtrail',
    eventName,
    eventId: event!.eventID,
    actor,
    at: new Date(event!.eventTime).toISOString(),
  });
  // The responder's CLI runs on this machine: its calls come from the loopback address.
  expect(obs?.status === 'met' && obs.evidence.sourceIp).to.be.oneOf([
    '127.0.0.1',
    '::1',
    '::ffff:127.0.0.1',
  ]);
  expect(obs?.status === 'met' && obs.evidence.sourceIp).to.equal(event!.sourceIPAddress);
}

/**
 * Waits into the next second. CloudTrail stamps events with whole seconds, so a set-up call made in
 * the same second as an observation could have come after it; tests whose change leaves no management
 * event (nothing else can explain it) keep set-up and observation apart.
 */
export async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1010 - (Date.now() % 1000)));
}

export function statuses(observations: Observation[]): string[] {
  return observations.map((o) => o.status);
}
