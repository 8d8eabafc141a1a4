/** CIDR containment for IPv4 and IPv6, for rules that must cover an address range. */

interface Cidr {
  width: 32 | 128;
  bits: bigint;
  length: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    out = (out << 8n) | BigInt(part);
  }
  return out;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let out = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out = (out << 16n) | BigInt(`0x${g}`);
  }
  return out;
}

export function parseCidr(text: string): Cidr | undefined {
  const [address = '', len] = text.trim().split('/');
  const v6 = address.includes(':');
  const width = v6 ? 128 : 32;
  const length = len === undefined ? width : Number(len);
  if (!Number.isInteger(length) || length < 0 || length > width) return undefined;
  const bits = v6 ? parseIpv6(address) : parseIpv4(address);
  return bits === undefined ? undefined : { width, bits, length };
}

/** Whether every address of `inner` is in `outer` (both IPv4 or both IPv6). */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (!o || !i || o.width !== i.width || o.length > i.length) return false;
  const shift = BigInt(o.width - o.length);
  return o.bits >> shift === i.bits >> shift;
}
