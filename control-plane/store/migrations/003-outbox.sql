-- The event outbox: every event caddy-fleet publishes, written in the same transaction as the change
-- it describes, and one delivery per configured webhook URL. Nothing is lost across a restart.
CREATE TABLE outbox_events (
  -- Keyset order for listing; `id` is what receivers see and deduplicate on.
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  id         TEXT NOT NULL UNIQUE CHECK (id GLOB 'evt_*' AND substr(id, 5) NOT GLOB '*[^0-9a-z]*' AND length(id) BETWEEN 8 AND 64),
  type       TEXT NOT NULL CHECK (type GLOB '[a-z]*.[a-z]*' AND length(type) <= 64),
  data       TEXT NOT NULL CHECK (json_valid(data) AND json_type(data) = 'object' AND length(CAST(data AS BLOB)) <= 65536),
  created_at INTEGER NOT NULL CHECK (created_at >= 0)
) STRICT;

CREATE INDEX outbox_events_by_type ON outbox_events (type, seq);
CREATE INDEX outbox_events_by_created ON outbox_events (created_at);

CREATE TABLE webhook_deliveries (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id        TEXT NOT NULL REFERENCES outbox_events (id) ON DELETE CASCADE,
  url             TEXT NOT NULL CHECK (length(url) BETWEEN 8 AND 2048 AND (url GLOB 'http://*' OR url GLOB 'https://*')),
  state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- When the worker may (re)try; only pending deliveries have one. A claim pushes it forward (a lease).
  next_attempt_at INTEGER,
  last_status     INTEGER CHECK (last_status IS NULL OR last_status BETWEEN 100 AND 599),
  last_error      TEXT CHECK (last_error IS NULL OR length(last_error) <= 500),
  last_attempt_at INTEGER,
  delivered_at    INTEGER,
  created_at      INTEGER NOT NULL,
  UNIQUE (event_id, url),
  CHECK ((state = 'pending') = (next_attempt_at IS NOT NULL)),
  CHECK ((state = 'delivered') = (delivered_at IS NOT NULL))
) STRICT;

-- The worker's "due" query: pending deliveries by next attempt time.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
-- The delivery log (newest first, optionally by state).
CREATE INDEX webhook_deliveries_by_state ON webhook_deliveries (state, id);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);

-- certificate.expiring is sent once per certificate (hostname, notAfter): remembered here across restarts.
CREATE TABLE certificate_notices (
  hostname    TEXT NOT NULL CHECK (length(hostname) BETWEEN 1 AND 253),
  not_after   INTEGER NOT NULL,
  notified_at INTEGER NOT NULL,
  event_id    TEXT NOT NULL,
  PRIMARY KEY (hostname, not_after)
) WITHOUT ROWID, STRICT;

CREATE INDEX certificate_notices_by_not_after ON certificate_notices (not_after);
