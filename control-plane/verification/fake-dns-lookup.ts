import type { DnsLookup, LookupResult } from './dns-lookup.ts';
import type { CaaRecord } from './types.ts';

type RecordType = 'CNAME' | 'A' | 'AAAA' | 'TXT' | 'CAA';

/**
 * An in-memory {@link DnsLookup} for tests above the DNS layer: canned results per (type, name);
 * anything not set is NODATA. Unlike a resolver it does not follow CNAMEs for A/AAAA/TXT/CAA:
 * set what the resolver would return. Counts questions in `queries`.
 */
export class FakeDnsLookup implements DnsLookup {
  readonly #results = new Map<string, LookupResult<unknown>>();
  readonly queries: string[] = [];

  /** Sets the result for one question; arrays become answers (an empty array is NODATA). */
  set(type: RecordType, name: string, result: LookupResult<unknown> | readonly unknown[]): this {
    const value = Array.isArray(result)
      ? result.length > 0
        ? { kind: 'answer' as const, records: [...result] }
        : { kind: 'nodata' as const }
      : (result as LookupResult<unknown>);
    this.#results.set(`${type} ${name}`, value);
    return this;
  }

  /** Forgets every canned result. */
  clear(): void {
    this.#results.clear();
  }

  resolveCname(name: string): Promise<LookupResult<string>> {
    return this.#get('CNAME', name);
  }
  resolve4(name: string): Promise<LookupResult<string>> {
    return this.#get('A', name);
  }
  resolve6(name: string): Promise<LookupResult<string>> {
    return this.#get('AAAA', name);
  }
  resolveTxt(name: string): Promise<LookupResult<string>> {
    return this.#get('TXT', name);
  }
  resolveCaa(name: string): Promise<LookupResult<CaaRecord>> {
    return this.#get('CAA', name);
  }

  async #get<T>(type: RecordType, name: string): Promise<LookupResult<T>> {
    this.queries.push(`${type} ${name}`);
    return (this.#results.get(`${type} ${name}`) ?? { kind: 'nodata' }) as LookupResult<T>;
  }
}
