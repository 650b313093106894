-- Signup: offers, pricing tables, checkout sessions, subscriptions, payment attempts (grey list).

CREATE TABLE offers (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
  reference TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  currency TEXT NOT NULL,
  amount_upfront INTEGER NOT NULL DEFAULT 0,
  recurring_amount INTEGER NOT NULL,
  recurring_interval TEXT NOT NULL CHECK (recurring_interval IN ('day', 'week', 'month', 'year')),
  recurring_interval_count INTEGER NOT NULL DEFAULT 1,
  trial_days INTEGER NOT NULL DEFAULT 0,
  trial_amount INTEGER NOT NULL DEFAULT 0,
  features TEXT NOT NULL DEFAULT '[]',
  visible INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (merchant_id, reference)
);

CREATE TABLE pricing_tables (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
  reference TEXT NOT NULL,
  offers TEXT NOT NULL DEFAULT '[]',
  highlighted TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (merchant_id, reference)
);

CREATE TABLE checkout_sessions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
  offer_id TEXT NOT NULL REFERENCES offers(id),
  customer_reference TEXT,
  customer_email TEXT,
  customer_hash_verified INTEGER NOT NULL DEFAULT 0,
  prefill TEXT NOT NULL DEFAULT '{}',
  success_url TEXT NOT NULL,
  cancel_url TEXT NOT NULL,
  locale TEXT,
  source TEXT NOT NULL DEFAULT 'api',
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'complete')),
  customer_id TEXT,
  subscription_id TEXT,
  gateway_state TEXT NOT NULL DEFAULT '{}',
  expires_at TEXT NOT NULL,
  completed_at TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE subscriptions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
  customer_id TEXT NOT NULL,
  offer_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('trialing', 'active', 'canceled')),
  current_period_start TEXT NOT NULL,
  current_period_end TEXT NOT NULL,
  trial_end TEXT,
  cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
  -- One subscription per checkout session, whatever the number of submissions or retries.
  checkout_session_id TEXT UNIQUE,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX subscriptions_customer ON subscriptions (customer_id, status);
CREATE INDEX subscriptions_merchant ON subscriptions (merchant_id, seq);

-- Payment-method attempts, counted for the grey list (5 failures in an hour).
CREATE TABLE payment_attempts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  merchant_id TEXT NOT NULL,
  customer_id TEXT,
  email TEXT,
  ip TEXT,
  succeeded INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX payment_attempts_email ON payment_attempts (merchant_id, email, created_at);
CREATE INDEX payment_attempts_ip ON payment_attempts (merchant_id, ip, created_at);
CREATE INDEX payment_attempts_customer ON payment_attempts (merchant_id, customer_id, created_at);
