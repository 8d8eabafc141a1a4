/**
 * What changed in the state since it was last written: each slot is compared with a private copy of
 * what is on disk (its shadow), and only the changed members are logged. A PutObject logs one object,
 * not the bucket; an event appended to a log stream logs one array element, not the stream.
 */
import { clone, decode, emptyRecord, encode, isRecord, same, type Json } from './codec.js';

/** One change to a state slot, in the form it takes in the log. An empty path is the whole slot. */
export type Patch =
  /** Set a member (or the whole slot). */
  | ['s', string, string[], Json]
  /** Delete a member (or the whole slot). */
  | ['d', string, string[]]
  /** Cut an array to `index` items, then append `items`. */
  | ['t', string, string[], number, Json[]];

export class StateDiffer {
  private shadows = emptyRecord();

  /** The state as it is now is what is on disk (after a snapshot or a replay). */
  rebase(data: Record<string, unknown>): void {
    this.shadows = emptyRecord();
    for (const slot of Object.keys(data)) this.shadows[slot] = clone(data[slot]);
  }

  /** Every slot name the differ knows of (to notice slots that were removed). */
  slots(): string[] {
    return Object.keys(this.shadows);
  }

  /** Append to `out` what changed in `slots` since the last call, and take those changes as written. */
  diff(data: Record<string, unknown>, slots: Iterable<string>, out: Patch[]): void {
    for (const slot of slots) {
      const live = data[slot];
      const shadow = this.shadows[slot];
      if (live === undefined) {
        if (shadow !== undefined) {
          out.push(['d', slot, []]);
          delete this.shadows[slot];
        }
      } else if (isRecord(live) && isRecord(shadow)) {
        diffRecord(slot, [], live, shadow, out);
      } else if (!same(live, shadow)) {
        out.push(['s', slot, [], encode(live)]);
        this.shadows[slot] = clone(live);
      }
    }
  }
}

/** `path` is a stack shared by the walk: copied only into the patches that are emitted. */
function diffRecord(
  slot: string,
  path: string[],
  live: Record<string, unknown>,
  shadow: Record<string, unknown>,
  out: Patch[],
): void {
  let kept = 0;
  for (const key in live) {
    const l = live[key];
    if (l === undefined) continue;
    const s = Object.hasOwn(shadow, key) ? shadow[key] : undefined;
    if (s !== undefined) kept++;
    if (l === s && (l === null || typeof l !== 'object')) continue;
    path.push(key);
    if (isRecord(l) && isRecord(s)) {
      diffRecord(slot, path, l, s, out);
    } else if (Array.isArray(l) && Array.isArray(s)) {
      diffArray(slot, path, l, s, out);
    } else if (s === undefined || !same(l, s)) {
      out.push(['s', slot, path.slice(), encode(l)]);
      shadow[key] = clone(l);
      if (s === undefined) kept++;
    }
    path.pop();
  }
  // Shadows hold no undefined members: when every one of them is still live, none was deleted.
  let shadowed = 0;
  for (const _ in shadow) shadowed++;
  if (shadowed === kept) return;
  for (const key of Object.keys(shadow)) {
    if (Object.hasOwn(live, key) && live[key] !== undefined) continue;
    out.push(['d', slot, [...path, key]]);
    delete shadow[key];
  }
}

function diffArray(slot: string, path: string[], live: unknown[], shadow: unknown[], out: Patch[]): void {
  let i = 0;
  const common = Math.min(live.length, shadow.length);
  while (i < common && same(live[i], shadow[i])) i++;
  if (i === live.length && i === shadow.length) return;
  const tail = live.slice(i);
  out.push(['t', slot, path.slice(), i, tail.map(encode)]);
  shadow.length = i;
  for (const item of tail) shadow.push(clone(item));
}

/** Thrown when a logged change does not fit the state it is replayed on. */
export class PatchMismatch extends Error {}

/** Replay one logged change on the state. */
export function applyPatch(data: Record<string, unknown>, patch: Patch): void {
  const [op, slot, path] = patch;
  if (path.length === 0) {
    if (op === 's') data[slot] = decode(patch[3]);
    else if (op === 'd') delete data[slot];
    else throw new PatchMismatch(`an array change of the whole slot ${slot}`);
    return;
  }
  let container: unknown = data[slot];
  const last = path.length - 1;
  const walk = op === 't' ? path.length : last;
  for (let i = 0; i < walk; i++) {
    if (!isRecord(container)) throw new PatchMismatch(`${slot}/${path.slice(0, i).join('/')} is missing`);
    container = container[path[i] as string];
  }
  if (op === 't') {
    if (!Array.isArray(container) || container.length < patch[3]) {
      throw new PatchMismatch(`${slot}/${path.join('/')} is not a list of at least ${patch[3]} items`);
    }
    container.length = patch[3];
    for (const item of patch[4]) container.push(decode(item));
    return;
  }
  if (!isRecord(container)) throw new PatchMismatch(`${slot}/${path.slice(0, last).join('/')} is missing`);
  if (op === 's') container[path[last] as string] = decode(patch[3]);
  else delete container[path[last] as string];
}

/** Is this a well-formed patch (checked before replaying a log record)? */
export function isPatch(v: unknown): v is Patch {
  if (!Array.isArray(v) || typeof v[1] !== 'string' || !Array.isArray(v[2])) return false;
  if (!(v[2] as unknown[]).every((k) => typeof k === 'string')) return false;
  if (v[0] === 's') return v.length === 4;
  if (v[0] === 'd') return v.length === 3;
  return v[0] === 't' && v.length === 5 && Number.isInteger(v[3]) && Array.isArray(v[4]);
}
