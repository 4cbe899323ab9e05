import type { Context } from 'hono';
import { AppError, type FieldIssue } from '../errors.ts';
import type { Logger } from '../log.ts';

/** RFC 9457 problem details, with our stable `code` and the request id. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldIssue[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: string): string {
  return `urn:caddy-fleet:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}

/** Turns an AppError (or anything else, as a generic 500) into a problem body. Internals never leak. */
export function toProblem(err: unknown, instance: string, requestId: string | undefined): Problem {
  if (err instanceof AppError) {
    return {
      type: problemType(err.code),
      title: TITLES[err.status] ?? 'Error',
      status: err.status,
      code: err.code,
      detail: err.message,
      instance,
      ...(requestId ? { requestId } : {}),
      ...(err.issues ? { errors: err.issues } : {}),
      ...(err.details ?? {}),
    };
  }
  return {
    type: problemType('INTERNAL'),
    title: TITLES[500]!,
    status: 500,
    code: 'INTERNAL',
    detail: 'an internal error occurred; the request id identifies it in the logs',
    instance,
    ...(requestId ? { requestId } : {}),
  };
}

export function problemResponse(c: Context, err: unknown, logger: Logger): Response {
  const requestId = c.get('requestId') as string | undefined;
  const problem = toProblem(err, new URL(c.req.url).pathname, requestId);
  if (problem.status >= 500) logger.error({ err, requestId, path: c.req.path }, 'request failed');
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' };
  if (problem.status === 401) headers['www-authenticate'] = 'Bearer realm="caddy-fleet"';
  return new Response(JSON.stringify(problem), { status: problem.status, headers });
}
