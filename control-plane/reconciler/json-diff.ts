import type { DiffEntry } from './fleet-view.ts';

function escapeKey(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Structural diff of two JSON documents as RFC 6901 paths with both values: the leaves that differ,
 * or the highest path where the shapes stop matching. Keys are compared in sorted order, so the
 * output is stable. At most `limit` entries (the rest are counted by the caller's length check).
 *
 * @example
 * diffJson({ a: { b: 1 } }, { a: { b: 2 } }) // [{ path: '/a/b', desired: 1, observed: 2 }]
 */
export function diffJson(desired: unknown, observed: unknown, limit = 500): DiffEntry[] {
  const out: DiffEntry[] = [];
  const walk = (d: unknown, o: unknown, path: string) => {
    if (out.length >= limit) return;
    if (Array.isArray(d) && Array.isArray(o)) {
      const n = Math.max(d.length, o.length);
      for (let i = 0; i < n; i++) walk(d[i], o[i], `${path}/${i}`);
      return;
    }
    if (isObject(d) && isObject(o)) {
      const keys = [...new Set([...Object.keys(d), ...Object.keys(o)])].sort();
      for (const k of keys) walk(d[k], o[k], `${path}/${escapeKey(k)}`);
      return;
    }
    if (d === o) return;
    if (d !== undefined && o !== undefined && JSON.stringify(d) === JSON.stringify(o)) return;
    out.push({ path: path || '/', desired: d, observed: o });
  };
  walk(desired, observed, '');
  return out;
}
