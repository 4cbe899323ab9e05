import { isIP } from 'node:net';

/**
 * The canonical text of an IP address, so that addresses compare as strings: IPv4 as dotted quad,
 * IPv6 as eight lowercase groups without leading zeros (`2001:DB8::01` → `2001:db8:0:0:0:0:0:1`).
 * IPv4-mapped IPv6 (`::ffff:192.0.2.1`) becomes the IPv4 address. Returns null for anything else.
 */
export function normalizeIp(text: string): string | null {
  const trimmed = text.trim();
  const family = isIP(trimmed);
  if (family === 4) return trimmed;
  if (family !== 6) return null;
  const groups = expandIpv6(trimmed.toLowerCase());
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return groups.map((g) => g.toString(16)).join(':');
}

/** Eight 16-bit groups of a valid IPv6 address (validity is checked by the caller). */
function expandIpv6(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const v4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4Tail) {
    const [a, b, c, d] = v4Tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
