import type { DomainStatus, Hostname } from '../types.ts';

/** A custom domain as stored. Times are epoch milliseconds. */
export interface Domain {
  hostname: Hostname;
  hostnameUnicode: string;
  status: DomainStatus;
  statusReason: string | null;
  /** Named upstream, or null for the default upstream. */
  upstream: string | null;
  metadata: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** Who made a change: an API token id (`token:<8 hex>`), `system`, `checker`, `operator`. */
export type Actor = string;

export const MAX_METADATA_BYTES = 4096;

/** Statuses ask answers yes for. One place, so ask, the config builder and removal agree. */
export function isServable(status: DomainStatus): boolean {
  return status === 'active';
}

/** What a domain contributes to the Caddy config: its named upstream while servable, else nothing. */
export function routedUpstream(domain: Pick<Domain, 'status' | 'upstream'> | undefined): string | null {
  if (!domain || !isServable(domain.status)) return null;
  return domain.upstream;
}

/** The JSON shape of a domain in the REST API. */
export interface DomainJson {
  hostname: string;
  hostname_unicode: string;
  status: DomainStatus;
  status_reason: string | null;
  upstream: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export function domainToJson(d: Domain): DomainJson {
  return {
    hostname: d.hostname,
    hostname_unicode: d.hostnameUnicode,
    status: d.status,
    status_reason: d.statusReason,
    upstream: d.upstream,
    metadata: d.metadata,
    created_at: new Date(d.createdAt).toISOString(),
    updated_at: new Date(d.updatedAt).toISOString(),
  };
}
