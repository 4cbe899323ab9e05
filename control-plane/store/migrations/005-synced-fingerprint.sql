-- The fingerprint a node was last confirmed in sync with: a config that differs from it was changed
-- on the node (drift); a desired config that differs from it is a config change to apply.
ALTER TABLE fleet_nodes ADD COLUMN synced_fingerprint TEXT;
