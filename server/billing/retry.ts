import type { Deps } from '../deps.ts';
import { merchantRepository } from '../merchants/repository.ts';
import { collect } from './collect.ts';
import { contextFor } from './run.ts';

/**
 * A new payment method (from the portal) retries the customer's open automatic invoices at once:
 * whatever dunning was waiting for (a hard decline, an authentication) is lifted, and each invoice
 * is collected now through the same path as the run (lease, attempt row, idempotency key).
 * Invoices of canceled subscriptions are left alone: nobody is charged for a subscription that ended.
 * An `unpaid` subscription (dunning over, policy "unpaid") is recovered the same way: its
 * uncollectible invoices are charged too, and once paid the subscription is active again.
 */
export async function retryOpenInvoices(deps: Deps, merchantId: string, customerId: string): Promise<void> {
  const merchant = await merchantRepository(deps.db).byId(merchantId);
  if (!merchant) return;
  const ctx = await contextFor(deps, merchant);
  const at = ctx.clock().toISOString();
  const rows = await deps.db.all<{ id: string }>(
    `SELECT id FROM invoices WHERE merchant_id = ? AND customer_id = ? AND collection_method = 'charge_automatically'
       AND ((status = 'open' AND payment_status IN ('failed', 'requires_action')
             AND (subscription_id IS NULL OR subscription_id NOT IN (SELECT id FROM subscriptions WHERE status = 'canceled')))
         OR (status = 'uncollectible' AND subscription_id IN (SELECT id FROM subscriptions WHERE status = 'unpaid')))
     ORDER BY seq`,
    [merchantId, customerId],
  );
  for (const { id } of rows) {
    await deps.db.run(
      `UPDATE invoices SET hard_declined = 0, payment_status = 'failed', next_payment_attempt = ?, updated_at = ? WHERE id = ? AND status = 'open'`,
      [at, at, id],
    );
    await collect(ctx, id, { now: true });
  }
}
