import { type HostnameErrorCode, type HostnameFailure, hostnameFailure } from './hostname-result.ts';
import { uts46ToAscii } from './idna.ts';
import { checkInputShape } from './input-shape.ts';
import { checkDnsLength, classifyLdh, isAscii, isLowerLdh, scanLdhName } from './ldh.ts';

/** UTS-46 maps these to `.` anyway; doing it first lets the trailing-dot and empty-label rules see them. */
const IDEOGRAPHIC_DOTS = /[\u3002\uff0e\uff61]/gu;
const NOT_LDH_ASCII = /[\0-,/:-@[-`{-\x7f]/u;

/**
 * The syntax stage: `input` (a non-empty string of at most 1024 UTF-16 units) to its canonical
 * A-label form without the trailing dot, or why it is not a hostname. Says nothing about whether
 * the name may be registered (IP-like, special-use, public suffix...: see `checkRegistrable`).
 *
 * `fastPath` (always on in production) handles LDH input (any ASCII case) without UTS-46
 * work; turning it off runs every input through tr46, which the tests use to prove both agree.
 */
export function toAsciiHostname(input: string, fastPath = true): string | HostnameFailure {
  const kind = fastPath ? classifyLdh(input) : null;
  if (kind !== null) {
    // For LDH input UTS-46 mapping is exactly ASCII lower-casing.
    const lower = kind === 'lower' ? input : input.toLowerCase();
    const name = lower.endsWith('.') ? lower.slice(0, -1) : lower;
    const code = scanLdhName(name);
    if (code === null) return name;
    // `xn--` labels need punycode validation, which only the full path does.
    if (code !== 'NEEDS_IDNA') return hostnameFailure(code);
  }
  return toAsciiSlow(input);
}

function toAsciiSlow(input: string): string | HostnameFailure {
  const ascii = isAscii(input);
  let name = ascii ? input : input.replace(IDEOGRAPHIC_DOTS, '.');
  if (name.endsWith('.')) name = name.slice(0, -1);
  // After the trailing dot is gone, so `a.com:443.` is a port like `a.com:443`.
  const shape = checkInputShape(name);
  if (shape !== null) return hostnameFailure(shape);
  if (name.length === 0 || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
    return hostnameFailure('EMPTY_LABEL');
  }
  const out = uts46ToAscii(name);
  if (out === null) return hostnameFailure(diagnose(name, ascii));
  // tr46 with STD3 rules only emits LDH; re-checked so the output contract never rests on a dependency.
  if (!isLowerLdh(out)) return hostnameFailure('IDNA_ERROR');
  const length = checkDnsLength(out);
  if (length !== null) return hostnameFailure(length);
  if (!xnLabelsRoundTrip(name, ascii, out)) return hostnameFailure('INVALID_LABEL');
  return out;
}

/** Names the rule a name broke when UTS-46 processing rejected it, as precisely as we can. */
function diagnose(name: string, ascii: boolean): HostnameErrorCode {
  if (NOT_LDH_ASCII.test(name)) return 'INVALID_CHARACTER';
  if (!ascii) return 'IDNA_ERROR';
  const code = scanLdhName(name.toLowerCase());
  // Plain LDH labels always pass UTS-46, so an LDH name that failed has a bad `xn--` label.
  return code === null || code === 'NEEDS_IDNA' ? 'INVALID_LABEL' : code;
}

/**
 * Every `xn--` label the caller sent must come back unchanged: its punycode must decode and
 * re-encode to the same text, so no two spellings of one A-label are accepted.
 */
function xnLabelsRoundTrip(name: string, ascii: boolean, out: string): boolean {
  if (ascii) return name.toLowerCase() === out;
  if (!/xn--/iu.test(name)) return true;
  const outLabels = out.split('.');
  for (const label of name.split('.')) {
    const lower = label.toLowerCase();
    if (lower.startsWith('xn--') && isAscii(lower) && !outLabels.includes(lower)) return false;
  }
  return true;
}
