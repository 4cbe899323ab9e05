/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, otherwise `JSON.stringify`
 * semantics (undefined and function members are dropped, `toJSON` is honoured, non-finite numbers
 * become `null`). Two documents that differ only in key order give the same string; Caddy's
 * `GET /config/` output (Go's sorted maps) canonicalizes to the same string as what was pushed.
 *
 * @example canonicalJson({ b: 1, a: [true, null] }) === '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: unknown, out: string[]): void {
  const json = toJsonValue(value);
  if (json === null || typeof json !== 'object') {
    out.push(json === undefined ? 'null' : JSON.stringify(json));
    return;
  }
  if (Array.isArray(json)) {
    out.push('[');
    for (let i = 0; i < json.length; i++) {
      if (i > 0) out.push(',');
      const item = toJsonValue(json[i]);
      write(item === undefined ? null : item, out);
    }
    out.push(']');
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
    write(item, out);
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
