import { ValidationError } from '../errors.ts';
import { isLowerLdh, scanLdhName } from '../hostname/ldh.ts';

/**
 * The hostname a certificate directory stands for. certmagic's `StorageKeys.Safe` lowercases the
 * name and turns `*` into `wildcard_` (and `:` into `-`), so a wildcard comes back as `*.`.
 */
export function hostnameFromStorageName(dir: string): string {
  return dir.startsWith('wildcard_.') ? `*${dir.slice('wildcard_'.length)}` : dir;
}

/**
 * True when `name` is a lowercase LDH hostname that can safely be a path segment: letters, digits,
 * `-` and `.` only, no empty labels (so no `..`, no leading dot), DNS lengths respected.
 */
export function isStorageHostname(name: string): boolean {
  if (name.length === 0 || !isLowerLdh(name)) return false;
  const problem = scanLdhName(name);
  return problem === null || problem === 'NEEDS_IDNA';
}

/**
 * The path-traversal guard for anything that builds a storage path from a hostname: throws
 * VALIDATION_FAILED unless {@link isStorageHostname}.
 */
export function assertStorageHostname(name: string, path = 'hostname'): void {
  if (isStorageHostname(name)) return;
  throw new ValidationError('hostname must be a lowercase LDH name (a-z, 0-9, "-", ".")', [
    {
      path,
      code: 'INVALID_STORAGE_NAME',
      message: `${JSON.stringify(name.slice(0, 100))} is not a canonical hostname`,
    },
  ]);
}
