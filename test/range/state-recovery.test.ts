import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateUserCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetObjectCommand, PutObjectCommand, CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { RangeStateError, type RangeOptions } from '../../src/range/index.js';
import { startTestRange, type TestRange } from './harness.js';

const devBin = fileURLToPath(new URL('../../bin/dev.js', import.meta.url));
const STATE = 'range-state.json';
const LOG = 'range-state.log';
const HISTORY = 'cloudtrail-events.jsonl';

/** The folder a SIGKILL would leave: the files as they are now, with the range still running. */
function crashCopy(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'sirs-range-crash-'));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

async function startFails(opts: RangeOptions): Promise<RangeStateError> {
  const err = await startTestRange(opts).then(
    async (r) => {
      await r.stop();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err, 'the range started on a damaged state').to.be.instanceOf(RangeStateError);
  return err as RangeStateError;
}

const userExists = (r: TestRange, name: string) =>
  new IAMClient(r.clientConfig()).send(new GetUserCommand({ UserName: name })).then(
    () => true,
    (e: Error) => (e.name.startsWith('NoSuchEntity') ? false : Promise.reject(e)),
  );

async function createUsers(r: TestRange, names: string[]): Promise<void> {
  const iam = new IAMClient(r.clientConfig());
  for (const n of names) await iam.send(new CreateUserCommand({ UserName: n }));
}

describe('range: a damaged --state-dir', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'sirs-range-damaged-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A folder written by a range that had the user `kept` and was stopped cleanly. */
  async function stoppedWithUser(): Promise<string> {
    const dir = fresh();
    const r = await startTestRange({ stateDir: dir });
    await createUsers(r, ['kept']);
    await r.stop();
    return dir;
  }

  it('stops on a truncated state file, naming it and changing nothing; --repair keeps the history and the file aside', async () => {
    const dir = await stoppedWithUser();
    const file = join(dir, STATE);
    truncateSync(file, Math.floor(readFileSync(file).length / 2));
    const before = readFileSync(file);

    const err = await startFails({ stateDir: dir });
    expect(err.message).to.contain(file).and.to.contain('cut short or damaged');
    expect(readFileSync(file)).to.deep.equal(before);

    const said: string[] = [];
    const r = await startTestRange({ stateDir: dir, stateRecovery: 'repair', log: (m) => said.push(m) });
    try {
      expect(said.join('\n')).to.contain('--repair').and.to.contain(`${file}.corrupt-`);
      const aside = readdirSync(dir).filter((f) => f.startsWith(`${STATE}.corrupt-`));
      expect(aside).to.have.length(1);
      expect(readFileSync(join(dir, aside[0]!))).to.deep.equal(before);
      // The stores could not be read; the CloudTrail history (its own file) is kept.
      expect(await userExists(r, 'kept')).to.equal(false);
      expect(r.events('CreateUser').map((e) => e.requestParameters?.userName)).to.deep.equal(['kept']);
    } finally {
      await r.stop();
    }
    // Repaired: the next start needs no flag.
    const again = await startTestRange({ stateDir: dir });
    await again.stop();
  });

  for (const [name, text, found] of [
    ['an empty list', '[]', 'a JSON list ([])'],
    [
      'a number where the stores belong',
      '{"format":"sirs-range-state","version":1,"lastSeq":0,"slots":5}',
      '"slots" is a JSON number',
    ],
    ['a store that is not an object', '{"iam/123456789012":5}', 'not a store ("iam/123456789012")'],
    ["another program's JSON", '{"format":"something-else","version":1}', 'not a sirs range state'],
  ] as const) {
    it(`stops on a state file of the wrong shape (${name}) with a clear error, not a TypeError`, async () => {
      const dir = fresh();
      writeFileSync(join(dir, STATE), text);
      const err = await startFails({ stateDir: dir });
      expect(err.message).to.contain(join(dir, STATE)).and.to.contain(found);
    });
  }

  it('refuses a state written by a newer sirs, even with --repair; --reset-state starts empty and keeps it aside', async () => {
    const dir = await stoppedWithUser();
    writeFileSync(join(dir, STATE), '{"format":"sirs-range-state","version":2,"slots":{}}');
    const err = await startFails({ stateDir: dir });
    expect(err.newer).to.equal(true);
    expect(err.message).to.contain('version 2, written by a newer sirs');
    expect((await startFails({ stateDir: dir, stateRecovery: 'repair' })).newer).to.equal(true);

    const said: string[] = [];
    const r = await startTestRange({ stateDir: dir, stateRecovery: 'reset', log: (m) => said.push(m) });
    try {
      expect(said.join('\n')).to.contain('starting with an empty range');
      expect(await userExists(r, 'kept')).to.equal(false);
      expect(r.events('CreateUser')).to.have.length(0);
      const aside = readdirSync(dir).filter((f) => /\.(corrupt|reset)-/.test(f));
      expect(aside.some((f) => f.startsWith(`${STATE}.`))).to.equal(true);
      expect(aside.some((f) => f.startsWith(`${HISTORY}.`))).to.equal(true);
    } finally {
      await r.stop();
    }
  });

  it('drops a log record cut short by a crash (never answered) and keeps every answered write', async () => {
    const dir = fresh();
    const r = await startTestRange({ stateDir: dir });
    let copy: string;
    try {
      await createUsers(r, ['a', 'b', 'c']);
      copy = crashCopy(dir);
    } finally {
      await r.stop();
    }
    dirs.push(copy);
    // Half of a record: its length says 4,000 bytes, 10 follow.
    const torn = Buffer.alloc(18);
    torn.writeUInt32BE(4000, 0);
    appendFileSync(join(copy, LOG), torn);
    const said: string[] = [];
    const again = await startTestRange({ stateDir: copy, log: (m) => said.push(m) });
    try {
      expect(said.join('\n')).to.contain('dropped an incomplete last record');
      for (const u of ['a', 'b', 'c']) expect(await userExists(again, u), u).to.equal(true);
      expect(again.events('CreateUser')).to.have.length(3);
    } finally {
      await again.stop();
    }
  });

  it('stops on a log damaged in the middle; --repair keeps the changes logged before the damage', async () => {
    const dir = fresh();
    const r = await startTestRange({ stateDir: dir });
    let copy: string;
    try {
      await createUsers(r, ['first']);
      const logged = readFileSync(join(dir, LOG)).length;
      await createUsers(r, ['second', 'third']);
      copy = crashCopy(dir);
      // Damage one byte of the record that holds `second`.
      const bytes = readFileSync(join(copy, LOG));
      bytes[logged + 20] = bytes[logged + 20]! ^ 0xff;
      writeFileSync(join(copy, LOG), bytes);
    } finally {
      await r.stop();
    }
    dirs.push(copy);
    const err = await startFails({ stateDir: copy });
    expect(err.message).to.contain(join(copy, LOG)).and.to.contain('more data after it');

    const said: string[] = [];
    const repaired = await startTestRange({
      stateDir: copy,
      stateRecovery: 'repair',
      log: (m) => said.push(m),
    });
    try {
      expect(said.join('\n')).to.match(/kept the \d+ changes? logged before it/);
      expect(await userExists(repaired, 'first')).to.equal(true);
      expect(await userExists(repaired, 'third')).to.equal(false);
    } finally {
      await repaired.stop();
    }
  });

  it('stops on a damaged CloudTrail history line; --repair keeps the other events', async () => {
    const dir = fresh();
    const r = await startTestRange({ stateDir: dir });
    await createUsers(r, ['x', 'y']);
    await r.stop();
    const lines = readFileSync(join(dir, HISTORY), 'utf8').split('\n');
    lines.splice(1, 0, '{"not":"an event"}');
    writeFileSync(join(dir, HISTORY), lines.join('\n'));
    const err = await startFails({ stateDir: dir });
    expect(err.message).to.contain(join(dir, HISTORY)).and.to.contain('line 2');
    const repaired = await startTestRange({ stateDir: dir, stateRecovery: 'repair', log: () => {} });
    try {
      expect(repaired.events('CreateUser').map((e) => e.requestParameters?.userName)).to.deep.equal([
        'x',
        'y',
      ]);
      expect(await userExists(repaired, 'y')).to.equal(true);
    } finally {
      await repaired.stop();
    }
  });

  it('keeps names that are JavaScript object properties (S3 key __proto__, IAM user constructor) through a crash and a clean restart', async () => {
    const dir = fresh();
    const r = await startTestRange({ stateDir: dir });
    let copy: string;
    try {
      const s3 = new S3Client(r.clientConfig());
      await s3.send(new CreateBucketCommand({ Bucket: 'names' }));
      await s3.send(new PutObjectCommand({ Bucket: 'names', Key: '__proto__', Body: 'proto body' }));
      await s3.send(new PutObjectCommand({ Bucket: 'names', Key: 'toString', Body: 'to string' }));
      await createUsers(r, ['constructor', '__proto__']);
      copy = crashCopy(dir);
    } finally {
      await r.stop();
    }
    dirs.push(copy);
    for (const d of [copy, dir]) {
      const again = await startTestRange({ stateDir: d });
      try {
        const s3 = new S3Client(again.clientConfig());
        for (const [key, body] of [
          ['__proto__', 'proto body'],
          ['toString', 'to string'],
        ]) {
          const got = await s3.send(new GetObjectCommand({ Bucket: 'names', Key: key }));
          expect(
            await got.Body!.transformToString(),
            `${d === copy ? 'after a crash' : 'after a stop'}: ${key}`,
          ).to.equal(body);
        }
        expect(await userExists(again, 'constructor')).to.equal(true);
        expect(await userExists(again, '__proto__')).to.equal(true);
        expect(await userExists(again, 'hasOwnProperty')).to.equal(false);
      } finally {
        await again.stop();
      }
    }
  });

  it('sirs range start: a damaged state is a user error naming the file and both ways on', async () => {
    const dir = fresh();
    writeFileSync(join(dir, STATE), '[]');
    const child = spawn(devBin, ['range', 'start', '--port', '0', '--state-dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(stderr).to.not.contain('bug in sirs');
    expect(code).to.equal(1);
    expect(stderr)
      .to.contain(join(dir, STATE))
      .and.to.contain(`--state-dir ${dir} --repair`)
      .and.to.contain(`--state-dir ${dir} --reset-state`);
    expect(readFileSync(join(dir, STATE), 'utf8')).to.equal('[]');
  });
});
