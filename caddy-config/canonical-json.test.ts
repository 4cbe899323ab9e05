import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';
import { fingerprint } from './fingerprint.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: null }, true] })).toBe('{"a":[{"c":null,"d":"x"},true],"b":1}');
  });

  it('follows JSON.stringify for undefined, functions and non-finite numbers', () => {
    expect(canonicalJson({ a: undefined, f: () => 1, n: Number.NaN, l: [undefined] })).toBe('{"l":[null],"n":null}');
    expect(canonicalJson({ d: new Date(0) })).toBe('{"d":"1970-01-01T00:00:00.000Z"}');
  });

  it('escapes strings like JSON', () => {
    expect(canonicalJson({ 'k"': 'line\n"q"' })).toBe('{"k\\"":"line\\n\\"q\\""}');
  });
});

describe('fingerprint', () => {
  it('is the sha256 hex of the canonical form', () => {
    expect(fingerprint({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(fingerprint({ a: 1, b: 2 })).toBe(fingerprint({ b: 2, a: 1 }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
  });

  it('gives the same text with a cache, also for documents sharing large arrays', () => {
    const shared = Array.from({ length: 20 }, (_, i) => ({
      z: i,
      a: [`h${i}`, ...Array.from({ length: 9 }, (_, j) => j)],
    }));
    const one = { node: 'a', routes: shared };
    const two = { routes: shared, node: 'b' };
    const cache = new WeakMap<object, string>();
    expect(canonicalJson(one, cache)).toBe(canonicalJson(one));
    expect(canonicalJson(two, cache)).toBe(canonicalJson(two));
    expect(canonicalJson(two, cache)).toBe(
      JSON.stringify({ node: 'b', routes: shared.map((r) => ({ a: r.a, z: r.z })) }),
    );
  });
});
