import type { DnsLookup } from './dns-lookup.ts';
import type { CaaStep } from './evaluate-caa.ts';
import type { CnameWalk } from './evaluate-dns.ts';

/**
 * Follows a hostname's CNAMEs one hop at a time until the chain reaches `target`, ends, loops or
 * exceeds `maxHops` (at most `maxHops` lookups).
 */
export async function walkCname(
  hostname: string,
  lookup: DnsLookup,
  target: string,
  maxHops: number,
): Promise<CnameWalk> {
  const chain: string[] = [];
  const seen = new Set([hostname]);
  let current = hostname;
  for (let hop = 0; hop < maxHops; hop++) {
    const result = await lookup.resolveCname(current);
    if (result.kind !== 'answer') return { chain, end: result.kind };
    const next = result.records[0] ?? '';
    chain.push(next);
    if (target !== '' && next === target) return { chain, end: 'target' };
    if (seen.has(next)) return { chain, end: 'loop' };
    seen.add(next);
    current = next;
  }
  return { chain, end: 'too-long' };
}

/**
 * Looks up CAA from the hostname (for `*.x`, from `x`) towards the TLD, stopping at the first
 * non-empty RRset or failed lookup (RFC 8659 §3). Returns every step taken, in order.
 */
export async function climbCaa(hostname: string, lookup: DnsLookup): Promise<CaaStep[]> {
  const labels = hostname.replace(/^\*\./, '').split('.');
  const steps: CaaStep[] = [];
  for (let i = 0; i < labels.length; i++) {
    const name = labels.slice(i).join('.');
    const result = await lookup.resolveCaa(name);
    steps.push({ name, result });
    if (result.kind !== 'nodata' && result.kind !== 'nxdomain') break;
  }
  return steps;
}
