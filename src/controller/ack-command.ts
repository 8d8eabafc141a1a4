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
import { journalPath, readJournal } from '../exercise/journal.js';
import { checkExerciseId } from '../exercise/plan.js';
import { writeAck } from './channel.js';

export interface AckOptions {
  exerciseId: string;
  finding: string;
  resource?: string;
  note?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  cwd?: string;
}

export async function ackFinding(opts: AckOptions): Promise<AckRecord> {
  checkExerciseId(opts.exerciseId);
  if (opts.profile) checkProfile(opts.profile, { via: '--profile' });
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const path = journalPath(opts.exerciseId, undefined);
  const local = existsSync(path) ? deriveExercise(opts.exerciseId, readJournal(path)).target : undefined;
  let endpoint = opts.endpointUrl;
  let credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  // Beside the facilitator's `sirs start` on the range, with no AWS settings in the shell, use the range.
  if (
    !endpoint &&
    !process.env.AWS_ENDPOINT_URL &&
    !process.env.AWS_ACCESS_KEY_ID &&
    local?.kind === 'range' &&
    local.endpoint
  ) {
    endpoint = local.endpoint;
    const { wellKnownKeys } = await import('../range/identity.js');
    credentials = { ...wellKnownKeys.admin };
  }
  const region =
    opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? local?.region ?? 'us-east-1';
  const session = new ApiSession({
    region,
    // A responder's own call, marked so reports count it as the responder's and not as sirs' work.
    customUserAgent: [...userAgentFor(opts.exerciseId), ['ack', '1']],
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
  });
  try {
    return await writeAck(session, opts.exerciseId, {
      finding: opts.finding,
      ...(opts.resource ? { resource: opts.resource } : {}),
      ...(opts.note ? { note: opts.note } : {}),
    });
  } finally {
    session.destroy();
  }
}
