import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { openStore, type Store } from '../store/store.ts';
import { CertificateExpiryNotifier } from './certificate-events.ts';
import { SqliteOutbox } from './outbox.ts';

const DAY = 86_400_000;
let dir: ReturnType<typeof tempDir>;
let store: Store;
let clock: number;
const now = () => clock;

beforeEach(() => {
  dir = tempDir('caddy-fleet-cert-events-');
  clock = 1_700_000_000_000;
  store = openStore(join(dir.path, 'events.db'));
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

function notifier() {
  const outbox = new SqliteOutbox(store.db, { urls: ['http://127.0.0.1:1/hook'], now });
  return { outbox, notifier: new CertificateExpiryNotifier(store.db, outbox, { warnDays: 21, now }) };
}

describe('CertificateExpiryNotifier', () => {
  it('emits certificate.expiring once per (hostname, notAfter) under the threshold, expired ones included', () => {
    const { outbox, notifier: n } = notifier();
    const certs = [
      { hostname: 'soon.example.com', notAfter: clock + 10 * DAY + 1, issuer: 'R3' },
      { hostname: 'later.example.com', notAfter: clock + 21 * DAY },
      { hostname: 'gone.example.com', notAfter: clock - DAY },
    ];
    expect(n.check(certs)).toEqual(['soon.example.com', 'gone.example.com']);
    expect(n.check(certs)).toEqual([]);
    const events = outbox.listEvents({ limit: 10, type: 'certificate.expiring' }).reverse();
    expect(events.map((e) => e.data)).toEqual([
      {
        hostname: 'soon.example.com',
        not_after: new Date(clock + 10 * DAY + 1).toISOString(),
        days_left: 10,
        expired: false,
        issuer: 'R3',
        warn_days: 21,
      },
      expect.objectContaining({ hostname: 'gone.example.com', days_left: -1, expired: true, issuer: null }),
    ]);
    clock += DAY;
    expect(n.check(certs)).toEqual(['later.example.com']);
  });

  it('does not re-send after a restart, and notifies again for a renewed certificate', () => {
    const cert = { hostname: 'soon.example.com', notAfter: clock + 5 * DAY };
    expect(notifier().notifier.check([cert])).toHaveLength(1);
    const path = store.db.name;
    store.close();
    store = openStore(path);
    const { outbox, notifier: n } = notifier();
    expect(n.check([cert])).toEqual([]);
    const renewed = { ...cert, notAfter: clock + 15 * DAY };
    expect(n.check([renewed])).toEqual(['soon.example.com']);
    expect(outbox.listEvents({ limit: 10 })).toHaveLength(2);
  });

  it('forgets notices of long-expired certificates', () => {
    const { notifier: n } = notifier();
    n.check([{ hostname: 'old.example.com', notAfter: clock - DAY }]);
    clock += 100 * DAY;
    n.check([]);
    expect(store.db.prepare('SELECT count(*) FROM certificate_notices').pluck().get()).toBe(0);
  });
});
