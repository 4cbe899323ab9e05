import fc from 'fast-check';
import { getPublicSuffix } from 'tldts';
import tr46 from 'tr46';
import { describe, expect, it } from 'vitest';
import { canonicalizeHostname, canonicalizeHostnameUsing } from './canonicalize-hostname.ts';
import { createHostnamePolicy } from './hostname-policy.ts';
import { HOSTNAME_ERROR_MESSAGES, type HostnameResult } from './hostname-result.ts';
import { endsInNumber } from './ip-literal.ts';
import { isSpecialUseHostname } from './special-use.ts';
import { toAsciiHostname } from './to-ascii-hostname.ts';

const CANONICAL = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const policy = createHostnamePolicy(['saas.com', 'bücher-saas.de']);
const RUNS = { numRuns: 2000 };

/** Any UTF-16 code unit, lone surrogates included: what a broken client or a fuzzer can send. */
const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u));
/** Characters that reach the deep paths: LDH, upper case, IDN letters, joiners, marks, RTL, full-width, dots, URL parts. */
const hostChar = fc.constantFrom(
  ...'abcxn0129-.-.ABXN',
  'ü',
  'ß',
  'ς',
  'Ü',
  '日',
  'م',
  'ث',
  'א',
  '\u200c',
  '\u200d',
  '\u0301',
  '\u094d',
  'ｘ',
  'Ａ',
  '１',
  '\u3002',
  '\ufe0f',
  '*',
  ':',
  '/',
  '_',
  ' ',
);
const label = fc.oneof(
  fc.string({ unit: hostChar, maxLength: 12 }),
  fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/),
  fc.constantFrom(
    'xn--bcher-kva',
    'xn--fa-hia',
    'xn--ls8h',
    'xn--abc',
    'xn--',
    'ab--c',
    'com',
    'co',
    'uk',
    'saas',
    '0x1f',
  ),
);
const hostnameish = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 6 }), fc.boolean())
  .map(([labels, dot]) => labels.join('.') + (dot ? '.' : ''));
/** Lowercase LDH strings (the fast path's alphabet), often hostname-shaped, sometimes near the length limits. */
const ldhLabel = fc.oneof(
  fc.stringMatching(/^[a-z0-9-]{0,12}$/),
  fc.constantFrom(
    'xn--bcher-kva',
    'xn--zca',
    'xn--abc',
    'xn--a-ecp',
    'xn--',
    'ab--cd',
    'com',
    'co',
    'uk',
    'github',
    'io',
  ),
  fc.integer({ min: 60, max: 66 }).map((n) => 'a'.repeat(n)),
);
const ldhName = fc
  .tuple(fc.array(ldhLabel, { minLength: 1, maxLength: 6 }), fc.boolean())
  .map(([labels, dot]) => labels.join('.') + (dot ? '.' : ''));
const longLdhName = fc
  .array(fc.constantFrom('a'.repeat(63), 'b'.repeat(61), 'c', 'com'), { maxLength: 6 })
  .map((l) => l.join('.'));

const anyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'binary-ascii', maxLength: 80 }),
  fc.string({ unit: utf16Unit, maxLength: 80 }),
  hostnameish,
  ldhName,
  fc.domain(),
);

/** Every invariant an accepted result must satisfy; a rejected one must carry a known code and its message. */
function assertWellFormed(r: HostnameResult): void {
  if (!r.ok) {
    expect(r.message).toBe(HOSTNAME_ERROR_MESSAGES[r.code]);
    return;
  }
  expect(r.hostname).toMatch(CANONICAL);
  expect(r.hostname.split('.').length).toBeGreaterThanOrEqual(2);
  expect(getPublicSuffix(r.hostname, { allowPrivateDomains: true })).not.toBe(r.hostname);
  expect(endsInNumber(r.hostname)).toBe(false);
  expect(isSpecialUseHostname(r.hostname)).toBe(false);
  // Idempotent, and the U-label form leads back to the same name.
  expect(canonicalizeHostname(r.hostname, policy)).toEqual(r);
  expect(canonicalizeHostname(r.unicode, policy)).toEqual(r);
}

function flipAsciiCase(s: string, mask: readonly boolean[]): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    out +=
      mask[i % mask.length] && /[a-z]/iu.test(ch)
        ? ch === ch.toLowerCase()
          ? ch.toUpperCase()
          : ch.toLowerCase()
        : ch;
  }
  return out;
}

describe('canonicalizeHostname properties', () => {
  it('never throws on any string and every result is well-formed', () => {
    fc.assert(
      fc.property(anyString, (s) => assertWellFormed(canonicalizeHostname(s, policy))),
      RUNS,
    );
  });

  it('never throws on non-string input and answers NOT_A_STRING', () => {
    fc.assert(
      fc.property(
        fc
          .anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withDate: true })
          .filter((v) => typeof v !== 'string'),
        (v) => {
          expect(canonicalizeHostname(v, policy)).toMatchObject({ ok: false, code: 'NOT_A_STRING' });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is idempotent on generated domains', () => {
    fc.assert(
      fc.property(fc.oneof(fc.domain(), hostnameish), (s) => {
        const r = canonicalizeHostname(s, policy);
        if (r.ok) expect(canonicalizeHostname(r.hostname, policy)).toEqual(r);
      }),
      RUNS,
    );
  });

  it('accepts most generated domains (the generators are not vacuous)', () => {
    const sample = fc.sample(fc.domain(), { numRuns: 500, seed: 42 });
    const accepted = sample.filter((s) => canonicalizeHostname(s).ok).length;
    expect(accepted).toBeGreaterThan(sample.length / 2);
  });

  it('ignores ASCII case', () => {
    fc.assert(
      fc.property(anyString, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (s, mask) => {
        expect(canonicalizeHostname(flipAsciiCase(s, mask), policy)).toEqual(canonicalizeHostname(s, policy));
      }),
      RUNS,
    );
  });

  it('ignores one trailing dot', () => {
    fc.assert(
      fc.property(
        fc.oneof(hostnameish, ldhName, fc.domain()).filter((s) => s.length > 0 && !/[.\u3002\uff0e\uff61]$/u.test(s)),
        (s) => {
          expect(canonicalizeHostname(`${s}.`, policy)).toEqual(canonicalizeHostname(s, policy));
        },
      ),
      RUNS,
    );
  });

  it('fast path and full UTS-46 path agree on ASCII input', () => {
    const ascii = fc.oneof(ldhName, longLdhName, fc.domain(), fc.string({ unit: 'binary-ascii', maxLength: 40 }));
    fc.assert(
      fc.property(ascii, fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }), (s, mask) => {
        for (const input of [s, flipAsciiCase(s, mask)]) {
          expect(canonicalizeHostnameUsing(input, policy, true)).toEqual(
            canonicalizeHostnameUsing(input, policy, false),
          );
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('fast path accepts exactly what tr46 accepts with the brief options (verifyDNSLength on)', () => {
    const options = {
      checkBidi: true,
      checkHyphens: true,
      checkJoiners: true,
      useSTD3ASCIIRules: true,
      transitionalProcessing: false,
      verifyDNSLength: true,
    };
    fc.assert(
      fc.property(
        fc.oneof(ldhName, longLdhName),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        (lower, mask) => {
          const s = flipAsciiCase(lower, mask);
          const name = s.endsWith('.') ? s.slice(0, -1) : s;
          const ours = toAsciiHostname(s);
          const theirs = tr46.toASCII(name, options);
          expect(typeof ours === 'string' ? ours : null).toBe(theirs);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
