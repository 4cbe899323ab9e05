import type { HostnamePolicy } from './hostname-policy.ts';
import type { HostnameErrorCode } from './hostname-result.ts';
import { endsInNumber } from './ip-literal.ts';
import { isPlatformHostname } from './platform-domains.ts';
import { isPublicSuffix } from './public-suffix.ts';
import { isSpecialUseHostname } from './special-use.ts';

/**
 * The registrability stage, on a syntactically valid canonical name: may a customer add it?
 * Precedence (the most specific reason wins): `IP_ADDRESS` (last label numeric or `0x` hex), then
 * `SPECIAL_USE` (so `localhost` says why), then `PUBLIC_SUFFIX` (so `com` and `co.uk` say why),
 * then `SINGLE_LABEL`, then `PLATFORM_DOMAIN`. Returns `null` when the name is acceptable.
 */
export function checkRegistrable(hostname: string, policy: HostnamePolicy | undefined): HostnameErrorCode | null {
  if (endsInNumber(hostname)) return 'IP_ADDRESS';
  if (isSpecialUseHostname(hostname)) return 'SPECIAL_USE';
  if (isPublicSuffix(hostname)) return 'PUBLIC_SUFFIX';
  if (!hostname.includes('.')) return 'SINGLE_LABEL';
  if (policy !== undefined && isPlatformHostname(policy, hostname)) return 'PLATFORM_DOMAIN';
  return null;
}
