import type { HostnameErrorCode } from './hostname-result.ts';

/** DNS limits (RFC 1035), counted on the A-label form without the trailing dot. */
export const MAX_HOSTNAME_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;
/** Longer input is rejected before any scan: no hostname needs more, even spelled in U-labels. */
export const MAX_HOSTNAME_INPUT_LENGTH = 1024;

const DOT = 0x2e;
const HYPHEN = 0x2d;

/** True when every character is `a-z`, `0-9`, `-` or `.` (the fast-path alphabet). Empty is true. */
export function isLowerLdh(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === HYPHEN || c === DOT)) return false;
  }
  return true;
}

/**
 * Classifies `s` for the fast path: `'lower'` when {@link isLowerLdh}, `'mixed'` when it is LDH
 * once ASCII upper case is lowered, `null` otherwise. Empty is `'lower'`.
 */
export function classifyLdh(s: string): 'lower' | 'mixed' | null {
  let mixed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === HYPHEN || c === DOT) continue;
    if (c >= 0x41 && c <= 0x5a) mixed = true;
    else return null;
  }
  return mixed ? 'mixed' : 'lower';
}

/** True when every UTF-16 unit is ASCII. */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Structural check of a lowercase LDH name without its trailing dot. Precedence, shared by the fast
 * path and the diagnosis of UTS-46 failures so both report the same code: `EMPTY_LABEL`, then
 * `TOO_LONG`, then the first bad label left to right (`LABEL_TOO_LONG`, then `INVALID_LABEL`).
 * Returns `'NEEDS_IDNA'` when the name is otherwise fine but has an `xn--` label, whose punycode
 * only UTS-46 processing can validate; `null` when the name is a valid LDH name.
 */
export function scanLdhName(name: string): HostnameErrorCode | 'NEEDS_IDNA' | null {
  let labelStart = 0;
  let emptyLabel = false;
  let labelError: HostnameErrorCode | null = null;
  let needsIdna = false;
  for (let i = 0; i <= name.length; i++) {
    if (i < name.length && name.charCodeAt(i) !== DOT) continue;
    const length = i - labelStart;
    if (length === 0) {
      emptyLabel = true;
    } else if (labelError === null) {
      if (length > MAX_LABEL_LENGTH) {
        labelError = 'LABEL_TOO_LONG';
      } else if (name.charCodeAt(labelStart) === HYPHEN || name.charCodeAt(i - 1) === HYPHEN) {
        labelError = 'INVALID_LABEL';
      } else if (
        length >= 4 &&
        name.charCodeAt(labelStart + 2) === HYPHEN &&
        name.charCodeAt(labelStart + 3) === HYPHEN
      ) {
        // RFC 5891 §4.2.3.1: "??--" is reserved; only the IDNA "xn--" prefix is meaningful.
        if (name.charCodeAt(labelStart) === 0x78 && name.charCodeAt(labelStart + 1) === 0x6e) needsIdna = true;
        else labelError = 'INVALID_LABEL';
      }
    }
    labelStart = i + 1;
  }
  if (emptyLabel) return 'EMPTY_LABEL';
  if (name.length > MAX_HOSTNAME_LENGTH) return 'TOO_LONG';
  if (labelError !== null) return labelError;
  return needsIdna ? 'NEEDS_IDNA' : null;
}

/**
 * DNS length check of a UTS-46 output (A-labels), with the same precedence as {@link scanLdhName}:
 * `EMPTY_LABEL`, then `TOO_LONG`, then the first `LABEL_TOO_LONG`; `null` when all fit.
 */
export function checkDnsLength(name: string): HostnameErrorCode | null {
  let labelStart = 0;
  let labelError: HostnameErrorCode | null = null;
  for (let i = 0; i <= name.length; i++) {
    if (i < name.length && name.charCodeAt(i) !== DOT) continue;
    const length = i - labelStart;
    if (length === 0) return 'EMPTY_LABEL';
    if (length > MAX_LABEL_LENGTH && labelError === null) labelError = 'LABEL_TOO_LONG';
    labelStart = i + 1;
  }
  if (name.length > MAX_HOSTNAME_LENGTH) return 'TOO_LONG';
  return labelError;
}
