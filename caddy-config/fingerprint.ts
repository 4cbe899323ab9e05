import { createHash } from 'node:crypto';
import type { Fingerprint } from '../control-plane/types.ts';
import { canonicalJson } from './canonical-json.ts';

/**
 * sha256 hex of {@link canonicalJson}: equal for documents that differ only in key order. Used to
 * compare the config pushed to a node with what `GET /config/` returns.
 */
export function fingerprint(value: unknown): Fingerprint {
  return createHash('sha256').update(canonicalJson(value)).digest('hex') as Fingerprint;
}
