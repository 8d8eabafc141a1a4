import { expect } from 'chai';
import { decode, encode } from '../../src/range/persistence/codec.js';
import { StateDiffer, applyPatch, type Patch } from '../../src/range/persistence/diff.js';

/** What a store looks like once written, keys in order (the order of members does not matter). */
const onDisk = (v: unknown) => JSON.stringify(sorted(encode(v)));
function sorted(j: unknown): unknown {
  if (Array.isArray(j)) return j.map(sorted);
  if (!j || typeof j !== 'object') return j;
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(j).sort()) out[k] = sorted((j as Record<string, unknown>)[k]);
  return out;
}
const readBack = (v: unknown) => decode(JSON.parse(JSON.stringify(encode(v)))) as Record<string, unknown>;

describe('range state on disk: encoding', () => {
  it('keeps Dates, bytes and names that are JavaScript object properties as data', () => {
    const objects = Object.create(null) as Record<string, unknown>;
    objects['__proto__'] = [
      { body: Buffer.from([0, 255, 7]), lastModified: new Date('2026-01-02T03:04:05Z') },
    ];
    objects['constructor'] = [{ body: Buffer.alloc(0), lastModified: new Date(Number.NaN) }];
    const tags = Object.create(null) as Record<string, unknown>;
    tags['$date'] = 'not a date';
    const state = { buckets: { b: { objects, tags, list: [{ $b64: 'x' }] } } };

    const back = readBack(state) as {
      buckets: { b: { objects: Record<string, unknown>; tags: object; list: object[] } };
    };
    const got = back.buckets.b;
    expect(Object.getPrototypeOf(back)).to.equal(null);
    expect(Object.getPrototypeOf(got.objects)).to.equal(null);
    expect(Object.keys(got.objects)).to.deep.equal(['__proto__', 'constructor']);
    const [proto] = got.objects['__proto__'] as Array<{ body: Buffer; lastModified: Date }>;
    expect(proto!.body).to.deep.equal(Buffer.from([0, 255, 7]));
    expect(proto!.lastModified.toISOString()).to.equal('2026-01-02T03:04:05.000Z');
    // A user's one-key map named like a tag stays a map.
    expect(got.tags).to.deep.equal(Object.assign(Object.create(null), { $date: 'not a date' }));
    expect(got.list[0]).to.deep.equal(Object.assign(Object.create(null), { $b64: 'x' }));
  });
});

describe('range state on disk: changes logged and replayed', () => {
  // A seeded pseudo-random walk over nested records, lists, Dates and bytes: after every step, the
  // logged changes replayed on the state as last written give the live state.
  function random(seed: number): () => number {
    let s = seed;
    return () => {
      s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
      return s / 2 ** 31;
    };
  }
  const names = ['a', 'b', '__proto__', 'constructor', 'toString', '$date', 'x/y'];

  function mutate(root: Record<string, unknown>, rnd: () => number): void {
    let node: Record<string, unknown> = root;
    for (let depth = 0; depth < 4; depth++) {
      const key = names[Math.floor(rnd() * names.length)] as string;
      const child = node[key];
      const r = rnd();
      if (
        child &&
        typeof child === 'object' &&
        !Array.isArray(child) &&
        !(child instanceof Date) &&
        r < 0.5
      ) {
        if (!Buffer.isBuffer(child)) {
          node = child as Record<string, unknown>;
          continue;
        }
      }
      if (Array.isArray(child) && r < 0.7) {
        const op = rnd();
        if (op < 0.4) child.push({ n: Math.floor(rnd() * 100), at: new Date(Math.floor(rnd() * 1e12)) });
        else if (op < 0.6) child.splice(Math.floor(rnd() * child.length), 1);
        else if (child.length) (child[Math.floor(rnd() * child.length)] as Record<string, unknown>).n = rnd();
        return;
      }
      const choice = rnd();
      if (choice < 0.15) delete node[key];
      else if (choice < 0.35) node[key] = Object.create(null);
      else if (choice < 0.5) node[key] = [];
      else if (choice < 0.6) node[key] = Buffer.from([Math.floor(rnd() * 256)]);
      else if (choice < 0.7) node[key] = new Date(Math.floor(rnd() * 1e12));
      else if (choice < 0.8) node[key] = undefined;
      else node[key] = choice < 0.9 ? `s${Math.floor(rnd() * 10)}` : Math.floor(rnd() * 10);
      return;
    }
  }

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`replays 300 random changes exactly (seed ${seed})`, () => {
      const rnd = random(seed);
      const live = Object.create(null) as Record<string, unknown>;
      live['s3'] = Object.create(null);
      live['iam/1'] = Object.create(null);
      const differ = new StateDiffer();
      differ.rebase(live);
      let disk = readBack(live);
      for (let step = 0; step < 300; step++) {
        mutate(live[rnd() < 0.5 ? 's3' : 'iam/1'] as Record<string, unknown>, rnd);
        const patches: Patch[] = [];
        differ.diff(live, ['s3', 'iam/1'], patches);
        // Through JSON, as the log stores them.
        for (const p of JSON.parse(JSON.stringify(patches)) as Patch[]) applyPatch(disk, p);
        expect(onDisk(disk), `step ${step}`).to.equal(onDisk(live));
      }
      disk = readBack(disk);
      expect(onDisk(disk)).to.equal(onDisk(live));
    });
  }

  it('logs one changed member, not the store it is in', () => {
    const objects = Object.create(null) as Record<string, unknown>;
    for (let i = 0; i < 1000; i++) objects[`k${i}`] = { body: Buffer.alloc(1024), etag: `e${i}` };
    const live = Object.assign(Object.create(null), { s3: { buckets: { b: { objects } } } }) as Record<
      string,
      unknown
    >;
    const differ = new StateDiffer();
    differ.rebase(live);
    objects['k1000'] = { body: Buffer.alloc(1024), etag: 'new' };
    const patches: Patch[] = [];
    differ.diff(live, ['s3'], patches);
    expect(patches).to.have.length(1);
    expect(patches[0]!.slice(0, 3)).to.deep.equal(['s', 's3', ['buckets', 'b', 'objects', 'k1000']]);
    expect(JSON.stringify(patches).length).to.be.below(2000);
  });
});
