/** A parsed CAA `issue`/`issuewild` value (RFC 8659 §4.2): `issuer-domain-name; key=value; ...`. */
export interface CaaIssueValue {
  /** Lowercase issuer domain, or null when the value names no issuer (`";"`), which authorizes no CA. */
  issuer: string | null;
  parameters: Record<string, string>;
}

const ISSUER = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i;
const PARAMETER = /^([a-z0-9]+)\s*=\s*([\x21-\x3a\x3c-\x7e]*)$/i;

/**
 * Parses an `issue` or `issuewild` property value; returns null when it is malformed (which, being
 * present, authorizes no CA).
 *
 * @example parseCaaIssueValue('letsencrypt.org; validationmethods=http-01')
 * // → { issuer: 'letsencrypt.org', parameters: { validationmethods: 'http-01' } }
 */
export function parseCaaIssueValue(value: string): CaaIssueValue | null {
  const separator = value.indexOf(';');
  const issuerText = (separator === -1 ? value : value.slice(0, separator)).trim();
  if (issuerText !== '' && !ISSUER.test(issuerText)) return null;
  const parameters: Record<string, string> = {};
  if (separator !== -1) {
    for (const part of value.slice(separator + 1).split(';')) {
      const trimmed = part.trim();
      if (trimmed === '') continue;
      const match = PARAMETER.exec(trimmed);
      if (!match) return null;
      parameters[(match[1] ?? '').toLowerCase()] = match[2] ?? '';
    }
  }
  return { issuer: issuerText === '' ? null : issuerText.toLowerCase(), parameters };
}
