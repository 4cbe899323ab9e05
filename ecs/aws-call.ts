import { UpstreamError } from '../control-plane/errors.ts';

/** Short, log-safe text for an AWS SDK error: `ThrottlingException: Rate exceeded`. */
export function describeAwsError(err: unknown): string {
  if (err instanceof Error) return err.message ? `${err.name}: ${err.message}` : err.name;
  return String(err);
}

/**
 * Runs one AWS call (after the SDK's own retries) and turns its failure into an
 * `AWS_API_FAILED` {@link UpstreamError} naming the operation, with the SDK error as `cause`.
 */
export async function callAws<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new UpstreamError('AWS_API_FAILED', `${operation} failed: ${describeAwsError(err)}`, {
      cause: err,
      retryable: true,
    });
  }
}

/** Splits `items` into consecutive chunks of at most `size` (AWS batch limits). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Upper bound on pages read from one paginated listing, so a looping token cannot spin forever. */
export const MAX_PAGES = 1000;
