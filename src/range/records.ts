/**
 * A record keyed by names clients choose (users, buckets, keys, tags, ...). It has no prototype, so a
 * name such as `constructor`, `toString` or `__proto__` is an ordinary key: never found before it was
 * stored, never able to change the record's prototype. Plain data, so it survives `--state-dir` JSON
 * (loading gives null-prototype objects back).
 */
export type NameRecord<T> = Record<string, T>;

/** An empty name-keyed record, or one holding the given entries. */
export function record<T>(
  entries?: Iterable<readonly [string, T]> | Readonly<Record<string, T>>,
): NameRecord<T> {
  const out = Object.create(null) as NameRecord<T>;
  if (!entries) return out;
  const pairs =
    Symbol.iterator in entries ? (entries as Iterable<readonly [string, T]>) : Object.entries(entries);
  for (const [k, v] of pairs) out[k] = v;
  return out;
}

/** Whether the record holds the name itself (never a property every object inherits). */
export function has(rec: Readonly<Record<string, unknown>>, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(rec, name);
}
