import { isIP } from 'node:net';
import { ValidationError } from '../errors.ts';

/**
 * Checks a list of DNS servers written `host:port`, `host` (port 53), `[v6]:port` or a bare IPv6
 * address, and returns them in the form `Resolver.setServers` takes. Reports every bad entry at once.
 *
 * @example parseDnsServers(['10.0.0.2', '127.0.0.1:5353', '[::1]:53']) // → ['10.0.0.2:53', '127.0.0.1:5353', '[::1]:53']
 */
export function parseDnsServers(list: readonly string[], path = 'dnsServers'): string[] {
  const out: string[] = [];
  const issues = list.flatMap((entry, i) => {
    const parsed = parseOne(entry.trim());
    if (parsed) {
      out.push(parsed);
      return [];
    }
    return [
      {
        path: `${path}[${i}]`,
        code: 'INVALID_DNS_SERVER',
        message: `not an IP address with an optional port: ${entry}`,
      },
    ];
  });
  if (issues.length > 0) throw new ValidationError('invalid DNS servers', issues);
  return out;
}

function parseOne(entry: string): string | null {
  if (isIP(entry) === 4) return `${entry}:53`;
  if (isIP(entry) === 6) return `[${entry}]:53`;
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(entry);
  if (bracketed) {
    const [, host = '', port = ''] = bracketed;
    return isIP(host) === 6 && isPort(port) ? `[${host}]:${Number(port)}` : null;
  }
  const plain = /^([^:]+):(\d{1,5})$/.exec(entry);
  if (plain) {
    const [, host = '', port = ''] = plain;
    return isIP(host) === 4 && isPort(port) ? `${host}:${Number(port)}` : null;
  }
  return null;
}

function isPort(text: string): boolean {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}
