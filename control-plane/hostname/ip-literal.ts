/**
 * Detects names that browsers and URL parsers treat as IP addresses.
 *
 * WHATWG URL's "ends in a number" rule turns ANY host whose last label is all digits or a `0x`
 * hex number into an IPv4 address (`127.1`, `0x7f000001`, `0177.0.0.1`, `3232235777`, even
 * `a.b.0x`), so such names must never be accepted as domains.
 */
export function endsInNumber(asciiName: string): boolean {
  const start = asciiName.lastIndexOf('.') + 1;
  const length = asciiName.length - start;
  if (length === 0) return false;
  if (length >= 2 && asciiName.charCodeAt(start) === 0x30 && asciiName.charCodeAt(start + 1) === 0x78) {
    // `0x` alone parses as 0; otherwise every remaining character must be a hex digit.
    for (let i = start + 2; i < asciiName.length; i++) if (!isHexDigit(asciiName.charCodeAt(i))) return false;
    return true;
  }
  for (let i = start; i < asciiName.length; i++) if (!isDigit(asciiName.charCodeAt(i))) return false;
  return true;
}

/**
 * True for IPv6 literals as people paste them: bracketed or bare, with an embedded IPv4 part
 * (`::ffff:1.2.3.4`) or a zone (`fe80::1%eth0`). Called only on input that contains a `:`.
 */
export function looksLikeIpv6(input: string): boolean {
  if (input.charCodeAt(0) === 0x5b) return true; // `[` only ever opens an IPv6 literal in a host
  let colons = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === 0x25) return colons >= 2; // `%zone`: anything may follow
    if (c === 0x3a) colons++;
    else if (!(isHexDigit(c) || c === 0x2e || (c >= 0x41 && c <= 0x46))) return false;
  }
  return colons >= 2;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66);
}
