import { Resolver } from 'node:dns/promises';
import type { DnsLookup, LookupResult } from './dns-lookup.ts';
import type { CaaRecord } from './types.ts';

/** How {@link NodeDnsLookup} talks to DNS. */
export interface NodeDnsLookupOptions {
  /** Servers as `Resolver.setServers` takes them (see `parseDnsServers`); empty = the system's resolvers. */
  servers: readonly string[];
  /** c-ares timeout of the first try, in ms (later tries wait longer). */
  timeoutMs: number;
  /** Tries per server. */
  tries: number;
  /** Hard limit for one lookup, in ms: past it the query is cancelled and reported as `timeout`. */
  deadlineMs: number;
}

/**
 * {@link DnsLookup} on `node:dns/promises`. Each lookup gets its own `Resolver`, so cancelling one at
 * its deadline never cancels another (`Resolver#cancel` cancels everything outstanding on it).
 */
export class NodeDnsLookup implements DnsLookup {
  readonly #options: NodeDnsLookupOptions;

  constructor(options: NodeDnsLookupOptions) {
    this.#options = options;
  }

  resolveCname(name: string): Promise<LookupResult<string>> {
    return this.#query(
      (r) => r.resolveCname(name),
      (targets) => targets.map(normalizeName),
    );
  }

  resolve4(name: string): Promise<LookupResult<string>> {
    return this.#query(
      (r) => r.resolve4(name),
      (addresses) => addresses,
    );
  }

  resolve6(name: string): Promise<LookupResult<string>> {
    return this.#query(
      (r) => r.resolve6(name),
      (addresses) => addresses,
    );
  }

  resolveTxt(name: string): Promise<LookupResult<string>> {
    return this.#query(
      (r) => r.resolveTxt(name),
      (records) => records.map((chunks) => chunks.join('')),
    );
  }

  resolveCaa(name: string): Promise<LookupResult<CaaRecord>> {
    return this.#query(
      (r) => r.resolveCaa(name),
      (records) => records.flatMap(toCaaRecord),
    );
  }

  async #query<R, T>(ask: (resolver: Resolver) => Promise<R[]>, convert: (raw: R[]) => T[]): Promise<LookupResult<T>> {
    const { servers, timeoutMs, tries, deadlineMs } = this.#options;
    const resolver = new Resolver({ timeout: timeoutMs, tries });
    if (servers.length > 0) resolver.setServers([...servers]);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), deadlineMs);
    });
    try {
      const raced = await Promise.race([ask(resolver), deadline]);
      if (raced === 'deadline') {
        resolver.cancel();
        return { kind: 'timeout' };
      }
      // A response holding only a CNAME (no records of the asked type) comes back as an empty list.
      const records = convert(raced);
      return records.length > 0 ? { kind: 'answer', records } : { kind: 'nodata' };
    } catch (err) {
      return classifyDnsError(err);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Maps a `node:dns` error to the failure kinds of {@link LookupResult}. */
export function classifyDnsError(err: unknown): LookupResult<never> {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'UNKNOWN';
  switch (code) {
    case 'ENODATA':
      return { kind: 'nodata' };
    case 'ENOTFOUND':
      return { kind: 'nxdomain' };
    case 'ESERVFAIL':
      return { kind: 'servfail' };
    case 'ETIMEOUT':
    case 'ECANCELLED':
      return { kind: 'timeout' };
    case 'EREFUSED':
    case 'ECONNREFUSED':
      return { kind: 'refused' };
    default:
      return { kind: 'error', code };
  }
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Node reports a CAA record as `{ critical, <tag>: value }`; the tag is whichever other key is present. */
function toCaaRecord(raw: object): CaaRecord[] {
  const entries = Object.entries(raw as Record<string, unknown>);
  const flags = Number((raw as { critical?: unknown }).critical ?? 0);
  return entries
    .filter(([key, value]) => key !== 'critical' && key !== 'type' && typeof value === 'string')
    .map(([tag, value]) => ({ flags, tag, value: value as string }));
}
