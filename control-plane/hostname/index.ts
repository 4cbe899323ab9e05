/** Hostname canonicalisation: the one way a string becomes a {@link Hostname}. */
export { canonicalizeHostname, toUnicodeHostname } from './canonicalize-hostname.ts';
/** The stages of {@link canonicalizeHostname}, for ask's lookup-first path. */
export { checkRegistrable } from './check-registrable.ts';
export { createHostnamePolicy, type HostnamePolicy } from './hostname-policy.ts';
export { HOSTNAME_ERROR_MESSAGES, type HostnameErrorCode, type HostnameResult } from './hostname-result.ts';
export { isSameOrSubdomain } from './is-same-or-subdomain.ts';
export { isPlatformHostname } from './platform-domains.ts';
export { toAsciiHostname } from './to-ascii-hostname.ts';
