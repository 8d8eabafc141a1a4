import { isIP } from 'node:net';

/**
 * IPv4 and IPv6 CIDR ranges for IpAddress/NotIpAddress, as numbers: node's BlockList costs microseconds
 * per check, too slow for a condition evaluated on every request.
 */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

export interface IpRange extends IpAddress {
  /** The network bits kept by the prefix length. */
  mask: bigint;
}

function parseV4(text: string): bigint {
  let value = 0n;
  for (const octet of text.split('.')) value = (value << 8n) | BigInt(Number(octet));
  return value;
}

function parseV6(text: string): bigint {
  let source = text.split('%')[0]!;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(source);
  if (v4) {
    const n = parseV4(v4[1]!);
    source = `${source.slice(0, -v4[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = source.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(parseInt(g, 16));
  return value;
}

const PARSED_LIMIT = 1000;
const parsed = new Map<string, IpAddress | null>();

/** Parse an address (cached: a range sees few distinct source addresses). */
export function parseIp(text: string): IpAddress | undefined {
  const hit = parsed.get(text);
  if (hit !== undefined) return hit ?? undefined;
  const family = isIP(text);
  const address: IpAddress | null =
    family === 4
      ? { family: 4, value: parseV4(text) }
      : family === 6
        ? { family: 6, value: parseV6(text) }
        : null;
  if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value as string);
  parsed.set(text, address);
  return address ?? undefined;
}

/** `203.0.113.0/24`, `2001:DB8::/32`, or a single address; undefined when malformed. */
export function parseRange(text: string): IpRange | undefined {
  const [address = '', bits, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const width = ip.family === 4 ? 32 : 128;
  const prefix = bits === undefined ? width : /^\d+$/.test(bits) ? Number(bits) : Number.NaN;
  if (!(prefix >= 0 && prefix <= width)) return undefined;
  const mask = ((1n << BigInt(width)) - 1n) ^ ((1n << BigInt(width - prefix)) - 1n);
  return { family: ip.family, value: ip.value & mask, mask };
}

export function inRange(address: IpAddress, range: IpRange): boolean {
  return address.family === range.family && (address.value & range.mask) === range.value;
}
