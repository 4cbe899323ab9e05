import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError, type FieldIssue, ValidationError } from '../errors.ts';

/** zod issues → our field issues (`body.metadata`, `query.limit`, `domains[3].hostname`). */
export function toFieldIssues(prefix: string, issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.map((i) => {
    let path = prefix;
    for (const p of i.path) path += typeof p === 'number' ? `[${p}]` : `${path ? '.' : ''}${String(p)}`;
    return { path: path || prefix, code: i.code.toUpperCase(), message: i.message };
  });
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(`invalid ${where}`, toFieldIssues(where, r.error.issues));
  return r.data;
}

/**
 * Reads a JSON request body: requires a JSON content type, enforces `maxBytes` while streaming
 * (a lying or absent Content-Length cannot get past it), and rejects malformed JSON with a 400.
 */
export async function readJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'request body must be application/json');
  }
  const declared = Number(c.req.header('content-length') ?? 'NaN');
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const body = c.req.raw.body;
  if (!body) throw new AppError('MALFORMED_JSON', 'request body is empty; expected JSON');
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new AppError('MALFORMED_JSON', 'request body is empty; expected JSON');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AppError('MALFORMED_JSON', `request body is not valid JSON: ${(err as Error).message}`);
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `request body exceeds ${maxBytes} bytes`, { details: { limit: maxBytes } });
}
