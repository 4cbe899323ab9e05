-- Domain verification: per-domain policy override, TXT ownership token, when the domain moved away,
-- and the checker's per-domain bookkeeping (see control-plane/verification/verification-queue.ts).
ALTER TABLE domains ADD COLUMN verification TEXT
  CHECK (verification IS NULL OR verification IN ('none', 'dns', 'txt'));
ALTER TABLE domains ADD COLUMN verification_token TEXT
  CHECK (verification_token IS NULL OR (length(verification_token) BETWEEN 22 AND 128 AND verification_token NOT GLOB '*[^A-Za-z0-9_-]*'));
-- Only a moved domain has a moved_at (its grace period runs from it).
ALTER TABLE domains ADD COLUMN moved_at INTEGER
  CHECK (moved_at IS NULL OR (moved_at >= 0 AND status = 'moved'));

-- Domains registered before verification existed get a token (128 random bits, hex) like new ones.
UPDATE domains SET verification_token = lower(hex(randomblob(16))) WHERE verification_token IS NULL;

-- One row per domain: when to check it next (NULL = not until re-queued), the state handed back to
-- the checker, and the latest findings.
CREATE TABLE verification_checks (
  hostname         TEXT PRIMARY KEY REFERENCES domains (hostname) ON DELETE CASCADE,
  next_check_at    INTEGER CHECK (next_check_at IS NULL OR next_check_at >= 0),
  attempt          INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  first_checked_at INTEGER CHECK (first_checked_at IS NULL OR first_checked_at >= 0),
  streak_count     INTEGER NOT NULL DEFAULT 0 CHECK (streak_count >= 0),
  streak_since     INTEGER CHECK (streak_since IS NULL OR streak_since >= 0),
  last_checked_at  INTEGER CHECK (last_checked_at IS NULL OR last_checked_at >= 0),
  last_outcome     TEXT CHECK (last_outcome IS NULL OR last_outcome IN ('pass', 'fail', 'inconclusive')),
  last_findings    TEXT CHECK (last_findings IS NULL OR (json_valid(last_findings) AND json_type(last_findings) = 'object' AND length(CAST(last_findings AS BLOB)) <= 65536)),
  CHECK ((streak_count = 0) = (streak_since IS NULL)),
  CHECK ((last_checked_at IS NULL) = (last_findings IS NULL) AND (last_findings IS NULL) = (last_outcome IS NULL))
) WITHOUT ROWID, STRICT;

-- The checker's "due" query.
CREATE INDEX verification_checks_due ON verification_checks (next_check_at) WHERE next_check_at IS NOT NULL;

-- Existing pending and moved domains are due now; active ones are re-queued at start-up if their
-- effective policy needs monitoring (the deployment default is not known here).
INSERT INTO verification_checks (hostname, next_check_at)
  SELECT hostname, CASE WHEN status IN ('pending', 'moved') THEN 0 ELSE NULL END FROM domains;
