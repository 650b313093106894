-- Widget: where a browser-created checkout session came from, for embedding and rate limiting.
ALTER TABLE checkout_sessions ADD COLUMN embed_origin TEXT;
ALTER TABLE checkout_sessions ADD COLUMN client_ip TEXT;
CREATE INDEX checkout_sessions_ip ON checkout_sessions (merchant_id, client_ip, created_at);
