/**
 * IP ranges as IAM's `IpAddress` / `NotIpAddress` operators read them (`aws:SourceIp`): IPv4 and
 * IPv6 addresses and CIDR blocks. Pure. Used to tell whether a set of ranges admits every address
 * of a family, whatever way the set is written (`0.0.0.0/0`, or `0.0.0.0/1` + `128.0.0.0/1`, …).
 */

export interface IpRange {
  family: 4 | 6;
  /** First and last address of the block, as integers. */
  start: bigint;
  end: bigint;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseV6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] | undefined => {
    if (s === '') return [];
    const out: string[] = [];
    const items = s.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes('.')) {
        // An embedded IPv4 tail (::ffff:10.0.0.1) is two groups.
        const v4 = parseV4(item);
        if (v4 === undefined) return undefined;
        out.push((v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) {
        out.push(item);
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => '0'), ...tail];
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** An address or CIDR block (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.1`), or undefined when it is neither. */
export function parseCidr(text: string): IpRange | undefined {
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!m) return undefined;
  const [, address, prefixText] = m as unknown as [string, string, string | undefined];
  const v4 = parseV4(address);
  const family: 4 | 6 | undefined = v4 !== undefined ? 4 : parseV6(address) !== undefined ? 6 : undefined;
  if (!family) return undefined;
  const bits = BITS[family];
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  const value = family === 4 ? v4! : parseV6(address)!;
  const hostBits = BigInt(bits - prefix);
  // Host bits set below the prefix (10.1.2.3/8) are ignored, as a CIDR block's mask does.
  const start = (value >> hostBits) << hostBits;
  return { family, start, end: start + (1n << hostBits) - 1n };
}

/** True when the ranges together contain every address of `family`. */
export function coversWholeFamily(ranges: IpRange[], family: 4 | 6): boolean {
  const last = (1n << BigInt(BITS[family])) - 1n;
  const sorted = ranges.filter((r) => r.family === family).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let next = 0n; // the first address not yet covered
  for (const r of sorted) {
    if (r.start > next) return false;
    if (r.end + 1n > next) next = r.end + 1n;
    if (next > last) return true;
  }
  return false;
}

/**
 * True when a list of `aws:SourceIp` values narrows the callers: every value is an address or CIDR
 * block, and together they leave out part of the IPv4 space and part of the IPv6 space (a list that
 * covers either whole family lets in everyone of that family, which is everyone).
 */
export function ipRangesNarrow(values: unknown[]): boolean {
  const ranges: IpRange[] = [];
  for (const v of values) {
    const r = typeof v === 'string' ? parseCidr(v) : undefined;
    if (!r) return false;
    ranges.push(r);
  }
  return ranges.length > 0 && !coversWholeFamily(ranges, 4) && !coversWholeFamily(ranges, 6);
}
