import { ServiceError } from '../../../errors.js';

function cidrError(detail: string): ServiceError {
  return new ServiceError('ValidationError', `Template error: Fn::Cidr ${detail}`);
}

/**
 * Fn::Cidr: `count` consecutive subnets of `ipBlock`, each with `cidrBits` host bits
 * (a /32 - cidrBits prefix for IPv4, /128 - cidrBits for IPv6).
 */
export function cidrSubnets(ipBlock: string, count: number, cidrBits: number): string[] {
  const m = /^(.+)\/(\d{1,3})$/.exec(ipBlock);
  if (!m) throw cidrError(`requires a valid CIDR block, got ${ipBlock}`);
  const [, address = '', prefixText = ''] = m;
  const v6 = address.includes(':');
  const width = v6 ? 128 : 32;
  const prefix = Number(prefixText);
  const base = v6 ? parseIpv6(address) : parseIpv4(address);
  if (base === undefined || prefix > width) throw cidrError(`requires a valid CIDR block, got ${ipBlock}`);
  if (!Number.isInteger(count) || count < 1 || count > 256)
    throw cidrError('count must be between 1 and 256');
  const newPrefix = width - cidrBits;
  if (!Number.isInteger(cidrBits) || cidrBits < 1 || newPrefix < prefix) {
    throw cidrError(`cannot carve /${newPrefix} subnets out of ${ipBlock}`);
  }
  if (BigInt(count) > 1n << BigInt(newPrefix - prefix)) {
    throw cidrError(`cannot carve ${count} /${newPrefix} subnets out of ${ipBlock}`);
  }
  const bits = BigInt(width);
  const mask = ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
  const network = base & mask;
  const step = 1n << BigInt(cidrBits);
  const out: string[] = [];
  for (let i = 0n; i < BigInt(count); i++) {
    const addr = network + i * step;
    out.push(`${v6 ? formatIpv6(addr) : formatIpv4(addr)}/${newPrefix}`);
  }
  return out;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) + BigInt(p);
  }
  return n;
}

function formatIpv4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) + BigInt(parseInt(g, 16));
  }
  return n;
}

/** RFC 5952 form: lowercase, leading zeros dropped, the longest run of zero groups as `::`. */
function formatIpv6(n: bigint): string {
  const groups: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(Number((n >> s) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
