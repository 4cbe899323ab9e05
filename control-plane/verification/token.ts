import { randomBytes } from 'node:crypto';

/** The label under which a customer publishes the ownership token: `_caddy-fleet.<hostname>`. */
export const TXT_RECORD_LABEL = '_caddy-fleet';

/** Where the TXT ownership record for a hostname lives. */
export function txtRecordName(hostname: string): string {
  return `${TXT_RECORD_LABEL}.${hostname}`;
}

/** A fresh per-domain ownership token: 192 random bits, base64url (32 characters, URL- and DNS-safe). */
export function generateVerificationToken(): string {
  return randomBytes(24).toString('base64url');
}

/** True for strings shaped like tokens this module makes (at least 128 bits of base64url). */
export function isVerificationToken(text: string): boolean {
  return /^[A-Za-z0-9_-]{22,128}$/.test(text);
}
