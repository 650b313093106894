-- Foundation: merchants, their keys and users, customers, activity and the event outbox.
-- One SQLite dialect for better-sqlite3 and D1 (applied by wrangler d1 migrations and by the Node entry).

CREATE TABLE merchants (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  allowed_origins TEXT NOT NULL DEFAULT '[]',
  embed_secret TEXT NOT NULL,
  success_url TEXT,
  cancel_url TEXT,
  gateway TEXT NOT NULL DEFAULT 'test' CHECK (gateway IN ('test', 'stripe')),
  stripe_secret_key TEXT,
  stripe_publishable_key TEXT,
  stripe_webhook_secret TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('publishable', 'secret')),
  -- Publishable keys are public: kept whole. Secret keys: only a SHA-256 hash and a display hint.
  token TEXT UNIQUE,
  token_hash TEXT NOT NULL UNIQUE,
  hint TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX api_keys_merchant ON api_keys (merchant_id, kind);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
  created_at TEXT NOT NULL
);

CREATE TABLE customers (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
  reference TEXT NOT NULL,
  email TEXT,
  first_name TEXT,
  last_name TEXT,
  company TEXT,
  language TEXT NOT NULL DEFAULT 'en',
  billing_address TEXT,
  auto_billing INTEGER NOT NULL DEFAULT 0,
  payment_method TEXT NOT NULL DEFAULT '{"type":"none"}',
  grey_listed INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'anonymized')),
  metadata TEXT NOT NULL DEFAULT '{}',
  link_version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (merchant_id, reference)
);
CREATE INDEX customers_merchant_seq ON customers (merchant_id, seq);

-- Full-text search over the fields the Subscribers search bar and `?query=` look at.
-- External-content FTS5 (available on D1 too), kept in step by triggers.
CREATE VIRTUAL TABLE customers_fts USING fts5 (
  email, first_name, last_name, company, reference,
  content = 'customers', content_rowid = 'seq'
);
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
  INSERT INTO customers_fts (rowid, email, first_name, last_name, company, reference)
  VALUES (new.seq, new.email, new.first_name, new.last_name, new.company, new.reference);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
  INSERT INTO customers_fts (customers_fts, rowid, email, first_name, last_name, company, reference)
  VALUES ('delete', old.seq, old.email, old.first_name, old.last_name, old.company, old.reference);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF email, first_name, last_name, company, reference ON customers BEGIN
  INSERT INTO customers_fts (customers_fts, rowid, email, first_name, last_name, company, reference)
  VALUES ('delete', old.seq, old.email, old.first_name, old.last_name, old.company, old.reference);
  INSERT INTO customers_fts (rowid, email, first_name, last_name, company, reference)
  VALUES (new.seq, new.email, new.first_name, new.last_name, new.company, new.reference);
END;

-- A customer's "recent activity".
CREATE TABLE activity (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  merchant_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE INDEX activity_customer ON activity (customer_id, seq);

-- Transactional outbox: written in the same batch as the change it describes; delivered later.
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX events_merchant ON events (merchant_id, seq);

-- Idempotency-Key records: a pending row is the lock; a finished row replays its response for 24 h.
CREATE TABLE idempotency_keys (
  merchant_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'done')),
  response_status INTEGER,
  response_body TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (merchant_id, key)
);
