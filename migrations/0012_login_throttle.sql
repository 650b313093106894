-- Back-office login throttle (replaces admin_login_attempts, whose per-email lock any stranger could
-- trigger and whose read-then-write count parallel guesses raced past).
--
-- One row per (client address, email) and one per client address across all emails (kind
-- 'address', email ''). A try is counted BEFORE its password is checked, by one guarded upsert per
-- row inside one batch, so parallel tries are serialized by the database: once `failures` reaches
-- the free allowance, `next_at` moves into the future (doubling each time) and every try before it
-- is refused unchecked. A success from that address and email deletes the pair's row.
-- `attempt` names the try that last counted, which ties the two rows' upserts together.
CREATE TABLE admin_login_throttle (
  ip TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('address', 'pair')),
  email TEXT NOT NULL,
  failures INTEGER NOT NULL,
  -- Epoch milliseconds before which no try is checked (the time of the last try while no delay applies).
  next_at INTEGER NOT NULL,
  attempt TEXT NOT NULL,
  PRIMARY KEY (ip, kind, email)
);
CREATE INDEX admin_login_throttle_next ON admin_login_throttle (next_at);

DROP TABLE admin_login_attempts;
