/**
 * The exercise channel: a CloudWatch Logs group in the target account, `/sirs/exercises/<id>`, where
 * `sirs ack` writes acknowledgements and the controller reads them. Responders on other machines need
 * nothing but credentials for the sandbox account (or the range's environment).
 */
import { randomBytes } from 'node:crypto';
import type { ApiSession } from '../aws/api.js';
import { awsErrorCode } from '../aws/api.js';
import { SirsError } from '../errors.js';
import type { AckRecord } from '../exercise/entries.js';

export function channelName(exerciseId: string): string {
  return `/sirs/exercises/${exerciseId}`;
}

const FINDING = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export async function createChannel(session: ApiSession, exerciseId: string): Promise<void> {
  try {
    await session.call('logs:CreateLogGroup', {
      logGroupName: channelName(exerciseId),
      tags: { 'sirs:exercise': exerciseId },
    });
  } catch (err) {
    if (awsErrorCode(err) !== 'ResourceAlreadyExistsException') throw err;
  }
}

export async function deleteChannel(session: ApiSession, exerciseId: string): Promise<void> {
  try {
    await session.call('logs:DeleteLogGroup', { logGroupName: channelName(exerciseId) });
  } catch (err) {
    if (awsErrorCode(err) !== 'ResourceNotFoundException') throw err;
  }
}

export interface AckInput {
  finding: string;
  resource?: string;
  note?: string;
}

/** Write one acknowledgement to the channel, stamped with the writer's identity and time. */
export async function writeAck(
  session: ApiSession,
  exerciseId: string,
  ack: AckInput,
  opts: { by?: string; now?: Date } = {},
): Promise<AckRecord> {
  if (!FINDING.test(ack.finding)) {
    throw new SirsError('bad-finding', `finding '${ack.finding}' must be kebab-case, like ssh-exposure`);
  }
  const by = opts.by ?? String((await session.call('sts:GetCallerIdentity', {})).Arn);
  const now = opts.now ?? new Date();
  const record: AckRecord = {
    finding: ack.finding,
    ...(ack.resource ? { resource: ack.resource } : {}),
    ...(ack.note ? { note: ack.note.slice(0, 2000) } : {}),
    by,
    at: now.toISOString(),
  };
  const stream = `ack-${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
  const group = channelName(exerciseId);
  try {
    await session.call('logs:CreateLogStream', { logGroupName: group, logStreamName: stream });
  } catch (err) {
    if (awsErrorCode(err) === 'ResourceNotFoundException') {
      throw new SirsError(
        'no-channel',
        `exercise ${exerciseId} has no channel (${group}) in this account and region`,
        {
          suggestions: [
            'is the exercise live? (sirs status)',
            'are your credentials and region those of the exercise (on the range: the exports `sirs start` printed)?',
          ],
        },
      );
    }
    throw err;
  }
  await session.call('logs:PutLogEvents', {
    logGroupName: group,
    logStreamName: stream,
    logEvents: [{ timestamp: now.getTime(), message: JSON.stringify({ type: 'ack', ...record }) }],
  });
  return record;
}

/** Reads new acknowledgements from the channel, each once, tolerating junk written to it. */
export class AckReader {
  private readonly seen = new Set<string>();
  private since: number;

  constructor(
    private readonly session: ApiSession,
    private readonly exerciseId: string,
    startedAt: Date,
  ) {
    this.since = startedAt.getTime() - 60_000;
  }

  async read(): Promise<AckRecord[]> {
    const out: AckRecord[] = [];
    let token: string | undefined;
    let newest = this.since;
    do {
      const page = await this.session.call('logs:FilterLogEvents', {
        logGroupName: channelName(this.exerciseId),
        startTime: this.since,
        ...(token ? { nextToken: token } : {}),
      });
      for (const e of (page.events as
        Array<{ eventId?: string; message?: string; timestamp?: number }> | undefined) ?? []) {
        const id = e.eventId ?? `${e.timestamp}:${e.message}`;
        if (this.seen.has(id)) continue;
        this.seen.add(id);
        newest = Math.max(newest, e.timestamp ?? 0);
        const ack = parseAck(e.message ?? '');
        if (ack) out.push(ack);
      }
      token = page.nextToken as string | undefined;
    } while (token);
    // Events can arrive slightly out of order: keep a little overlap, deduplicated by event id.
    this.since = Math.max(this.since, newest - 5_000);
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }
}

export function parseAck(message: string): AckRecord | undefined {
  try {
    const v = JSON.parse(message) as Record<string, unknown>;
    if (v.type !== 'ack' || typeof v.finding !== 'string' || !FINDING.test(v.finding)) return undefined;
    if (typeof v.by !== 'string' || typeof v.at !== 'string' || Number.isNaN(Date.parse(v.at)))
      return undefined;
    return {
      finding: v.finding,
      ...(typeof v.resource === 'string' && v.resource ? { resource: v.resource } : {}),
      ...(typeof v.note === 'string' ? { note: v.note.slice(0, 2000) } : {}),
      by: v.by,
      at: v.at,
    };
  } catch {
    return undefined;
  }
}
