-- Checkout hardening (issue 9).

-- Expired open sessions are purged after a retention period (server/checkout/purge.ts): this
-- index lets each chunk find them without scanning completed sessions, which are kept.
CREATE INDEX checkout_sessions_open_expiry ON checkout_sessions (expires_at) WHERE status = 'open';

-- Old payment attempts (grey-list counters) are purged by the same loop.
CREATE INDEX payment_attempts_created ON payment_attempts (created_at);

-- GDPR erasure is final: no writer (a checkout completing in a race with the erasure, a later
-- feature) may put personal data or a payment method back on an anonymized customer. The whole
-- batch containing such a write is rolled back; checkout maps the error to a refusal.
CREATE TRIGGER customers_anonymized_final BEFORE UPDATE ON customers
WHEN OLD.status = 'anonymized' AND (
  NEW.status <> 'anonymized'
  OR NEW.email IS NOT NULL OR NEW.first_name IS NOT NULL OR NEW.last_name IS NOT NULL OR NEW.company IS NOT NULL
  OR NEW.billing_address IS NOT OLD.billing_address
  OR NEW.payment_method IS NOT OLD.payment_method
  OR NEW.metadata IS NOT OLD.metadata
)
BEGIN
  SELECT RAISE(ABORT, 'customer_anonymized');
END;
