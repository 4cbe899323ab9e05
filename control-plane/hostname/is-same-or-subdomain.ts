/**
 * True when `hostname` equals `parent` or is under it on a label boundary: `a.saas.com` and
 * `saas.com` are under `saas.com`, `notsaas.com` is not. Both are expected in canonical form
 * (lowercase A-labels); ASCII case and one trailing dot on either side are tolerated. An empty
 * `parent` matches nothing.
 */
export function isSameOrSubdomain(hostname: string, parent: string): boolean {
  const h = stripTrailingDot(hostname).toLowerCase();
  const p = stripTrailingDot(parent).toLowerCase();
  if (p.length === 0 || h.length < p.length) return false;
  if (h.length === p.length) return h === p;
  return h.charCodeAt(h.length - p.length - 1) === 0x2e && h.endsWith(p);
}

function stripTrailingDot(s: string): string {
  return s.endsWith('.') ? s.slice(0, -1) : s;
}
