/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, otherwise `JSON.stringify`
 * semantics (undefined and function members are dropped, `toJSON` is honoured, non-finite numbers
 * become `null`). Two documents that differ only in key order give the same string; Caddy's
 * `GET /config/` output (Go's sorted maps) canonicalizes to the same string as what was pushed.
 *
 * `cache` (optional) remembers the text of large arrays by identity, for documents that share
 * read-only subtrees (every node's config holds the same host routes); never mutate a cached array.
 *
 * @example canonicalJson({ b: 1, a: [true, null] }) === '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown, cache?: WeakMap<object, string>): string {
  const parts: string[] = [];
  write(value, parts, cache);
  return parts.join('');
}

/** Arrays at least this long are remembered in the optional cache (host lists, route lists). */
const CACHE_MIN_LENGTH = 8;

function write(value: unknown, out: string[], cache: WeakMap<object, string> | undefined): void {
  const json = toJsonValue(value);
  if (json === null || typeof json !== 'object') {
    out.push(json === undefined ? 'null' : JSON.stringify(json));
    return;
  }
  if (Array.isArray(json)) {
    // With a cache, a large array already written (shared, read-only, between several documents:
    // the host routes of every node's config) is copied instead of walked again.
    const cacheable = cache !== undefined && json.length >= CACHE_MIN_LENGTH;
    const hit = cacheable ? cache.get(json) : undefined;
    if (hit !== undefined) {
      out.push(hit);
      return;
    }
    const inner: string[] = cacheable ? [] : out;
    inner.push('[');
    for (let i = 0; i < json.length; i++) {
      if (i > 0) inner.push(',');
      const item = toJsonValue(json[i]);
      write(item === undefined ? null : item, inner, cache);
    }
    inner.push(']');
    if (cacheable) {
      const text = inner.join('');
      cache.set(json, text);
      out.push(text);
    }
    return;
  }
  const record = json as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  out.push('{');
  let first = true;
  for (const key of keys) {
    const item = toJsonValue(record[key]);
    if (item === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    write(item, out, cache);
  }
  out.push('}');
}

/** Applies `toJSON` and maps values JSON cannot represent to undefined (dropped from objects). */
function toJsonValue(value: unknown): unknown {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON: () => unknown }).toJSON();
  }
  if (typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (typeof v === 'bigint') throw new TypeError('canonicalJson: BigInt is not serializable');
  return v;
}
