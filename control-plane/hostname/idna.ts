import tr46 from 'tr46';

/**
 * UTS #46 with IDNA2008-compatible settings. Non-transitional: `ß`, `ς`, ZWJ and ZWNJ are kept
 * (`faß.de` → `xn--fa-hia.de`, as browsers do today), never mapped to `ss`/`σ`/nothing.
 * DNS lengths are checked by the caller so it can say which limit was hit.
 */
const UTS46_OPTIONS = Object.freeze({
  checkBidi: true,
  checkHyphens: true,
  checkJoiners: true,
  useSTD3ASCIIRules: true,
  transitionalProcessing: false,
  verifyDNSLength: false,
});

/** UTS-46 ToASCII: lowercase A-labels, or `null` when the name is not a valid IDN. */
export function uts46ToAscii(name: string): string | null {
  return tr46.toASCII(name, UTS46_OPTIONS);
}

/** UTS-46 ToUnicode of a name that {@link uts46ToAscii} accepted: its U-label form. */
export function uts46ToUnicode(asciiName: string): string {
  if (!asciiName.includes('xn--')) return asciiName;
  return tr46.toUnicode(asciiName, UTS46_OPTIONS).domain;
}
