/** IPv4 CIDR arithmetic for VPCs, subnets and private addresses; IPv6 is only checked for shape. */
export interface Cidr4 {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parse `a.b.c.d/n`; the host bits are cleared, as EC2 does with a non-canonical block. */
export function parseCidr4(text: string): Cidr4 | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const ip = parseIpv4(m[1] as string);
  const prefix = Number(m[2]);
  if (ip === undefined || prefix > 32) return undefined;
  return { base: prefix === 0 ? 0 : (ip & maskOf(prefix)) >>> 0, prefix };
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function formatCidr4(c: Cidr4): string {
  return `${formatIpv4(c.base)}/${c.prefix}`;
}

export function sizeOf(c: Cidr4): number {
  return 2 ** (32 - c.prefix);
}

export function contains(outer: Cidr4, inner: Cidr4): boolean {
  return inner.prefix >= outer.prefix && (inner.base & maskOf(outer.prefix)) >>> 0 === outer.base;
}

export function overlaps(a: Cidr4, b: Cidr4): boolean {
  return contains(a, b) || contains(b, a);
}

export function containsIp(c: Cidr4, ip: number): boolean {
  return (ip & maskOf(c.prefix)) >>> 0 === c.base;
}

/** A loose IPv6 CIDR check: hex groups with at most one `::`, and a prefix of 0–128. */
export function isIpv6Cidr(text: string): boolean {
  const m = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(text);
  if (!m || Number(m[2]) > 128) return false;
  const addr = m[1] as string;
  if ((addr.match(/::/g) ?? []).length > 1) return false;
  const groups = addr.split(':').filter((g) => g !== '');
  return (
    groups.every((g) => g.length <= 4) && (addr.includes('::') ? groups.length < 8 : groups.length === 8)
  );
}
