-- Domains: the source of truth for ask and for the desired Caddy config.
CREATE TABLE domains (
  hostname         TEXT PRIMARY KEY CHECK (length(hostname) BETWEEN 1 AND 253 AND hostname = lower(hostname)),
  hostname_unicode TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('pending', 'active', 'moved', 'deleted', 'blocked')),
  status_reason    TEXT,
  upstream         TEXT CHECK (upstream IS NULL OR length(upstream) BETWEEN 1 AND 63),
  metadata         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata) AND json_type(metadata) = 'object' AND length(CAST(metadata AS BLOB)) <= 4096),
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) WITHOUT ROWID, STRICT;

CREATE INDEX domains_by_status ON domains (status, hostname);
CREATE INDEX domains_by_upstream ON domains (upstream, hostname) WHERE upstream IS NOT NULL;

-- Append-only audit trail of every change.
CREATE TABLE audit_events (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  hostname  TEXT NOT NULL,
  action    TEXT NOT NULL,
  actor     TEXT NOT NULL,
  at        INTEGER NOT NULL,
  before    TEXT CHECK (before IS NULL OR json_valid(before)),
  after     TEXT CHECK (after IS NULL OR json_valid(after)),
  reason    TEXT
) STRICT;

CREATE INDEX audit_events_by_hostname ON audit_events (hostname, id);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

-- Monotonic desired-config generation: bumped in the same transaction as any write that changes
-- what Caddy must serve (routing or removal).
CREATE TABLE config_state (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL CHECK (generation >= 0),
  updated_at INTEGER NOT NULL
) STRICT;
INSERT INTO config_state (id, generation, updated_at) VALUES (1, 0, 0);

-- Hostnames whose certificates must leave the shared storage (and every node's memory).
CREATE TABLE cert_removals (
  hostname   TEXT PRIMARY KEY,
  queued_at  INTEGER NOT NULL,
  generation INTEGER NOT NULL
) WITHOUT ROWID, STRICT;
