import { describe, expect, it } from 'vitest';
import { diffJson } from './json-diff.ts';

describe('diffJson', () => {
  it('is empty for equal documents regardless of key order', () => {
    expect(diffJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('reports leaves as JSON pointers with both values', () => {
    expect(diffJson({ a: { b: 1, 'x/y': 'p' }, l: [1, 2, 3] }, { a: { b: 2, 'x/y': 'q' }, l: [1, 2] })).toEqual([
      { path: '/a/b', desired: 1, observed: 2 },
      { path: '/a/x~1y', desired: 'p', observed: 'q' },
      { path: '/l/2', desired: 3, observed: undefined },
    ]);
  });

  it('reports a missing subtree once, at its root', () => {
    expect(diffJson({ apps: { http: {} }, admin: 1 }, { admin: 1 })).toEqual([
      { path: '/apps', desired: { http: {} }, observed: undefined },
    ]);
  });

  it('compares whole documents of different types at the root', () => {
    expect(diffJson({ a: 1 }, null)).toEqual([{ path: '/', desired: { a: 1 }, observed: null }]);
  });

  it('caps the number of entries', () => {
    const big = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    expect(diffJson(big, {}, 10)).toHaveLength(10);
  });
});
