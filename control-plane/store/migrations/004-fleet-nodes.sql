-- Per-node config sync status, as the reconciler last recorded it.
CREATE TABLE fleet_nodes (
  id                   TEXT PRIMARY KEY,
  status               TEXT NOT NULL CHECK (status IN ('in_sync', 'drifted', 'pushing', 'unreachable', 'rejected', 'unknown')),
  lifecycle            TEXT NOT NULL CHECK (lifecycle IN ('running', 'starting', 'draining', 'stopped')),
  admin_url            TEXT NOT NULL,
  http_address         TEXT,
  https_address        TEXT,
  availability_zone    TEXT,
  instance_id          TEXT,
  desired_fingerprint  TEXT,
  observed_fingerprint TEXT,
  rejected_fingerprint TEXT,
  synced_generation    INTEGER,
  last_synced_at       INTEGER,
  last_push_at         INTEGER,
  last_error_code      TEXT,
  last_error_message   TEXT,
  last_error_at        INTEGER,
  attempts             INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  admin_latency_ms     REAL,
  removal_seq          INTEGER NOT NULL DEFAULT 0,
  present              INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1)),
  updated_at           INTEGER NOT NULL
) WITHOUT ROWID, STRICT;

-- A sequence for certificate removals, so each node can say up to which removal it has reloaded.
ALTER TABLE cert_removals ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE TABLE removal_seq (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
INSERT INTO removal_seq (id, seq) VALUES (1, 0);
CREATE TRIGGER cert_removals_seq AFTER INSERT ON cert_removals
BEGIN
  UPDATE removal_seq SET seq = seq + 1 WHERE id = 1;
  UPDATE cert_removals SET seq = (SELECT seq FROM removal_seq WHERE id = 1) WHERE hostname = NEW.hostname;
END;
CREATE TRIGGER cert_removals_seq_update AFTER UPDATE OF queued_at ON cert_removals
BEGIN
  UPDATE removal_seq SET seq = seq + 1 WHERE id = 1;
  UPDATE cert_removals SET seq = (SELECT seq FROM removal_seq WHERE id = 1) WHERE hostname = NEW.hostname;
END;
