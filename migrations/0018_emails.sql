-- Emails: a durable outbox. Each row is rendered when it is written (subject, both parts, the
-- Message-ID Porte chose), so every retry sends exactly the same message, and what the back-office
-- shows is what left. `stored` rows never leave the machine (test mode, or no SMTP configured).
CREATE TABLE emails (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
  customer_id TEXT,
  kind TEXT NOT NULL,
  -- What caused it (e.g. "receipt:in_…"): the same cause never gives two emails.
  source_key TEXT NOT NULL,
  locale TEXT NOT NULL CHECK (locale IN ('en', 'fr')),
  from_address TEXT NOT NULL,
  reply_to TEXT,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  html TEXT NOT NULL,
  text TEXT NOT NULL,
  -- Fixed before the first attempt: a resend after a crash carries the same one.
  message_id TEXT NOT NULL UNIQUE,
  -- JSON the attachment hook reads (e.g. the invoice id of a receipt).
  data TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'stored', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  server_response TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  UNIQUE (merchant_id, source_key)
);
CREATE INDEX emails_due ON emails (status, next_attempt_at);
CREATE INDEX emails_merchant ON emails (merchant_id, seq);
CREATE INDEX emails_customer ON emails (customer_id, seq);

-- The email fan-out reads the events table from here; events older than this migration are not mailed.
INSERT INTO outbox_cursor (name, event_seq) SELECT 'emails', COALESCE(MAX(seq), 0) FROM events;
