import type { Hostname } from '../types.ts';

/** Why a hostname was rejected. Stable: callers (and API clients) branch on these. */
export type HostnameErrorCode =
  | 'EMPTY'
  | 'TOO_LONG'
  | 'LABEL_TOO_LONG'
  | 'EMPTY_LABEL'
  | 'INVALID_CHARACTER'
  | 'INVALID_LABEL'
  | 'IP_ADDRESS'
  | 'SINGLE_LABEL'
  | 'SPECIAL_USE'
  | 'PUBLIC_SUFFIX'
  | 'PLATFORM_DOMAIN'
  | 'WILDCARD_UNSUPPORTED'
  | 'URL_NOT_ALLOWED'
  | 'PORT_NOT_ALLOWED'
  | 'PATH_NOT_ALLOWED'
  | 'WHITESPACE'
  | 'CONTROL_CHARACTER'
  | 'BIDI_CONTROL'
  | 'IDNA_ERROR'
  | 'NOT_A_STRING';

/** A rejected hostname: a stable `code` and a user-facing English `message`. */
export interface HostnameFailure {
  readonly ok: false;
  readonly code: HostnameErrorCode;
  readonly message: string;
}

/**
 * The outcome of {@link canonicalizeHostname}: the canonical A-label form plus its U-label form,
 * or why the input was rejected.
 */
export type HostnameResult = { ok: true; hostname: Hostname; unicode: string } | HostnameFailure;

/** The user-facing message for each code; they end up in 400 problem+json bodies. */
export const HOSTNAME_ERROR_MESSAGES: Readonly<Record<HostnameErrorCode, string>> = {
  EMPTY: 'hostname is empty',
  TOO_LONG: 'hostname is longer than 253 characters',
  LABEL_TOO_LONG: 'a hostname label (the part between dots) is longer than 63 characters',
  EMPTY_LABEL: 'hostname has an empty label (a leading dot, two dots in a row, or more than one trailing dot)',
  INVALID_CHARACTER: 'hostname contains a character that is not allowed; use letters, digits, hyphens and dots',
  INVALID_LABEL:
    'hostname has an invalid label: a label cannot start or end with a hyphen, and "--" in its third and fourth characters is only allowed in a valid "xn--" (punycode) label',
  IP_ADDRESS: 'IP addresses are not allowed (this includes names whose last label is a number); use a domain name',
  SINGLE_LABEL: 'hostname must have at least two labels, like "shop.example.com"',
  SPECIAL_USE:
    'hostname is under a special-use or reserved domain (such as localhost, .local, .test, .internal, .onion)',
  PUBLIC_SUFFIX: 'hostname is a public suffix (like "com", "co.uk" or "github.io"), not a domain that can be owned',
  PLATFORM_DOMAIN: "hostname is the platform's own domain or under it; only customer domains can be added",
  WILDCARD_UNSUPPORTED: 'wildcard hostnames are not supported yet',
  URL_NOT_ALLOWED: 'send a bare hostname, not a URL (no scheme, user info, query or fragment)',
  PORT_NOT_ALLOWED: 'send a bare hostname without a port',
  PATH_NOT_ALLOWED: 'send a bare hostname without a path',
  WHITESPACE: 'hostname contains whitespace (leading and trailing whitespace is not trimmed)',
  CONTROL_CHARACTER: 'hostname contains a control character',
  BIDI_CONTROL: 'hostname contains a bidirectional text control character',
  IDNA_ERROR: 'hostname is not a valid internationalized domain name (UTS #46)',
  NOT_A_STRING: 'hostname must be a string',
};

const FAILURES = Object.fromEntries(
  Object.entries(HOSTNAME_ERROR_MESSAGES).map(([code, message]) => [code, Object.freeze({ ok: false, code, message })]),
) as unknown as Readonly<Record<HostnameErrorCode, HostnameFailure>>;

/** The (shared, frozen) failure result for `code`; rejecting allocates nothing. */
export function hostnameFailure(code: HostnameErrorCode): HostnameFailure {
  return FAILURES[code];
}
