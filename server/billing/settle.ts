import { sql, type Statement } from '../db/port.ts';
import type { ChargeResult } from '../gateways/port.ts';
import { hostedInvoiceUrl } from '../invoices/links.ts';
import { billingSettings, type DunningPolicy } from '../invoices/numbering.ts';
import type { Invoice, OfflineMethod } from '../invoices/repository.ts';
import { toJson } from '../invoices/schema.ts';
import { type Subscription, subscriptionRepository, toJson as subscriptionJson } from '../subscriptions/repository.ts';
import { dunningDeadline, nextRetry } from './dunning.ts';
import { billingEvent, invoiceExists } from './events.ts';
import { type BillingContext, linkVersionOf } from './issue.ts';

/**
 * Recording what a charge did, in one batch per outcome. Events come first in each batch: they
 * read their guard (the invoice still open, the subscription still in the old status) before the
 * UPDATEs below make it false, so a second recording of the same outcome writes nothing at all.
 */
/** The statuses a payment can settle: open, and uncollectible (a late payment after dunning ended). */
export const PAYABLE = "('open', 'uncollectible')";
const UNKNOWN_RETRY_MS = 15 * 60_000;
const PROCESSING_RECHECK_MS = 86_400_000;

interface Loaded {
  sub: Subscription | undefined;
  url: string;
}

async function load(ctx: BillingContext, inv: Invoice): Promise<Loaded> {
  const sub = inv.subscriptionId ? await subscriptionRepository(ctx.deps.db).byId(ctx.merchant.id, inv.subscriptionId) : undefined;
  return { sub, url: await hostedInvoiceUrl(ctx.deps.db, ctx.deps.config.publicUrl, inv.id, await linkVersionOf(ctx, inv.customerId)) };
}

const subIn = (id: string, statuses: readonly string[]): Statement =>
  sql(`EXISTS (SELECT 1 FROM subscriptions WHERE id = ? AND status IN (${statuses.map(() => '?').join(', ')}))`, id, ...statuses);

function subscriptionMove(ctx: BillingContext, sub: Subscription | undefined, from: readonly string[], to: Subscription['status'], at: string, extra?: Statement): Statement[] {
  if (!sub || !from.includes(sub.status)) return [];
  const guard = extra ? sql(`${subIn(sub.id, from).sql} AND ${extra.sql}`, ...subIn(sub.id, from).params, ...extra.params) : subIn(sub.id, from);
  const after: Subscription = { ...sub, status: to, canceledAt: to === 'canceled' ? at : (sub.canceledAt ?? null) };
  return [
    billingEvent(ctx.merchant.id, to === 'canceled' ? 'subscription.canceled' : 'subscription.updated', to === 'canceled' ? subscriptionJson(after) : { object: subscriptionJson(after), previous_attributes: { status: sub.status } }, at, guard),
    sql(
      `UPDATE subscriptions SET status = ?, canceled_at = CASE WHEN ? = 'canceled' THEN ? ELSE canceled_at END, updated_at = ? WHERE id = ? AND ${guard.sql}`,
      to, to, at, at, sub.id, ...guard.params,
    ),
  ];
}

const paymentUpdate = (paymentId: string, status: string, r: ChargeResult, at: string): Statement =>
  sql(
    `UPDATE invoice_payments SET status = ?, gateway_payment_id = COALESCE(?, gateway_payment_id), failure_code = ?, decline_code = ?, updated_at = ?
     WHERE id = ? AND status IN ('pending', 'unknown', 'processing', 'requires_action')`,
    status, 'paymentId' in r ? r.paymentId : null, r.status === 'failed' ? r.code : null, r.status === 'failed' ? (r.declineCode ?? null) : null, at, paymentId,
  );

/** A paid invoice brings a past-due (or unpaid, or incomplete) subscription back, unless another invoice is still failing. */
function paidStatements(ctx: BillingContext, inv: Invoice, l: Loaded, at: string, now: Date, how: { method: OfflineMethod | null }): Statement[] {
  const paid: Invoice = { ...inv, status: 'paid', paymentStatus: how.method ? 'out_of_band' : 'succeeded', amountPaid: inv.total, paidAt: at, nextPaymentAttempt: null, paidOutOfBandMethod: how.method };
  const noOtherFailing = inv.subscriptionId
    ? sql("NOT EXISTS (SELECT 1 FROM invoices WHERE subscription_id = ? AND id != ? AND status = 'open' AND first_failed_at IS NOT NULL)", inv.subscriptionId, inv.id)
    : undefined;
  // An uncollectible invoice (dunning over) may still be paid, like Stripe's: the same guard, read
  // and then made false by the UPDATE in this one batch, lets it be paid exactly once.
  const payable = sql(`EXISTS (SELECT 1 FROM invoices WHERE id = ? AND status IN ${PAYABLE})`, inv.id);
  return [
    billingEvent(ctx.merchant.id, 'invoice.paid', toJson(paid, l.url, now), at, payable),
    ...subscriptionMove(ctx, l.sub, ['past_due', 'unpaid', 'incomplete'], 'active', at, noOtherFailing && sql(`${payable.sql} AND ${noOtherFailing.sql}`, ...payable.params, ...noOtherFailing.params)),
    sql(
      `UPDATE invoices SET status = 'paid', payment_status = ?, paid_out_of_band_method = ?, amount_paid = total, paid_at = ?, next_payment_attempt = NULL,
         lease_until = NULL, updated_at = ? WHERE id = ? AND status IN ${PAYABLE}`,
      paid.paymentStatus, how.method, at, at, inv.id,
    ),
  ];
}

/** End of dunning: the invoice is uncollectible and the environment's policy applies to the subscription. */
function endStatements(ctx: BillingContext, inv: Invoice, l: Loaded, policy: DunningPolicy, at: string, now: Date): Statement[] {
  const gone: Invoice = { ...inv, status: 'uncollectible', markedUncollectibleAt: at, nextPaymentAttempt: null };
  const live = ['incomplete', 'active', 'past_due', 'unpaid', 'trialing'];
  const sub =
    policy === 'cancel'
      ? subscriptionMove(ctx, l.sub, live, 'canceled', at, invoiceExists(inv.id, 'open'))
      : policy === 'unpaid'
        ? subscriptionMove(ctx, l.sub, live.filter((s) => s !== 'unpaid'), 'unpaid', at, invoiceExists(inv.id, 'open'))
        : [];
  return [
    billingEvent(ctx.merchant.id, 'invoice.marked_uncollectible', toJson(gone, l.url, now), at, invoiceExists(inv.id, 'open')),
    ...sub,
    sql(
      `UPDATE invoices SET status = 'uncollectible', marked_uncollectible_at = ?, next_payment_attempt = NULL, lease_until = NULL, updated_at = ?
       WHERE id = ? AND status = 'open'`,
      at, at, inv.id,
    ),
  ];
}

export type Settled = 'paid' | 'failed' | 'action_required' | 'processing' | 'unknown' | 'ended';

/** Records a charge's result (`paymentId`: the attempt row) and schedules what follows. */
export async function settle(ctx: BillingContext, inv: Invoice, paymentId: string | null, r: ChargeResult): Promise<Settled> {
  const now = ctx.clock();
  const at = now.toISOString();
  const l = await load(ctx, inv);
  const statements: Statement[] = [];
  let outcome: Settled;
  let recorded: Statement | undefined;
  if (r.status === 'succeeded') {
    if (paymentId) recorded = paymentUpdate(paymentId, 'succeeded', r, at);
    statements.push(...paidStatements(ctx, inv, l, at, now, { method: null }));
    outcome = 'paid';
  } else if (r.status === 'processing' || r.status === 'unknown') {
    // Not known yet: the attempt stays unsettled, and the next look asks the gateway (retrieve), never charges anew.
    if (paymentId) recorded = paymentUpdate(paymentId, r.status, r, at);
    const next = new Date(now.getTime() + (r.status === 'processing' ? PROCESSING_RECHECK_MS : UNKNOWN_RETRY_MS)).toISOString();
    statements.push(
      sql(
        "UPDATE invoices SET payment_status = ?, next_payment_attempt = ?, lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'open'",
        r.status === 'processing' ? 'processing' : 'pending', next, at, inv.id,
      ),
    );
    outcome = r.status;
  } else {
    const firstFailed = inv.firstFailedAt ? new Date(inv.firstFailedAt) : now;
    const action = r.status === 'requires_action';
    const hard = r.status === 'failed' && r.hard;
    // Hard declines and authentication wait for the customer (a new card, the hosted page) until the last retry day.
    const next = action || hard ? dunningDeadline(firstFailed) : nextRetry(firstFailed, now);
    const failed: Invoice = { ...inv, paymentStatus: action ? 'requires_action' : 'failed', firstFailedAt: firstFailed.toISOString(), nextPaymentAttempt: next?.toISOString() ?? null };
    if (paymentId) recorded = paymentUpdate(paymentId, action ? 'requires_action' : 'failed', r, at);
    statements.push(
      billingEvent(ctx.merchant.id, action ? 'invoice.payment_action_required' : 'invoice.payment_failed', toJson(failed, l.url, now), at, invoiceExists(inv.id, 'open')),
      ...subscriptionMove(ctx, l.sub, ['active'], 'past_due', at, invoiceExists(inv.id, 'open')),
    );
    if (next === null) {
      statements.push(...endStatements(ctx, inv, l, (await billingSettings(ctx.deps.db, ctx.merchant)).dunningPolicy, at, now));
      outcome = 'ended';
    } else {
      statements.push(
        sql(
          `UPDATE invoices SET payment_status = ?, first_failed_at = COALESCE(first_failed_at, ?), last_failure_code = ?, hard_declined = ?,
             next_payment_attempt = ?, lease_until = NULL, updated_at = ? WHERE id = ? AND status = 'open'`,
          failed.paymentStatus, at, r.status === 'failed' ? (r.declineCode ?? r.code) : 'authentication_required', hard ? 1 : 0, next.toISOString(), at, inv.id,
        ),
      );
      outcome = action ? 'action_required' : 'failed';
    }
  }
  // A late try on an uncollectible invoice that did not pay leaves it as it was, only unleased.
  if (outcome !== 'paid') statements.push(sql("UPDATE invoices SET lease_until = NULL WHERE id = ? AND status = 'uncollectible'", inv.id));
  await ctx.deps.db.batch(recorded && paymentId ? [...statements.map((st) => andGuard(st, unsettledPayment(paymentId))), recorded] : statements);
  return outcome;
}

/**
 * An attempt's outcome is recorded once: a runner that lost its lease (a gateway slower than the
 * lease, a paused process) may come back with the outcome another runner has already recorded, and
 * its batch must then write nothing (no second event, no retry rescheduled from its own clock, which
 * would add a charge attempt). Every statement of the batch holds only while the attempt is still
 * unsettled, and the attempt's own update comes last.
 */
const unsettledPayment = (paymentId: string): Statement =>
  sql("EXISTS (SELECT 1 FROM invoice_payments WHERE id = ? AND status IN ('pending', 'unknown', 'processing', 'requires_action'))", paymentId);

/** Each statement of settle ends with its WHERE clause (INSERT … SELECT … WHERE, UPDATE … WHERE), without a top-level OR. */
const andGuard = (st: Statement, guard: Statement): Statement => ({ sql: `${st.sql} AND (${guard.sql})`, params: [...st.params, ...guard.params] });

/** Dunning is over for an invoice nobody could pay (hard decline, authentication never given). */
export async function endDunning(ctx: BillingContext, inv: Invoice): Promise<void> {
  const now = ctx.clock();
  const l = await load(ctx, inv);
  await ctx.deps.db.batch(endStatements(ctx, inv, l, (await billingSettings(ctx.deps.db, ctx.merchant)).dunningPolicy, now.toISOString(), now));
}

/** Bank transfer, check, cash: the merchant says it was paid. False when the invoice was not open (or uncollectible) any more. */
export async function payOutOfBand(ctx: BillingContext, inv: Invoice, method: OfflineMethod): Promise<boolean> {
  const now = ctx.clock();
  const at = now.toISOString();
  const results = await ctx.deps.db.batch(paidStatements(ctx, inv, await load(ctx, inv), at, now, { method }));
  return (results[results.length - 1]?.changes ?? 0) > 0;
}
