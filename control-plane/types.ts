/** Branded primitives shared across the daemon. Brands stop an unchecked string from being used where a checked one is required. */

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A canonical hostname: lowercase A-labels, no trailing dot. Only `canonicalizeHostname` makes these. */
export type Hostname = Brand<string, 'Hostname'>;
/** A Caddy node's stable id (e.g. `local-0`, an EC2 instance id). */
export type NodeId = Brand<string, 'NodeId'>;
/** sha256 hex of a canonical JSON document. */
export type Fingerprint = Brand<string, 'Fingerprint'>;

export const DOMAIN_STATUSES = ['pending', 'active', 'moved', 'deleted', 'blocked'] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];
