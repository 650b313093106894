/**
 * A first payment that was still `processing` at checkout (SEPA) settles days later, told by the
 * gateway's event: paid → the invoice is paid and the `incomplete` subscription starts; failed →
 * the attempt fails, the invoice is voided (a credit note keeps the numbering whole) and the
 * subscription that never started is canceled. One batch each, guarded by the attempt still being
 * `processing`, so a redelivered event or a second runner changes nothing.
 */
import { sql, type Statement } from '../db/port.ts';
import type { Deps } from '../deps.ts';
import type { EventType } from '../events/outbox.ts';
import type { ChargeResult } from '../gateways/port.ts';
import { newId } from '../lib/ids.ts';
import type { Merchant } from '../merchants/repository.ts';
import { voidStatements } from '../invoices/numbering.ts';
import { invoiceRepository } from '../invoices/repository.ts';
import { toJson as invoiceJson } from '../invoices/schema.ts';
import { subscriptionRepository, toJson as subscriptionJson } from '../subscriptions/repository.ts';

/** Whether `gatewayPaymentId` is a first payment waiting for its outcome (false: not ours to settle). */
export async function settleFirstPayment(deps: Deps, merchant: Merchant, gatewayPaymentId: string, r: ChargeResult): Promise<boolean> {
  const row = await deps.db.get<{ id: string; invoice_id: string }>(
    `SELECT p.id, p.invoice_id FROM invoice_payments p JOIN invoices i ON i.id = p.invoice_id
     WHERE p.merchant_id = ? AND p.gateway_payment_id = ? AND p.status = 'processing' AND i.billing_reason = 'subscription_create'`,
    [merchant.id, gatewayPaymentId],
  );
  if (!row) return false;
  if (r.status !== 'succeeded' && r.status !== 'failed') return true; // still processing, or unknown: wait for the next event
  const inv = await invoiceRepository(deps.db).byId(merchant.id, row.invoice_id);
  const sub = inv?.subscriptionId ? await subscriptionRepository(deps.db).byId(merchant.id, inv.subscriptionId) : undefined;
  if (!inv || !sub) return true;
  const now = deps.clock();
  const at = now.toISOString();
  const guard = sql("EXISTS (SELECT 1 FROM invoice_payments WHERE id = ? AND status = 'processing')", row.id);
  const event = (type: EventType, data: object): Statement =>
    sql(`INSERT INTO events (id, merchant_id, type, data, created_at) SELECT ?, ?, ?, ?, ? WHERE ${guard.sql}`, newId('evt'), merchant.id, type, JSON.stringify(data), at, ...guard.params);
  const statements: Statement[] = [];
  if (r.status === 'succeeded') {
    const trialing = sub.trialEnd !== null && sub.trialEnd > at;
    const started = { ...sub, status: trialing ? ('trialing' as const) : ('active' as const) };
    const paid = { ...inv, status: 'paid' as const, paymentStatus: 'succeeded' as const, amountPaid: inv.total, paidAt: at };
    statements.push(
      event('invoice.paid', invoiceJson(paid, null, now)),
      event('subscription.updated', { object: subscriptionJson(started), previous_attributes: { status: sub.status } }),
      sql(`UPDATE invoices SET status = 'paid', payment_status = 'succeeded', amount_paid = total, paid_at = ?, updated_at = ? WHERE id = ? AND status = 'open' AND ${guard.sql}`, at, at, inv.id, ...guard.params),
      sql(`UPDATE subscriptions SET status = ?, updated_at = ? WHERE id = ? AND status = 'incomplete' AND ${guard.sql}`, started.status, at, sub.id, ...guard.params),
      sql("UPDATE invoice_payments SET status = 'succeeded', updated_at = ? WHERE id = ? AND status = 'processing'", at, row.id),
    );
  } else {
    const failed = { ...inv, paymentStatus: 'failed' as const, lastFailureCode: r.declineCode ?? r.code };
    const canceled = { ...sub, status: 'canceled' as const, canceledAt: at };
    statements.push(
      event('invoice.payment_failed', invoiceJson(failed, null, now)),
      event('invoice.voided', invoiceJson({ ...failed, status: 'void', voidedAt: at }, null, now)),
      event('subscription.canceled', subscriptionJson(canceled)),
      sql(`UPDATE invoices SET payment_status = 'failed', last_failure_code = ?, updated_at = ? WHERE id = ? AND ${guard.sql}`, failed.lastFailureCode, at, inv.id, ...guard.params),
      ...voidStatements(merchant, inv.id, newId('cn'), now, 'first_payment_failed'),
      sql(`UPDATE subscriptions SET status = 'canceled', canceled_at = ?, updated_at = ? WHERE id = ? AND status = 'incomplete' AND ${guard.sql}`, at, at, sub.id, ...guard.params),
      sql(
        "UPDATE invoice_payments SET status = 'failed', failure_code = ?, decline_code = ?, updated_at = ? WHERE id = ? AND status = 'processing'",
        r.code, r.declineCode ?? null, at, row.id,
      ),
    );
  }
  await deps.db.batch(statements);
  return true;
}
