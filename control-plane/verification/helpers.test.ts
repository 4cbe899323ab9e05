import { describe, expect, it } from 'vitest';
import { parseDnsServers } from './dns-servers.ts';
import { formatDuration } from './duration.ts';
import { normalizeIp } from './ip-address.ts';
import { classifyDnsError } from './node-dns-lookup.ts';
import { effectivePolicy } from './settings.ts';
import { generateVerificationToken, isVerificationToken, txtRecordName } from './token.ts';

describe('normalizeIp', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['2001:DB8::1', '2001:db8:0:0:0:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8:0:0:0:0:0:1'],
    ['::1', '0:0:0:0:0:0:0:1'],
    ['::', '0:0:0:0:0:0:0:0'],
    ['fe80::1%eth0', 'fe80:0:0:0:0:0:0:1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0:0:0:c000:201'],
    ['not-an-ip', null],
    ['300.1.1.1', null],
  ])('%s → %s', (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });
});

describe('parseDnsServers', () => {
  it('accepts host:port, bare addresses and bracketed IPv6', () => {
    expect(parseDnsServers(['10.0.0.2', '127.0.0.1:5353', '[::1]:53', '2001:db8::53'])).toEqual([
      '10.0.0.2:53',
      '127.0.0.1:5353',
      '[::1]:53',
      '[2001:db8::53]:53',
    ]);
  });

  it('reports every bad entry with its index', () => {
    try {
      parseDnsServers(['dns.example:53', '127.0.0.1:0', '127.0.0.1:53', '[10.0.0.1]:53']);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((err as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
        'dnsServers[0]',
        'dnsServers[1]',
        'dnsServers[3]',
      ]);
    }
  });
});

describe('classifyDnsError', () => {
  it.each([
    ['ENODATA', 'nodata'],
    ['ENOTFOUND', 'nxdomain'],
    ['ESERVFAIL', 'servfail'],
    ['ETIMEOUT', 'timeout'],
    ['ECANCELLED', 'timeout'],
    ['EREFUSED', 'refused'],
    ['ECONNREFUSED', 'refused'],
    ['EBADRESP', 'error'],
  ])('%s → %s', (code, kind) => {
    expect(classifyDnsError(Object.assign(new Error(code), { code })).kind).toBe(kind);
  });

  it('keeps the code of an unknown error', () => {
    expect(classifyDnsError(new Error('boom'))).toEqual({ kind: 'error', code: 'UNKNOWN' });
  });
});

describe('tokens and names', () => {
  it('makes distinct URL-safe tokens of at least 128 bits', () => {
    const tokens = new Set(Array.from({ length: 50 }, generateVerificationToken));
    expect(tokens.size).toBe(50);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(isVerificationToken(token)).toBe(true);
    }
    expect(isVerificationToken('short')).toBe(false);
    expect(isVerificationToken('has spaces in it and is long enough')).toBe(false);
  });

  it('puts the TXT record under _caddy-fleet', () => {
    expect(txtRecordName('shop.example')).toBe('_caddy-fleet.shop.example');
  });

  it('formats durations with the two largest units', () => {
    expect([
      formatDuration(7 * 86_400_000),
      formatDuration(90 * 60_000),
      formatDuration(45_000),
      formatDuration(5),
    ]).toEqual(['7d', '1h 30m', '45s', '5ms']);
  });

  it('lets a domain override the deployment policy', () => {
    expect(effectivePolicy('txt', { verification: 'dns' })).toBe('txt');
    expect(effectivePolicy(null, { verification: 'dns' })).toBe('dns');
  });
});
