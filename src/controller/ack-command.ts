/**
 * `sirs ack` from a responder's shell: the standard AWS credential chain and region (on the range, the
 * exported AWS_ENDPOINT_URL and keys), or the facilitator's own journal when run beside `sirs start`.
 */
import { existsSync } from 'node:fs';
import { ApiSession } from '../aws/api.js';
import { checkProfile } from '../aws/profiles.js';
import { userAgentFor } from '../aws/target.js';
import { deriveExercise } from '../exercise/derive.js';
import type { AckRecord } from '../exercise/entries.js';
import { journalPath, readJournal, stateDir } from '../exercise/journal.js';
import { checkExerciseId } from '../exercise/plan.js';
import { listExercises } from '../exercise/status.js';
import { UsageError } from '../errors.js';
import { channelName, writeAck } from './channel.js';

export interface AckOptions {
  /** --exercise or $SIRS_EXERCISE; without it, the only live exercise in the state directory. */
  exerciseId?: string;
  finding: string;
  resource?: string;
  note?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  cwd?: string;
}

/**
 * What `sirs ack` reports: the acknowledgement as written to the exercise channel. It is only recorded:
 * whether it names the right finding and resource is judged by the facilitator's controller.
 */
export interface RecordedAck extends AckRecord {
  exerciseId: string;
  /** The CloudWatch Logs group it was written to. */
  channel: string;
  /** How the exercise was chosen: named (--exercise or $SIRS_EXERCISE), or the only live one here. */
  exerciseFrom: 'named' | 'only-live';
  status: 'recorded';
}

/** The exercise an ack is for: the one named, else the only live exercise whose journal is here. */
export function chooseAckExercise(
  named: string | undefined,
  cwd?: string,
): { exerciseId: string; exerciseFrom: RecordedAck['exerciseFrom'] } {
  if (named) return { exerciseId: named, exerciseFrom: 'named' };
  const live = listExercises(cwd).filter((e) => e.state === 'live');
  if (live.length === 1) return { exerciseId: live[0]!.id, exerciseFrom: 'only-live' };
  const how = [
    'pass --exercise ID',
    'or export SIRS_EXERCISE=ID (sirs start prints it with the responders’ environment)',
  ];
  if (live.length === 0) {
    throw new UsageError(
      'exercise-required',
      `which exercise? No exercise is live in ${stateDir(cwd)}, so sirs ack cannot pick one`,
      { suggestions: how },
    );
  }
  throw new UsageError(
    'several-live-exercises',
    `which exercise? ${live.length} are live: ${live.map((e) => e.id).join(', ')}`,
    { suggestions: how },
  );
}

export async function ackFinding(opts: AckOptions): Promise<RecordedAck> {
  const { exerciseId, exerciseFrom } = chooseAckExercise(opts.exerciseId, opts.cwd);
  checkExerciseId(exerciseId);
  if (opts.profile) checkProfile(opts.profile, { via: '--profile' });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const path = journalPath(exerciseId, stateDir(opts.cwd));
  const local = existsSync(path) ? deriveExercise(exerciseId, readJournal(path)).target : undefined;
  const endpoint = opts.endpointUrl;
  // Beside the facilitator's `sirs start` on the range, with no AWS settings in the shell: the range's
  // keys are random, so the responder needs the environment sirs start printed.
  if (
    !endpoint &&
    !process.env.AWS_ENDPOINT_URL &&
    !process.env.AWS_ACCESS_KEY_ID &&
    local?.kind === 'range' &&
    local.endpoint
  ) {
    throw new UsageError(
      'range-credentials-required',
      `exercise ${exerciseId} runs on the range at ${local.endpoint}, and sirs ack needs its credentials`,
      {
        suggestions: [
          'paste the exports sirs start printed for responders (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) into this shell',
        ],
      },
    );
  }
  const region =
    opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? local?.region ?? 'us-east-1';
  const session = new ApiSession({
    region,
    // A responder's own call, marked so reports count it as the responder's and not as sirs' work.
    customUserAgent: [...userAgentFor(exerciseId), ['ack', '1']],
    ...(endpoint ? { endpoint } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
  });
  try {
    const record = await writeAck(session, exerciseId, {
      finding: opts.finding,
      ...(opts.resource ? { resource: opts.resource } : {}),
      ...(opts.note ? { note: opts.note } : {}),
    });
    return { ...record, exerciseId, channel: channelName(exerciseId), exerciseFrom, status: 'recorded' };
  } finally {
    session.destroy();
  }
}
