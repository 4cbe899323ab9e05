import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.ts';

const secret = 'whsec-0123456789abcdef';
const body =
  '{"id":"evt_0123456789abcdef01234567","type":"domain.created","created_at":"2024-01-01T00:00:00.000Z","data":{}}';
const t = 1_700_000_000;

describe('signWebhook', () => {
  it('is t=<t>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signWebhook(secret, body, t)).toBe(`t=${t},v1=${expected}`);
    expect(signWebhook(secret, Buffer.from(body), t)).toBe(`t=${t},v1=${expected}`);
  });

  it('refuses a timestamp that is not unix seconds', () => {
    expect(() => signWebhook(secret, body, 1.5)).toThrow(RangeError);
    expect(() => signWebhook(secret, body, -1)).toThrow(RangeError);
  });
});

describe('verifyWebhookSignature', () => {
  const header = signWebhook(secret, body, t);

  it('accepts a fresh, untouched delivery', () => {
    expect(verifyWebhookSignature(secret, header, body, t + 10)).toEqual({ ok: true, t });
    expect(verifyWebhookSignature(secret, header, Buffer.from(body), t - 10)).toEqual({ ok: true, t });
  });

  it('rejects a tampered body, a wrong secret and a swapped timestamp', () => {
    expect(verifyWebhookSignature(secret, header, body.replace('created', 'deleted'), t)).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature('another-secret-0123', header, body, t)).toMatchObject({ reason: 'mismatch' });
    const replayed = header.replace(`t=${t}`, `t=${t + 100}`);
    expect(verifyWebhookSignature(secret, replayed, body, t + 100)).toMatchObject({ reason: 'mismatch' });
  });

  it('rejects a stale (replayed) or future timestamp outside the tolerance', () => {
    expect(verifyWebhookSignature(secret, header, body, t + 301)).toEqual({ ok: false, reason: 'stale', t });
    expect(verifyWebhookSignature(secret, header, body, t - 301)).toMatchObject({ reason: 'stale' });
    expect(verifyWebhookSignature(secret, header, body, t + 50, 30)).toMatchObject({ reason: 'stale' });
  });

  it('rejects malformed headers', () => {
    for (const h of [undefined, '', 'garbage', `t=${t}`, 'v1=abc', `t=x,v1=${'0'.repeat(64)}`, `t=${t},t=${t},v1=00`]) {
      expect(verifyWebhookSignature(secret, h, body, t)).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const old = signWebhook('old-secret-0123456789', body, t).split(',')[1];
    expect(verifyWebhookSignature(secret, `${header},${old}`, body, t).ok).toBe(true);
    expect(verifyWebhookSignature(secret, `t=${t},${old}`, body, t).ok).toBe(false);
  });
});
