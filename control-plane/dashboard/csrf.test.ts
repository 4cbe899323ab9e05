import { describe, expect, it } from 'vitest';
import { assertCsrf, csrfTokenMatches, isSameOrigin } from './csrf.ts';

const url = 'http://fleet.internal:8080/dashboard/reconcile';

describe('isSameOrigin', () => {
  it.each([
    [undefined, undefined, true],
    ['http://fleet.internal:8080', 'same-origin', true],
    ['https://fleet.internal:8080', undefined, true], // TLS terminated in front of the daemon
    ['http://fleet.internal:8081', undefined, false],
    ['http://evil.example', 'cross-site', false],
    [undefined, 'same-site', false],
    [undefined, 'cross-site', false],
    ['null', undefined, false],
    ['file://fleet.internal:8080', undefined, false],
  ] as const)('origin %s, sec-fetch-site %s → %s', (origin, secFetchSite, expected) => {
    expect(isSameOrigin({ url, origin, secFetchSite })).toBe(expected);
  });
});

describe('csrfTokenMatches', () => {
  it('matches only the exact token', () => {
    expect(csrfTokenMatches('abc', 'abc')).toBe(true);
    expect(csrfTokenMatches('abc', 'abd')).toBe(false);
    expect(csrfTokenMatches('abc', '')).toBe(false);
    expect(csrfTokenMatches('abc', undefined)).toBe(false);
    expect(csrfTokenMatches('abc', 'a'.repeat(300))).toBe(false);
  });
});

describe('assertCsrf', () => {
  it('throws CSRF_FAILED for a cross-origin request or a wrong token', () => {
    expect(() => assertCsrf({ url, origin: 'http://evil.example', secFetchSite: undefined }, 't', 't')).toThrow(
      expect.objectContaining({ code: 'CSRF_FAILED', status: 403 }),
    );
    expect(() => assertCsrf({ url, origin: undefined, secFetchSite: 'same-origin' }, 't', 'u')).toThrow(
      expect.objectContaining({ code: 'CSRF_FAILED' }),
    );
    expect(() => assertCsrf({ url, origin: undefined, secFetchSite: 'same-origin' }, 't', 't')).not.toThrow();
  });
});
