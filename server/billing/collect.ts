import { sql, UniqueViolation } from '../db/port.ts';
import { type ChargeInput, type ChargeResult, GatewayUnavailable, type PaymentGateway } from '../gateways/port.ts';
import { gatewayFor } from '../gateways/select.ts';
import { newId } from '../lib/ids.ts';
import { type Invoice, type InvoicePayment, invoiceRepository, paymentKey } from '../invoices/repository.ts';
import type { BillingContext } from './issue.ts';
import { endDunning, PAYABLE, type Settled, settle } from './settle.ts';

const LEASE_MS = 120_000;
const GATEWAY_DOWN_RETRY_MS = 15 * 60_000;

interface SavedMethod {
  type: 'card' | 'sepa_debit';
  gatewayRef: string;
  gatewayCustomerId: string | null;
}

async function savedMethod(ctx: BillingContext, customerId: string): Promise<SavedMethod | undefined> {
  const row = await ctx.deps.db.get<{ payment_method_ref: string; gateway_customer_id: string | null; payment_method: string }>(
    `SELECT r.payment_method_ref, r.gateway_customer_id, c.payment_method FROM customer_gateway_refs r JOIN customers c ON c.id = r.customer_id
     WHERE r.customer_id = ? AND r.merchant_id = ?`,
    [customerId, ctx.merchant.id],
  );
  if (!row) return undefined;
  const type = (JSON.parse(row.payment_method) as { type?: string }).type;
  if (type !== 'card' && type !== 'sepa_debit') return undefined;
  return { type, gatewayRef: row.payment_method_ref, gatewayCustomerId: row.gateway_customer_id };
}

const chargeInput = (inv: Invoice, payment: InvoicePayment, m: SavedMethod): ChargeInput => ({
  idempotencyKey: paymentKey(payment.id),
  amount: payment.amount,
  currency: payment.currency,
  method: { type: m.type, gatewayRef: m.gatewayRef },
  gatewayCustomerId: m.gatewayCustomerId,
  description: `Invoice ${inv.number ?? inv.id}`,
  metadata: { porte_invoice: inv.id, porte_payment: payment.id },
});

export type CollectOutcome = Settled | 'skipped';

/**
 * Collects one open invoice off-session. The invoice is leased first (one runner at a time); an
 * attempt left unsettled by a crash or timeout is resolved by asking the gateway (`retrieve`, same
 * idempotency key), never by a new charge; only then may a new attempt row be inserted, and its
 * UNIQUE(invoice_id, attempt) lets exactly one runner charge it. `now: true` is a try asked for by
 * someone (API, portal, hosted page) rather than the schedule.
 */
export async function collect(ctx: BillingContext, invoiceId: string, opts: { now?: boolean } = {}): Promise<CollectOutcome> {
  const { db } = ctx.deps;
  const now = ctx.clock();
  const at = now.toISOString();
  const due = opts.now ? '' : ' AND next_payment_attempt IS NOT NULL AND next_payment_attempt <= ?';
  // A try asked for by someone may also collect an uncollectible invoice (a late payment); the schedule never does.
  const status = opts.now ? `status IN ${PAYABLE}` : "status = 'open'";
  const lease = await db.run(
    `UPDATE invoices SET lease_until = ? WHERE id = ? AND merchant_id = ? AND ${status} AND (lease_until IS NULL OR lease_until < ?)${due}`,
    [new Date(now.getTime() + LEASE_MS).toISOString(), invoiceId, ctx.merchant.id, at, ...(opts.now ? [] : [at])],
  );
  if (lease.changes === 0) return 'skipped';
  const repo = invoiceRepository(db);
  const inv = await repo.byId(ctx.merchant.id, invoiceId);
  if (!inv) return 'skipped';
  const release = () => db.run('UPDATE invoices SET lease_until = NULL WHERE id = ?', [inv.id]);

  let gateway: PaymentGateway;
  try {
    gateway = await gatewayFor(ctx.merchant, ctx.deps);
  } catch (error) {
    if (!(error instanceof GatewayUnavailable)) throw error;
    // Nothing was asked of any gateway: simply look again later.
    await db.run('UPDATE invoices SET next_payment_attempt = ?, lease_until = NULL WHERE id = ? AND status = ?', [new Date(now.getTime() + GATEWAY_DOWN_RETRY_MS).toISOString(), inv.id, 'open']);
    return 'unknown';
  }
  const method = await savedMethod(ctx, inv.customerId);
  const unsettled = await repo.unsettledPayment(inv.id);

  if (unsettled) {
    // The outcome of an earlier attempt is not known here: ask, with its own key and parameters.
    const m = method ?? { type: 'card' as const, gatewayRef: '', gatewayCustomerId: null };
    const input = chargeInput(inv, unsettled, m);
    let r: ChargeResult | { status: 'not_found' } = await gateway.retrieve({ idempotencyKey: input.idempotencyKey, paymentId: unsettled.gatewayPaymentId, charge: input });
    // The gateway never saw it (the crash came before the request): the same key may be sent now.
    if (r.status === 'not_found') r = method ? await gateway.charge(input) : { status: 'failed', paymentId: null, code: 'payment_method_missing', hard: true, message: 'No saved payment method.' };
    return settle(ctx, inv, unsettled.id, r);
  }

  if (!opts.now && (inv.hardDeclined || inv.paymentStatus === 'requires_action')) {
    // Waiting for the customer until the last retry day, which is now.
    await release();
    await endDunning(ctx, inv);
    return 'ended';
  }
  if (!method) {
    await release();
    return settle(ctx, inv, null, { status: 'failed', paymentId: null, code: 'payment_method_missing', hard: true, message: 'The customer has no saved payment method.' });
  }

  const payment: InvoicePayment = {
    id: newId('pay'),
    invoiceId: inv.id,
    attempt: inv.attemptCount + 1,
    status: 'pending',
    amount: inv.total - inv.amountPaid,
    currency: inv.currency,
    gatewayPaymentId: null,
    failureCode: null,
    declineCode: null,
    createdAt: at,
  };
  // Only on the invoice exactly as read: a runner that took over meanwhile (a lease that lapsed,
  // a test clock advanced past it while this run's clock lagged) and settled an attempt, paid or
  // rescheduled, makes this write nothing, so the invoice is never charged twice or early.
  const unchanged = sql(
    `EXISTS (SELECT 1 FROM invoices WHERE id = ? AND ${status} AND attempt_count = ? AND payment_status IS ? AND next_payment_attempt IS ?)`,
    inv.id, inv.attemptCount, inv.paymentStatus, inv.nextPaymentAttempt,
  );
  try {
    // The attempt is on record BEFORE the gateway hears of it: a crash after this point is settled by retrieve.
    const [inserted] = await db.batch([
      repo.insertPayment(payment, ctx.merchant.id, unchanged),
      sql("UPDATE invoices SET attempt_count = ?, payment_status = 'pending', updated_at = ? WHERE id = ? AND attempt_count = ? AND EXISTS (SELECT 1 FROM invoice_payments WHERE id = ?)", payment.attempt, at, inv.id, inv.attemptCount, payment.id),
    ]);
    if (inserted?.changes === 0) return 'skipped';
  } catch (error) {
    if (error instanceof UniqueViolation) return 'skipped';
    throw error;
  }
  const r = await gateway.charge(chargeInput(inv, payment, method));
  return settle(ctx, inv, payment.id, r);
}
