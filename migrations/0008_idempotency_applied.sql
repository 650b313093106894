-- Set in the same batch as the request's first write: a pending key whose write committed is
-- never run again (a crash between the write and storing the response must not duplicate it).
ALTER TABLE idempotency_keys ADD COLUMN applied INTEGER NOT NULL DEFAULT 0;
