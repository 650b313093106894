-- Accounts (issue 10): a business with two environments, test and live, like Stripe.
-- Each environment stays a `merchants` row (mode test|live) under its account, so every
-- per-merchant query (customers, offers, subscriptions, webhooks, keys, …) is unchanged and the
-- environments are as separate as two merchants always were. Team and business profile belong to
-- the account.

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  -- Business profile (GET/PATCH /v1/account, back-office settings).
  legal_name TEXT,
  trading_name TEXT,
  address TEXT,
  country TEXT,
  company_number TEXT,
  vat_number TEXT,
  support_email TEXT,
  support_url TEXT,
  -- Branding: the logo itself is in account_logos, named by the hash of its bytes.
  logo_hash TEXT,
  brand_color TEXT,
  default_locale TEXT NOT NULL DEFAULT 'en',
  -- Set once the "Go live" checklist passed: the live environment may take payments.
  live_at TEXT,
  created_at TEXT NOT NULL
);

-- NULL only between this migration's statements: every row is given its account just below.
ALTER TABLE merchants ADD COLUMN account_id TEXT REFERENCES accounts(id) ON DELETE CASCADE;

-- Today's merchants each become the environment of their own account (the demo merchant: the
-- test environment of the demo account). The account id is derived from the merchant id so the
-- statements below need no lookup table.
INSERT INTO accounts (id, name, trading_name, created_at)
  SELECT 'acct_' || substr(id, 5), name, name, created_at FROM merchants;
UPDATE merchants SET account_id = 'acct_' || substr(id, 5);

-- One environment of each mode per account: also the guard when two requests create the live one.
CREATE UNIQUE INDEX merchants_account_mode ON merchants (account_id, mode);

-- Logos, served at /brand/{hash}.{ext} with a long cache: a new logo is a new URL.
-- Stored as base64 text: the database port carries text and numbers only (both runtimes).
CREATE TABLE account_logos (
  hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
  data TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- First-run setup on Node: the single-use token printed in the start banner; only its hash is kept.
CREATE TABLE setup_tokens (
  token_hash TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);

-- Offer translations: {"fr": {"name": …, "description": …, "features": […]}}.
ALTER TABLE offers ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';

-- The test gateway never takes real money: refused in live by the database too, whatever the code
-- path (settings form, service, a future API). Old live rows on it could never charge anyway.
UPDATE merchants SET gateway = 'stripe' WHERE mode = 'live' AND gateway = 'test';
CREATE TRIGGER merchants_live_gateway_insert BEFORE INSERT ON merchants
  WHEN NEW.mode = 'live' AND NEW.gateway = 'test'
  BEGIN SELECT RAISE(ABORT, 'the test gateway works only in test mode'); END;
CREATE TRIGGER merchants_live_gateway_update BEFORE UPDATE OF gateway, mode ON merchants
  WHEN NEW.mode = 'live' AND NEW.gateway = 'test'
  BEGIN SELECT RAISE(ABORT, 'the test gateway works only in test mode'); END;
