import { describe, expect, it } from 'vitest';
import type { Hostname } from '../types.ts';
import { canonicalizeHostname, toUnicodeHostname } from './canonicalize-hostname.ts';
import { createHostnamePolicy } from './hostname-policy.ts';
import { HOSTNAME_ERROR_MESSAGES, type HostnameErrorCode } from './hostname-result.ts';

const policy = createHostnamePolicy(['saas.com', 'Plattform-Bücher.de.']);

const label63 = 'a'.repeat(63);
/** 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 characters, the DNS maximum. */
const name253 = `${label63}.${label63}.${label63}.${'b'.repeat(57)}.com`;

/** A short, escaped test title for any input (some are a megabyte long, some are not strings). */
function show(input: unknown): string {
  if (typeof input !== 'string') return `${typeof input} ${Object.prototype.toString.call(input)}`;
  const escaped = JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input).replace(
    /[^\x20-\x7e]/gu,
    (ch) => `\\u{${ch.codePointAt(0)?.toString(16)}}`,
  );
  return `${escaped} (${input.length})`;
}

describe('canonicalizeHostname accepts', () => {
  const accepted: ReadonlyArray<readonly [input: string, hostname: string, unicode?: string]> = [
    ['example.com', 'example.com'],
    ['Example.COM.', 'example.com'],
    ['shop.example.co.uk', 'shop.example.co.uk'],
    ['a-b.c-d.example.org', 'a-b.c-d.example.org'],
    ['bücher.de', 'xn--bcher-kva.de', 'bücher.de'],
    ['BÜCHER.DE', 'xn--bcher-kva.de', 'bücher.de'],
    ['faß.de', 'xn--fa-hia.de', 'faß.de'], // non-transitional: ß is kept, not mapped to "ss"
    ['ς.gr', 'xn--3xa.gr', 'ς.gr'], // non-transitional: final sigma kept
    ['παράδειγμα.gr', 'xn--hxajbheg2az3al.gr', 'παράδειγμα.gr'],
    ['日本.jp', 'xn--wgv71a.jp', '日本.jp'],
    ['пример.рф', 'xn--e1afmkfd.xn--p1ai', 'пример.рф'],
    ['مثال.com', 'xn--mgbh0fb.com', 'مثال.com'], // RTL label passes the bidi rule
    ['نامه\u200cای.ir', 'xn--mgba3gch31f060k.ir', 'نامه\u200cای.ir'], // ZWNJ in a valid joining context
    ['xn--bcher-kva.de', 'xn--bcher-kva.de', 'bücher.de'],
    ['XN--BCHER-KVA.DE', 'xn--bcher-kva.de', 'bücher.de'],
    ['xn--ls8h.la', 'xn--ls8h.la', '💩.la'],
    ['♥\ufe0f.com', 'xn--g6h.com', '♥.com'], // UTS-46 ignores variation selectors
    ['ＥＸＡＭＰＬＥ.com', 'example.com'], // full-width letters map to ASCII
    ['example.com\u3002', 'example.com'], // ideographic full stop is a dot, so this is the one trailing dot
    ['a\uff0ecom', 'a.com'],
    ['a.github.io', 'a.github.io'], // under a private-section suffix
    ['www.ck', 'www.ck'], // PSL exception rule !www.ck
    ['test.com', 'test.com'], // only the TLD `test` is special-use
    ['example.com', 'example.com'], // only the TLD `example` is special-use
    ['localhost.com', 'localhost.com'],
    ['my.local.example.net', 'my.local.example.net'],
    ['1.2.3.com', '1.2.3.com'], // numeric labels are fine unless last
    ['a.0xg', 'a.0xg'], // not a hex number
    ['123abc.com', '123abc.com'],
    ['foo.intranet', 'foo.intranet'], // unknown TLDs are not rejected
    [`${label63}.com`, `${label63}.com`],
    [name253, name253],
    [`${name253}.`, name253],
    ['notsaas.com', 'notsaas.com'],
    ['saas.com.evil.com', 'saas.com.evil.com'],
    ['saas.co', 'saas.co'],
  ];

  for (const [input, hostname, unicode] of accepted) {
    it(`${show(input)} → ${hostname.length > 60 ? `${hostname.slice(0, 57)}...` : hostname}`, () => {
      const r = canonicalizeHostname(input, policy);
      expect(r).toEqual({ ok: true, hostname, unicode: unicode ?? hostname });
    });
  }
});

describe('canonicalizeHostname rejects', () => {
  const rejected: ReadonlyArray<readonly [input: unknown, code: HostnameErrorCode]> = [
    // not a string
    [42, 'NOT_A_STRING'],
    [null, 'NOT_A_STRING'],
    [undefined, 'NOT_A_STRING'],
    [{ hostname: 'a.com' }, 'NOT_A_STRING'],
    [['a.com'], 'NOT_A_STRING'],
    [new String('a.com'), 'NOT_A_STRING'],
    [Buffer.from('a.com'), 'NOT_A_STRING'],
    [Symbol('a.com'), 'NOT_A_STRING'],
    [10n, 'NOT_A_STRING'],
    // lengths
    ['', 'EMPTY'],
    [`a${name253}`, 'TOO_LONG'],
    [`a${name253}.`, 'TOO_LONG'],
    ['a'.repeat(1025), 'TOO_LONG'],
    [`${'ü'.repeat(300)}.de`, 'TOO_LONG'],
    ['x'.repeat(1_000_000), 'TOO_LONG'],
    [`${'a'.repeat(64)}.com`, 'LABEL_TOO_LONG'],
    [`${'A'.repeat(64)}.com`, 'LABEL_TOO_LONG'],
    [`${'ü'.repeat(60)}.de`, 'LABEL_TOO_LONG'], // short in U-labels, too long as an A-label
    // empty labels
    ['a..com', 'EMPTY_LABEL'],
    ['.a.com', 'EMPTY_LABEL'],
    ['a.com..', 'EMPTY_LABEL'],
    ['.', 'EMPTY_LABEL'],
    ['..', 'EMPTY_LABEL'],
    ['A..COM', 'EMPTY_LABEL'],
    ['a.com\u3002.', 'EMPTY_LABEL'],
    // characters
    ['a_b.com', 'INVALID_CHARACTER'],
    ['a!b.com', 'INVALID_CHARACTER'],
    ['a%20b.com', 'INVALID_CHARACTER'],
    ["a'b.com", 'INVALID_CHARACTER'],
    ['a,b.com', 'INVALID_CHARACTER'],
    ['a*b.com', 'INVALID_CHARACTER'],
    ['a.*.com', 'INVALID_CHARACTER'],
    ['ü_b.com', 'INVALID_CHARACTER'],
    ['a\u200bb.com', 'INVALID_CHARACTER'], // zero-width space: invisible, UTS-46 would drop it silently
    ['a\u00adb.com', 'INVALID_CHARACTER'], // soft hyphen
    ['a\u2060b.com', 'INVALID_CHARACTER'], // word joiner
    ['\ufeffa.com', 'INVALID_CHARACTER'], // byte order mark
    ['a\ud800.com', 'INVALID_CHARACTER'], // lone surrogate
    ['a\udfff.com', 'INVALID_CHARACTER'],
    // labels
    ['-a.com', 'INVALID_LABEL'],
    ['a-.com', 'INVALID_LABEL'],
    ['a.-com', 'INVALID_LABEL'],
    ['ab--c.com', 'INVALID_LABEL'], // reserved "??--" label
    ['AB--C.COM', 'INVALID_LABEL'],
    ['xn--abc.com', 'INVALID_LABEL'], // not valid punycode
    ['xn--.com', 'INVALID_LABEL'],
    ['xn--a.com', 'INVALID_LABEL'],
    ['xn--abc-.com', 'INVALID_LABEL'],
    ['xn--a-ecp.ru', 'INVALID_LABEL'],
    ['-ü.com', 'IDNA_ERROR'],
    // IP literals in any notation
    ['1.2.3.4', 'IP_ADDRESS'],
    ['1.2.3.4.', 'IP_ADDRESS'],
    ['192.168.0.1', 'IP_ADDRESS'],
    ['127.1', 'IP_ADDRESS'],
    ['3232235777', 'IP_ADDRESS'],
    ['0x7f000001', 'IP_ADDRESS'],
    ['0X7F000001', 'IP_ADDRESS'],
    ['0177.0.0.1', 'IP_ADDRESS'],
    ['0x7f.0.0.1', 'IP_ADDRESS'],
    ['0x7f.1', 'IP_ADDRESS'],
    ['1.2.3.4.5', 'IP_ADDRESS'],
    ['a.b.123', 'IP_ADDRESS'],
    ['example.0x', 'IP_ADDRESS'],
    ['example.0xff', 'IP_ADDRESS'],
    ['１２７.０.０.１', 'IP_ADDRESS'], // full-width digits map to an IPv4 address
    ['::1', 'IP_ADDRESS'],
    ['::', 'IP_ADDRESS'],
    ['[::1]', 'IP_ADDRESS'],
    ['2001:db8::1', 'IP_ADDRESS'],
    ['2001:DB8::1', 'IP_ADDRESS'],
    ['[2001:db8::1]:443', 'IP_ADDRESS'],
    ['::ffff:1.2.3.4', 'IP_ADDRESS'],
    ['[::ffff:127.0.0.1]', 'IP_ADDRESS'],
    ['fe80::1%eth0', 'IP_ADDRESS'],
    // single labels
    ['intranet', 'SINGLE_LABEL'],
    ['Intranet.', 'SINGLE_LABEL'],
    ['myhost', 'SINGLE_LABEL'],
    // special-use
    ['localhost', 'SPECIAL_USE'],
    ['LOCALHOST.', 'SPECIAL_USE'],
    ['a.localhost', 'SPECIAL_USE'],
    ['printer.local', 'SPECIAL_USE'],
    ['x.invalid', 'SPECIAL_USE'],
    ['shop.test', 'SPECIAL_USE'],
    ['example', 'SPECIAL_USE'],
    ['shop.example', 'SPECIAL_USE'],
    ['db.internal', 'SPECIAL_USE'],
    ['abcdefghijklmnop.onion', 'SPECIAL_USE'],
    ['onion', 'SPECIAL_USE'],
    ['home.arpa', 'SPECIAL_USE'],
    ['router.home.arpa', 'SPECIAL_USE'],
    ['1.0.0.127.in-addr.arpa', 'SPECIAL_USE'],
    ['x.alt', 'SPECIAL_USE'],
    // public suffixes, ICANN and private sections
    ['com', 'PUBLIC_SUFFIX'],
    ['COM.', 'PUBLIC_SUFFIX'],
    ['uk', 'PUBLIC_SUFFIX'],
    ['co.uk', 'PUBLIC_SUFFIX'],
    ['CO.UK.', 'PUBLIC_SUFFIX'],
    ['github.io', 'PUBLIC_SUFFIX'],
    ['blogspot.com', 'PUBLIC_SUFFIX'],
    ['foo.ck', 'PUBLIC_SUFFIX'], // wildcard rule *.ck
    ['рф', 'PUBLIC_SUFFIX'],
    ['xn--p1ai', 'PUBLIC_SUFFIX'],
    // platform domains, on a label boundary
    ['saas.com', 'PLATFORM_DOMAIN'],
    ['SaaS.com.', 'PLATFORM_DOMAIN'],
    ['a.saas.com', 'PLATFORM_DOMAIN'],
    ['x.y.saas.com', 'PLATFORM_DOMAIN'],
    ['plattform-bücher.de', 'PLATFORM_DOMAIN'],
    ['shop.xn--plattform-bcher-9vb.de', 'PLATFORM_DOMAIN'],
    // wildcards
    ['*.example.com', 'WILDCARD_UNSUPPORTED'],
    ['*.EXAMPLE.COM.', 'WILDCARD_UNSUPPORTED'],
    ['*', 'WILDCARD_UNSUPPORTED'],
    // URLs, ports, paths
    ['https://a.com/', 'URL_NOT_ALLOWED'],
    ['http://a.com', 'URL_NOT_ALLOWED'],
    ['HTTPS://A.COM:443/x', 'URL_NOT_ALLOWED'],
    ['//a.com', 'URL_NOT_ALLOWED'],
    ['user@a.com', 'URL_NOT_ALLOWED'],
    ['user:pass@a.com', 'URL_NOT_ALLOWED'],
    ['a.com?x=1', 'URL_NOT_ALLOWED'],
    ['a.com#top', 'URL_NOT_ALLOWED'],
    ['a.com:443', 'PORT_NOT_ALLOWED'],
    ['a.com:', 'PORT_NOT_ALLOWED'],
    ['a.com:8080/x', 'PORT_NOT_ALLOWED'],
    ['1.2.3.4:80', 'PORT_NOT_ALLOWED'],
    ['a.com:abc', 'INVALID_CHARACTER'],
    ['a.com/x', 'PATH_NOT_ALLOWED'],
    ['a.com/', 'PATH_NOT_ALLOWED'],
    ['a.com\\x', 'PATH_NOT_ALLOWED'],
    // whitespace anywhere, never trimmed
    [' a.com', 'WHITESPACE'],
    ['a.com ', 'WHITESPACE'],
    ['a .com', 'WHITESPACE'],
    ['\ta.com', 'WHITESPACE'],
    ['a.com\n', 'WHITESPACE'],
    ['a.com\r\n', 'WHITESPACE'],
    ['a\u00a0b.com', 'WHITESPACE'],
    ['a\u2003b.com', 'WHITESPACE'],
    ['a\u3000b.com', 'WHITESPACE'],
    ['a\u2028b.com', 'WHITESPACE'],
    ['\u0085a.com', 'WHITESPACE'],
    [' https://a.com', 'WHITESPACE'],
    // control characters
    ['a\u0000b.com', 'CONTROL_CHARACTER'],
    ['a\u0007b.com', 'CONTROL_CHARACTER'],
    ['a\u001bb.com', 'CONTROL_CHARACTER'],
    ['a.com\u007f', 'CONTROL_CHARACTER'],
    ['a\u0080b.com', 'CONTROL_CHARACTER'],
    ['a\u009fb.com', 'CONTROL_CHARACTER'],
    // bidi controls
    ...[
      '\u202a',
      '\u202b',
      '\u202c',
      '\u202d',
      '\u202e',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
      '\u200e',
      '\u200f',
      '\u061c',
    ].map((ch) => [`a${ch}b.com`, 'BIDI_CONTROL'] as const),
    ['\u202emoc.a', 'BIDI_CONTROL'],
    // UTS-46 failures
    ['a\u2488.com', 'IDNA_ERROR'], // disallowed character
    ['\u0301a.com', 'IDNA_ERROR'], // label starts with a combining mark
    ['a\u05d0.com', 'IDNA_ERROR'], // LTR and RTL in one label breaks the bidi rule
    ['a\u200db.com', 'IDNA_ERROR'], // ZWJ outside a joining context
    ['a\u0378.com', 'IDNA_ERROR'], // unassigned
    ['a\ue000.com', 'IDNA_ERROR'], // private use
    ['a.com\uff1a443', 'IDNA_ERROR'], // full-width colon maps to ":", which STD3 rules forbid
  ];

  for (const [input, code] of rejected) {
    it(`${show(input)} → ${code}`, () => {
      const r = canonicalizeHostname(input, policy);
      expect(r).toEqual({ ok: false, code, message: HOSTNAME_ERROR_MESSAGES[code] });
    });
  }

  it('says wildcards are not supported yet', () => {
    expect(canonicalizeHostname('*.shop.com')).toMatchObject({ message: 'wildcard hostnames are not supported yet' });
  });

  it('rejects platform domains only when given a policy', () => {
    expect(canonicalizeHostname('a.saas.com')).toMatchObject({ ok: true, hostname: 'a.saas.com' });
  });

  it('has a non-empty English message for every code', () => {
    for (const message of Object.values(HOSTNAME_ERROR_MESSAGES)) expect(message).toMatch(/^[A-Za-z][^\n]{10,}[^.]$/);
  });
});

describe('toUnicodeHostname', () => {
  it('returns U-labels for A-labels and leaves LDH names alone', () => {
    expect(toUnicodeHostname('xn--bcher-kva.de' as Hostname)).toBe('bücher.de');
    expect(toUnicodeHostname('shop.xn--fa-hia.de' as Hostname)).toBe('shop.faß.de');
    expect(toUnicodeHostname('example.com' as Hostname)).toBe('example.com');
  });
});
