import { describe, expect, it } from 'vitest';
import { createSessionStore } from './session.ts';

function store(maxSessions = 10) {
  const clock = { now: 0 };
  return { clock, sessions: createSessionStore({ idleMs: 1_000, maxSessions, now: () => clock.now }) };
}

describe('session store', () => {
  it('creates opaque random ids and distinct CSRF tokens', () => {
    const { sessions } = store();
    const a = sessions.create('token:1');
    const b = sessions.create('token:1');
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.csrf).not.toBe(a.id);
    expect(a.csrf).not.toBe(b.csrf);
    expect(sessions.get(a.id)).toBe(a);
  });

  it('expires a session idle for idleMs, and touching keeps it alive', () => {
    const { clock, sessions } = store();
    const s = sessions.create('token:1');
    clock.now = 999;
    expect(sessions.get(s.id)).toBe(s);
    clock.now = 1_998;
    expect(sessions.get(s.id)).toBe(s);
    clock.now = 2_998;
    expect(sessions.get(s.id)).toBeUndefined();
    expect(sessions.size).toBe(0);
  });

  it('evicts the least recently used session at the cap', () => {
    const { sessions } = store(2);
    const a = sessions.create('a');
    const b = sessions.create('b');
    sessions.get(a.id);
    const c = sessions.create('c');
    expect(sessions.size).toBe(2);
    expect(sessions.get(b.id)).toBeUndefined();
    expect(sessions.get(a.id)).toBe(a);
    expect(sessions.get(c.id)).toBe(c);
  });

  it('ignores malformed ids and destroys sessions', () => {
    const { sessions } = store();
    const s = sessions.create('a');
    expect(sessions.get(undefined)).toBeUndefined();
    expect(sessions.get('short')).toBeUndefined();
    expect(sessions.get(`${s.id}x`)).toBeUndefined();
    sessions.destroy(s.id);
    expect(sessions.get(s.id)).toBeUndefined();
  });
});
