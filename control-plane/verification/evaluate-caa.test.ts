import { describe, expect, it } from 'vitest';
import { parseCaaIssueValue } from './caa-issue-value.ts';
import { type CaaStep, evaluateCaa } from './evaluate-caa.ts';
import type { CaaRecord } from './types.ts';

const LE = ['letsencrypt.org'];
const rec = (tag: string, value: string, flags = 0): CaaRecord => ({ flags, tag, value });
const at = (name: string, ...records: CaaRecord[]): CaaStep => ({
  name,
  result: records.length > 0 ? { kind: 'answer', records } : { kind: 'nodata' },
});

describe('parseCaaIssueValue', () => {
  it.each([
    ['letsencrypt.org', { issuer: 'letsencrypt.org', parameters: {} }],
    ['  LetsEncrypt.ORG  ', { issuer: 'letsencrypt.org', parameters: {} }],
    [';', { issuer: null, parameters: {} }],
    ['', { issuer: null, parameters: {} }],
    [
      'ca.example; account=123; validationmethods=http-01,dns-01',
      {
        issuer: 'ca.example',
        parameters: { account: '123', validationmethods: 'http-01,dns-01' },
      },
    ],
    ['ca.example;', { issuer: 'ca.example', parameters: {} }],
  ])('parses %j', (value, expected) => {
    expect(parseCaaIssueValue(value)).toEqual(expected);
  });

  it.each(['ca example', 'ca.example; =x', 'ca.example; key value', '-ca.example', 'ca..example'])(
    'rejects %j',
    (value) => {
      expect(parseCaaIssueValue(value)).toBeNull();
    },
  );
});

const cases: [string, string, CaaStep[], string, string[]][] = [
  ['no CAA anywhere', 'a.b.example', [at('a.b.example'), at('b.example'), at('example')], 'pass', []],
  ['issue allows our CA', 'shop.example', [at('shop.example', rec('issue', 'letsencrypt.org'))], 'pass', []],
  [
    'one of several issuers is ours',
    'shop.example',
    [at('shop.example', rec('issue', 'sectigo.com'), rec('issue', 'letsencrypt.org'))],
    'pass',
    [],
  ],
  [
    'issue names another CA',
    'shop.example',
    [at('shop.example', rec('issue', 'sectigo.com'))],
    'fail',
    ['CAA_FORBIDS'],
  ],
  ['issue ";" forbids all', 'shop.example', [at('shop.example', rec('issue', ';'))], 'fail', ['CAA_FORBIDS']],
  [
    'malformed issue value authorizes nobody',
    'shop.example',
    [at('shop.example', rec('issue', 'lets encrypt'))],
    'fail',
    ['CAA_FORBIDS'],
  ],
  [
    'tag compared case-insensitively',
    'shop.example',
    [at('shop.example', rec('ISSUE', 'letsencrypt.org'))],
    'pass',
    [],
  ],
  [
    'issuewild ignored for non-wildcard',
    'shop.example',
    [at('shop.example', rec('issuewild', ';'), rec('issue', 'letsencrypt.org'))],
    'pass',
    [],
  ],
  [
    'only issuewild and iodef: any CA may issue',
    'shop.example',
    [at('shop.example', rec('issuewild', ';'), rec('iodef', 'mailto:x@example'))],
    'pass',
    [],
  ],
  [
    'issuewild wins for wildcard',
    '*.example',
    [at('example', rec('issue', 'letsencrypt.org'), rec('issuewild', ';'))],
    'fail',
    ['CAA_FORBIDS'],
  ],
  ['wildcard falls back to issue', '*.example', [at('example', rec('issue', 'letsencrypt.org'))], 'pass', []],
  [
    'inherited from parent',
    'a.shop.example',
    [at('a.shop.example'), at('shop.example', rec('issue', 'sectigo.com'))],
    'fail',
    ['CAA_FORBIDS'],
  ],
  [
    'nearest non-empty set wins',
    'a.shop.example',
    [at('a.shop.example', rec('issue', 'letsencrypt.org')), at('shop.example', rec('issue', ';'))],
    'pass',
    [],
  ],
  [
    'unknown critical tag denies',
    'shop.example',
    [at('shop.example', rec('issue', 'letsencrypt.org'), rec('tbs', 'x', 128))],
    'fail',
    ['CAA_FORBIDS'],
  ],
  [
    'unknown non-critical tag ignored',
    'shop.example',
    [at('shop.example', rec('issue', 'letsencrypt.org'), rec('tbs', 'x'))],
    'pass',
    [],
  ],
  [
    'critical known tag is fine',
    'shop.example',
    [at('shop.example', rec('issue', 'letsencrypt.org', 128))],
    'pass',
    [],
  ],
  [
    'validationmethods without a Caddy method',
    'shop.example',
    [at('shop.example', rec('issue', 'letsencrypt.org; validationmethods=dns-01'))],
    'fail',
    ['CAA_FORBIDS'],
  ],
  [
    'validationmethods with tls-alpn-01',
    'shop.example',
    [at('shop.example', rec('issue', 'letsencrypt.org; validationmethods=dns-01,tls-alpn-01'))],
    'pass',
    [],
  ],
  [
    'SERVFAIL before any set',
    'a.example',
    [{ name: 'a.example', result: { kind: 'servfail' } }],
    'inconclusive',
    ['SERVFAIL'],
  ],
  [
    'NXDOMAIN climbs on',
    'a.example',
    [{ name: 'a.example', result: { kind: 'nxdomain' } }, at('example', rec('issue', ';'))],
    'fail',
    ['CAA_FORBIDS'],
  ],
];

describe('evaluateCaa', () => {
  it.each(cases)('%s', (_name, hostname, steps, outcome, codes) => {
    const verdict = evaluateCaa(hostname, steps, LE);
    expect(verdict.outcome).toBe(outcome);
    expect(verdict.reasons.map((r) => r.code)).toEqual(codes);
  });

  it('reports the relevant set and where it was found', () => {
    const verdict = evaluateCaa(
      'a.shop.example',
      [at('a.shop.example'), at('shop.example', rec('issue', 'sectigo.com'))],
      LE,
    );
    expect(verdict.relevant).toEqual({ name: 'shop.example', records: [rec('issue', 'sectigo.com')] });
    expect(verdict.reasons[0]?.message).toBe(
      'CAA at shop.example does not allow letsencrypt.org to issue (issue "sectigo.com")',
    );
  });

  it('accepts any configured CA identity and skips the check when none is configured', () => {
    const steps = [at('shop.example', rec('issue', 'pki.goog'))];
    expect(evaluateCaa('shop.example', steps, ['letsencrypt.org', 'pki.goog']).outcome).toBe('pass');
    expect(evaluateCaa('shop.example', steps, []).outcome).toBe('pass');
  });
});
