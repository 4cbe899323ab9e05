import { describe, expect, it } from 'vitest';
import { isSameOrSubdomain } from './is-same-or-subdomain.ts';

describe('isSameOrSubdomain', () => {
  const cases: ReadonlyArray<readonly [hostname: string, parent: string, expected: boolean]> = [
    ['saas.com', 'saas.com', true],
    ['a.saas.com', 'saas.com', true],
    ['a.b.saas.com', 'saas.com', true],
    ['notsaas.com', 'saas.com', false],
    ['saas.com', 'a.saas.com', false],
    ['saas.co', 'saas.com', false],
    ['saas.com.evil.net', 'saas.com', false],
    ['A.SaaS.com.', 'saas.com', true],
    ['a.saas.com', 'SAAS.COM.', true],
    ['com', 'com', true],
    ['saas.com', '', false],
    ['', 'saas.com', false],
  ];
  for (const [hostname, parent, expected] of cases) {
    it(`${JSON.stringify(hostname)} under ${JSON.stringify(parent)}: ${expected}`, () => {
      expect(isSameOrSubdomain(hostname, parent)).toBe(expected);
    });
  }
});
