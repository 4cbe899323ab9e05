import { createHmac, timingSafeEqual } from 'node:crypto';

/** Name of the signature header on every webhook delivery. */
export const SIGNATURE_HEADER = 'Caddy-Fleet-Signature';

function hmacHex(secret: string, t: number, body: string | Uint8Array): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${t}.`, 'utf8');
  mac.update(body);
  return mac.digest('hex');
}

/**
 * The `Caddy-Fleet-Signature` value for a body sent at `t` (unix seconds):
 * `t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The timestamp is signed with the body,
 * so a receiver that rejects old timestamps cannot be fooled by a replay.
 *
 * @example signWebhook('s3cret-s3cret-s3cret', '{"id":"evt_1"}', 1700000000) // 't=1700000000,v1=…'
 */
export function signWebhook(secret: string, body: string | Uint8Array, t: number): string {
  if (!Number.isSafeInteger(t) || t < 0) throw new RangeError('t must be unix seconds');
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

export type SignatureCheck =
  | { ok: true; t: number }
  | { ok: false; reason: 'malformed' | 'stale' | 'mismatch'; t?: number };

/**
 * Checks a `Caddy-Fleet-Signature` header against the raw body, for receivers and tests. Fails when the
 * header is malformed, when `t` is more than `toleranceSec` away from `nowSec` (both unix seconds), or
 * when no `v1` matches (compared in constant time). Several `v1=` entries are accepted (secret rotation).
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string | Uint8Array,
  nowSec: number,
  toleranceSec = 300,
): SignatureCheck {
  if (!header || header.length > 2048) return { ok: false, reason: 'malformed' };
  let t: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) return { ok: false, reason: 'malformed' };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value) || t !== undefined) return { ok: false, reason: 'malformed' };
      t = Number(value);
    } else if (key === 'v1') {
      if (/^[0-9a-f]{64}$/.test(value)) candidates.push(value);
    }
  }
  if (t === undefined || candidates.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSec - t) > toleranceSec) return { ok: false, reason: 'stale', t };
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  let match = false;
  for (const c of candidates) if (timingSafeEqual(expected, Buffer.from(c, 'hex'))) match = true;
  return match ? { ok: true, t } : { ok: false, reason: 'mismatch', t };
}
