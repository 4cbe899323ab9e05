import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import type { Hostname } from '../types.ts';
import { canonicalizeHostname } from './canonicalize-hostname.ts';
import { createHostnamePolicy } from './hostname-policy.ts';

describe('createHostnamePolicy', () => {
  it('canonicalises and de-duplicates platform domains', () => {
    const policy = createHostnamePolicy(['SaaS.com.', 'saas.com', 'Bücher-SaaS.de', 'fleet.test']);
    expect(policy.platformDomains).toEqual(['saas.com', 'xn--bcher-saas-9db.de', 'fleet.test']);
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.platformDomains)).toBe(true);
  });

  it('accepts an empty list, which rejects no customer domain', () => {
    const policy = createHostnamePolicy([]);
    expect(policy.platformDomains).toEqual([]);
    expect(canonicalizeHostname('saas.com', policy)).toMatchObject({ ok: true });
  });

  it('throws VALIDATION_FAILED listing every invalid entry with its index and code', () => {
    let thrown: unknown;
    try {
      createHostnamePolicy([
        'ok.com',
        'com',
        '1.2.3.4',
        ' saas.com',
        '*.saas.com',
        'intranet',
        42 as unknown as string,
      ]);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    const err = thrown as ValidationError;
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.status).toBe(400);
    expect(err.issues?.map((i) => [i.path, i.code])).toEqual([
      ['platformDomains[1]', 'PUBLIC_SUFFIX'],
      ['platformDomains[2]', 'IP_ADDRESS'],
      ['platformDomains[3]', 'WHITESPACE'],
      ['platformDomains[4]', 'WILDCARD_UNSUPPORTED'],
      ['platformDomains[5]', 'SINGLE_LABEL'],
      ['platformDomains[6]', 'NOT_A_STRING'],
    ]);
    expect(err.issues?.[1]?.message).toContain('"1.2.3.4"');
  });

  it('matches platform domains on label boundaries only', () => {
    const policy = createHostnamePolicy(['saas.com']);
    expect(canonicalizeHostname('saas.com', policy)).toMatchObject({ ok: false, code: 'PLATFORM_DOMAIN' });
    expect(canonicalizeHostname('deep.a.saas.com', policy)).toMatchObject({ ok: false, code: 'PLATFORM_DOMAIN' });
    expect(canonicalizeHostname('notsaas.com', policy)).toMatchObject({ ok: true, hostname: 'notsaas.com' });
    expect(canonicalizeHostname('saas.com.au', policy)).toMatchObject({ ok: true, hostname: 'saas.com.au' });
  });

  it('gives the same answers for a hand-built policy object', () => {
    const policy = { platformDomains: ['saas.com' as Hostname] };
    expect(canonicalizeHostname('a.saas.com', policy)).toMatchObject({ ok: false, code: 'PLATFORM_DOMAIN' });
    expect(canonicalizeHostname('notsaas.com', policy)).toMatchObject({ ok: true });
  });
});
