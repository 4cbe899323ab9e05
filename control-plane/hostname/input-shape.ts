import type { HostnameErrorCode } from './hostname-result.ts';
import { looksLikeIpv6 } from './ip-literal.ts';

// Character classes only (no nesting, no backtracking): each test is one linear scan.
const LONE_SURROGATE = /\p{Cs}/u;
const WHITESPACE = /\p{White_Space}/u;
const CONTROL = /\p{Cc}/u;
/** U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069: they reorder how text is shown (Trojan Source). */
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/** Invisible format characters except ZWNJ/ZWJ (UTS-46 checks those by context, CONTEXTJ). */
const OTHER_FORMAT = /(?![\u200c\u200d])\p{Cf}/u;
const PORT_SUFFIX = /^[^:]*:[0-9]*$/;

/**
 * Rejects input that is not a bare hostname, before any UTS-46 work: invisible and control
 * characters, whitespace anywhere (never trimmed: callers must send the exact name), URLs, ports,
 * paths, IPv6 literals and wildcards. Returns the first matching code, or `null` when the input
 * may be a hostname. Precedence: character-level codes first, then URL parts (a scheme or user
 * info explains the `:`, `/` and `@` that follow), then IPv6, port, path, wildcard.
 */
export function checkInputShape(input: string): HostnameErrorCode | null {
  if (LONE_SURROGATE.test(input)) return 'INVALID_CHARACTER';
  if (WHITESPACE.test(input)) return 'WHITESPACE';
  if (CONTROL.test(input)) return 'CONTROL_CHARACTER';
  if (BIDI_CONTROL.test(input)) return 'BIDI_CONTROL';
  if (OTHER_FORMAT.test(input)) return 'INVALID_CHARACTER';
  if (input.includes('://') || input.startsWith('//') || input.includes('@')) return 'URL_NOT_ALLOWED';
  if (input.includes('?') || input.includes('#')) return 'URL_NOT_ALLOWED';
  if (input.includes(':') || input.includes('[') || input.includes(']')) return checkColon(input);
  if (input.includes('/') || input.includes('\\')) return 'PATH_NOT_ALLOWED';
  if (input.includes('*'))
    return input === '*' || input.startsWith('*.') ? 'WILDCARD_UNSUPPORTED' : 'INVALID_CHARACTER';
  return null;
}

function checkColon(input: string): HostnameErrorCode {
  if (looksLikeIpv6(input)) return 'IP_ADDRESS';
  const slash = firstIndexOfAny(input, '/', '\\');
  const authority = slash === -1 ? input : input.slice(0, slash);
  if (PORT_SUFFIX.test(authority)) return 'PORT_NOT_ALLOWED';
  return 'INVALID_CHARACTER';
}

function firstIndexOfAny(s: string, a: string, b: string): number {
  const i = s.indexOf(a);
  const j = s.indexOf(b);
  if (i === -1) return j;
  if (j === -1) return i;
  return Math.min(i, j);
}
