import { ValidationError } from '../control-plane/errors.ts';

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]', '*']);

/**
 * Throws unless `listen` is a specific `host:port`. Caddy skips its Host-header check on wildcard
 * admin addresses, and a wildcard admin API would be reachable from every interface.
 */
export function assertSpecificListen(listen: string, path: string): void {
  const colon = listen.lastIndexOf(':');
  const host = colon < 0 ? listen : listen.slice(0, colon);
  const port = colon < 0 ? '' : listen.slice(colon + 1);
  if (WILDCARD_HOSTS.has(host) || !/^\d{1,5}$/.test(port)) {
    throw new ValidationError(`admin listen address must be a specific host:port, got '${listen}'`, [
      { path, code: 'wildcard_listen', message: 'expected a specific host:port, e.g. 127.0.0.1:2019' },
    ]);
  }
}
