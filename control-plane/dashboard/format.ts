/** Pure display helpers shared by the pages. */

/** `2024-05-01 12:34:56 UTC`, or an em dash for null. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `just now`, `42 s ago`, `5 min ago`, `3 h ago`, `2 d ago`; `in 5 min` for the future. */
export function formatAgo(ms: number | null | undefined, now: number): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const delta = now - ms;
  const abs = Math.abs(delta);
  let text: string;
  if (abs < 5_000) return 'just now';
  if (abs < 60_000) text = `${Math.round(abs / 1000)} s`;
  else if (abs < 3_600_000) text = `${Math.round(abs / 60_000)} min`;
  else if (abs < 86_400_000) text = `${Math.round(abs / 3_600_000)} h`;
  else text = `${Math.round(abs / 86_400_000)} d`;
  return delta >= 0 ? `${text} ago` : `in ${text}`;
}

/** First 12 hex digits of a fingerprint, or an em dash. */
export function shortFingerprint(fp: string | null): string {
  return fp === null ? '—' : fp.slice(0, 12);
}

/** `12.3 d`, `-1.5 d`, or an em dash. */
export function formatDays(days: number | null): string {
  return days === null ? '—' : `${days.toFixed(1)} d`;
}

/** A JSON value for a diff or metadata cell; `(absent)` for undefined. */
export function formatJson(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value, null, 2);
  return text.length > 4000 ? `${text.slice(0, 4000)}\n… (${text.length - 4000} more characters)` : text;
}
