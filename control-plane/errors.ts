/**
 * One error base for the whole daemon. Callers branch on `code`, never on `message`.
 * The HTTP boundary (`http/problem.ts`) turns any AppError into RFC 9457 problem+json using
 * the status from {@link ERROR_STATUS}; anything that is not an AppError becomes a generic 500.
 */

/** Every stable error code and the HTTP status it maps to. */
export const ERROR_STATUS = {
  // request shape
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_HOSTNAME: 400,
  INVALID_CURSOR: 400,
  UNKNOWN_UPSTREAM: 400,
  BULK_INVALID: 400,
  // auth
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  // resources
  NOT_FOUND: 404,
  DOMAIN_NOT_FOUND: 404,
  NODE_NOT_FOUND: 404,
  DELIVERY_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  DOMAIN_EXISTS: 409,
  INVALID_TRANSITION: 409,
  VERIFICATION_NOT_APPLICABLE: 409,
  CERTIFICATE_IN_USE: 409,
  CERTIFICATE_NOT_FOUND: 404,
  // server side
  STORE_UNAVAILABLE: 503,
  NOT_READY: 503,
  CADDY_LOAD_REJECTED: 502,
  CADDY_UNREACHABLE: 502,
  AWS_API_FAILED: 502,
  DNS_LOOKUP_FAILED: 502,
  CERT_STORAGE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One problem with one field of the input, reported inside a VALIDATION_FAILED problem. */
export interface FieldIssue {
  /** JSON pointer-ish path, e.g. `body.metadata` or `domains[3].hostname`. */
  path: string;
  code: string;
  message: string;
}

export interface AppErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  /** Safe, structured details returned to the client (never internals). */
  details?: Record<string, unknown>;
  issues?: FieldIssue[];
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;
  readonly issues: FieldIssue[] | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.retryable = options.retryable ?? false;
    this.details = options.details;
    this.issues = options.issues;
  }
}

/** Bad input: always a 4xx, never retryable. */
export class ValidationError extends AppError {
  constructor(message: string, issues: FieldIssue[], code: ErrorCode = 'VALIDATION_FAILED') {
    super(code, message, { issues });
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends AppError {
  constructor(code: 'NOT_FOUND' | 'DOMAIN_NOT_FOUND' | 'NODE_NOT_FOUND', message: string) {
    super(code, message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends AppError {
  constructor(code: 'DOMAIN_EXISTS' | 'INVALID_TRANSITION', message: string, details?: Record<string, unknown>) {
    super(code, message, details ? { details } : {});
    this.name = 'ConflictError';
  }
}

/** A dependency (Caddy, AWS, DNS, the database) failed; `retryable` says whether trying again can help. */
export class UpstreamError extends AppError {
  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
    this.name = 'UpstreamError';
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
