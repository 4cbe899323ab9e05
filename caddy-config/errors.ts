import { UpstreamError } from '../control-plane/errors.ts';

/**
 * Caddy refused a config (4xx from `/load`). Terminal for that config: sending it again gives the
 * same answer. `details.caddyMessage` holds Caddy's `{"error": "..."}` text for operators.
 */
export class CaddyLoadRejectedError extends UpstreamError {
  constructor(message: string, options: { status: number; caddyMessage: string }) {
    super('CADDY_LOAD_REJECTED', message, {
      retryable: false,
      details: { status: options.status, caddyMessage: options.caddyMessage },
    });
    this.name = 'CaddyLoadRejectedError';
  }
}

/**
 * The admin API could not be used: refused or reset connection, timeout, or a 5xx. Retryable unless
 * `retryable: false` is passed (an unexpected 4xx on a read).
 */
export class CaddyUnreachableError extends UpstreamError {
  constructor(message: string, options: { cause?: unknown; status?: number; retryable?: boolean } = {}) {
    super('CADDY_UNREACHABLE', message, {
      retryable: options.retryable ?? true,
      cause: options.cause,
      ...(options.status === undefined ? {} : { details: { status: options.status } }),
    });
    this.name = 'CaddyUnreachableError';
  }
}
