-- Outgoing webhooks: endpoints, and one delivery row per (endpoint, event) fanned out from the outbox.
CREATE TABLE webhook_endpoints (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  secret TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'failing', 'disabled')),
  created_at TEXT NOT NULL,
  -- Only events after the endpoint existed are sent to it.
  from_event_seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints (merchant_id, seq);

CREATE TABLE webhook_deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  created_at TEXT NOT NULL,
  delivered_at TEXT,
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, seq);

-- How far the fan-out has read the events table (a single row).
CREATE TABLE outbox_cursor (
  name TEXT PRIMARY KEY,
  event_seq INTEGER NOT NULL
);
INSERT INTO outbox_cursor (name, event_seq) VALUES ('fanout', 0);
