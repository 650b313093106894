-- Billing engine: invoices, their lines, payment attempts, credit notes, gapless numbering,
-- per-environment billing settings (numbering prefix, dunning policy, test clock) and the test
-- gateway's idempotent charges. Each environment is a merchant row.

-- Subscriptions gain the full status set and what billing needs. SQLite cannot change a CHECK in
-- place: the table is recreated, rows copied as they are (seq kept, so list cursors stay valid).
CREATE TABLE subscriptions_new (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
  customer_id TEXT NOT NULL,
  offer_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('incomplete', 'trialing', 'active', 'past_due', 'unpaid', 'canceled')),
  collection_method TEXT NOT NULL DEFAULT 'charge_automatically' CHECK (collection_method IN ('charge_automatically', 'send_invoice')),
  days_until_due INTEGER,
  current_period_start TEXT NOT NULL,
  current_period_end TEXT NOT NULL,
  trial_end TEXT,
  cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
  canceled_at TEXT,
  latest_invoice TEXT,
  -- Periods are computed from the anchor (cycle k = anchor + k intervals), never from the previous
  -- period's end, so 31 Jan -> 28 Feb -> 31 Mar comes back to the 31st. Trials are cycle -1.
  billing_anchor TEXT NOT NULL,
  current_cycle INTEGER NOT NULL DEFAULT 0,
  trial_will_end_sent INTEGER NOT NULL DEFAULT 0,
  -- Whoever sets this first renews the row; the UNIQUE on invoices makes a lost lease harmless.
  lease_until TEXT,
  -- One subscription per checkout session, whatever the number of submissions or retries.
  checkout_session_id TEXT UNIQUE,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO subscriptions_new (seq, id, merchant_id, customer_id, offer_id, status, current_period_start, current_period_end,
  trial_end, cancel_at_period_end, billing_anchor, current_cycle, checkout_session_id, created_at, updated_at)
SELECT seq, id, merchant_id, customer_id, offer_id, status, current_period_start, current_period_end,
  trial_end, cancel_at_period_end,
  CASE WHEN status = 'trialing' THEN current_period_end ELSE current_period_start END,
  CASE WHEN status = 'trialing' THEN -1 ELSE 0 END,
  checkout_session_id, created_at, updated_at
FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_new RENAME TO subscriptions;
CREATE INDEX subscriptions_customer ON subscriptions (customer_id, status);
CREATE INDEX subscriptions_merchant ON subscriptions (merchant_id, seq);
-- The billing run's scan: what is due, per environment, oldest first.
CREATE INDEX subscriptions_due ON subscriptions (merchant_id, current_period_end) WHERE status IN ('trialing', 'active', 'past_due');

-- One row per environment, created on first use. The counters are the gapless series: a number is
-- taken only by the guarded UPDATE in the very batch that finalizes the invoice (or credit note).
CREATE TABLE billing_settings (
  merchant_id TEXT PRIMARY KEY REFERENCES merchants(id) ON DELETE CASCADE,
  invoice_prefix TEXT NOT NULL,
  invoice_counter INTEGER NOT NULL DEFAULT 0,
  credit_note_counter INTEGER NOT NULL DEFAULT 0,
  dunning_policy TEXT NOT NULL DEFAULT 'cancel' CHECK (dunning_policy IN ('cancel', 'unpaid', 'past_due')),
  -- Test environments only: how far the test clock is ahead of real time (forward only).
  test_clock_offset_ms INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
);

CREATE TABLE invoices (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
  customer_id TEXT NOT NULL,
  subscription_id TEXT,
  -- NULL while draft; assigned at finalization only.
  number TEXT,
  status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
  -- The money side, apart from the document's status.
  payment_status TEXT NOT NULL DEFAULT 'none'
    CHECK (payment_status IN ('none', 'pending', 'processing', 'requires_action', 'failed', 'succeeded', 'out_of_band')),
  billing_reason TEXT NOT NULL CHECK (billing_reason IN ('subscription_create', 'subscription_cycle', 'trial_end', 'manual')),
  collection_method TEXT NOT NULL CHECK (collection_method IN ('charge_automatically', 'send_invoice')),
  currency TEXT NOT NULL,
  subtotal INTEGER NOT NULL,
  tax INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL,
  amount_paid INTEGER NOT NULL DEFAULT 0,
  period_start TEXT,
  period_end TEXT,
  due_date TEXT,
  attempt_count INTEGER NOT NULL DEFAULT 0,
  next_payment_attempt TEXT,
  -- Dunning: retries are scheduled from the first failure; hard declines stop them.
  first_failed_at TEXT,
  last_failure_code TEXT,
  hard_declined INTEGER NOT NULL DEFAULT 0,
  paid_out_of_band_method TEXT CHECK (paid_out_of_band_method IN ('bank_transfer', 'check', 'cash', 'other')),
  lease_until TEXT,
  created_at TEXT NOT NULL,
  finalized_at TEXT,
  paid_at TEXT,
  voided_at TEXT,
  marked_uncollectible_at TEXT,
  updated_at TEXT NOT NULL,
  -- One invoice per subscription per period, whatever the number of runners or retries.
  UNIQUE (subscription_id, period_start),
  UNIQUE (merchant_id, number)
);
CREATE INDEX invoices_merchant ON invoices (merchant_id, seq);
CREATE INDEX invoices_customer ON invoices (customer_id, seq);
CREATE INDEX invoices_subscription ON invoices (subscription_id, seq);
CREATE INDEX invoices_collect ON invoices (merchant_id, next_payment_attempt) WHERE status = 'open';

CREATE TABLE invoice_lines (
  invoice_id TEXT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  description TEXT NOT NULL,
  period_start TEXT,
  period_end TEXT,
  quantity INTEGER NOT NULL,
  unit_amount INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  tax_rate INTEGER,
  tax_amount INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (invoice_id, position)
);

-- One row per try at collecting an invoice. The gateway's idempotency key is derived from the id,
-- so a crash or timeout after the charge is settled by asking the gateway, never by charging again.
CREATE TABLE invoice_payments (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL,
  invoice_id TEXT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'unknown', 'succeeded', 'processing', 'requires_action', 'failed')),
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  gateway_payment_id TEXT,
  failure_code TEXT,
  decline_code TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (invoice_id, attempt)
);
CREATE INDEX invoice_payments_open ON invoice_payments (invoice_id, status);

-- Voiding a finalized invoice keeps its number and issues a credit note from its own gapless series.
CREATE TABLE credit_notes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
  invoice_id TEXT NOT NULL UNIQUE REFERENCES invoices(id) ON DELETE CASCADE,
  number TEXT NOT NULL,
  currency TEXT NOT NULL,
  total INTEGER NOT NULL,
  reason TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (merchant_id, number)
);

-- The test gateway's charges, keyed like Stripe's idempotency: the same key answers the same result.
CREATE TABLE test_gateway_charges (
  idempotency_key TEXT PRIMARY KEY,
  payment_id TEXT NOT NULL UNIQUE,
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  method_ref TEXT NOT NULL,
  result TEXT NOT NULL,
  created_at TEXT NOT NULL
);
