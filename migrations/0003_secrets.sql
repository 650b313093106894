-- Installation-wide secrets (link signing, CSRF tokens), generated on first use and never sent out.
CREATE TABLE secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- Gateway references kept apart from the public customer JSON: what a later off-session charge needs.
CREATE TABLE customer_gateway_refs (
  customer_id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  gateway TEXT NOT NULL,
  gateway_customer_id TEXT,
  payment_method_ref TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
