import { sql, UniqueViolation } from '../db/port.ts';
import { newId } from '../lib/ids.ts';
import type { Offer } from '../offers/repository.ts';
import { cycleBounds } from '../subscriptions/periods.ts';
import { type Subscription, toJson as subscriptionJson } from '../subscriptions/repository.ts';
import { billingEvent } from './events.ts';
import { type BillingContext, issueStatements, linkVersionOf } from './issue.ts';
import { buyerOf, saleTax } from './tax.ts';
import { periodInvoice, pricedOffer } from './totals.ts';
import { customerRepository } from '../customers/repository.ts';

const LEASE_MS = 60_000;

/** The subscription is still exactly as read: renewing, this period, not set to end. */
const unchanged = (s: Subscription) =>
  sql(
    "EXISTS (SELECT 1 FROM subscriptions WHERE id = ? AND current_period_end = ? AND status IN ('trialing', 'active', 'past_due') AND cancel_at_period_end = ?)",
    s.id, s.currentPeriodEnd, s.cancelAtPeriodEnd ? 1 : 0,
  );

export type RenewOutcome = 'renewed' | 'ended' | 'skipped';

/**
 * One due subscription, in ONE batch: either it ends (cancel at period end), or the next period's
 * invoice is created and finalized, and the period moves on. The invoice's UNIQUE(subscription_id,
 * period_start) and the guards on the period make a second runner's batch write nothing.
 */
export async function renew(ctx: BillingContext, sub: Subscription, offer: Offer): Promise<RenewOutcome> {
  const { db } = ctx.deps;
  const now = ctx.clock();
  const at = now.toISOString();
  // A lease saves a second runner the work; correctness does not depend on it (the guards do).
  const lease = await db.run('UPDATE subscriptions SET lease_until = ? WHERE id = ? AND current_period_end = ? AND (lease_until IS NULL OR lease_until < ?)', [
    new Date(now.getTime() + LEASE_MS).toISOString(),
    sub.id,
    sub.currentPeriodEnd,
    at,
  ]);
  if (lease.changes === 0) return 'skipped';
  const guard = unchanged(sub);

  if (sub.cancelAtPeriodEnd) {
    const ended: Subscription = { ...sub, status: 'canceled', canceledAt: sub.currentPeriodEnd };
    await db.batch([
      billingEvent(ctx.merchant.id, 'subscription.canceled', subscriptionJson(ended), at, guard),
      sql(
        `UPDATE subscriptions SET status = 'canceled', canceled_at = ?, lease_until = NULL, updated_at = ? WHERE id = ? AND ${guard.sql}`,
        sub.currentPeriodEnd, at, sub.id, ...guard.params,
      ),
    ]);
    return 'ended';
  }

  const cycle = (sub.currentCycle ?? 0) + 1;
  const bounds = cycleBounds(new Date(sub.billingAnchor ?? sub.currentPeriodStart), { interval: offer.recurring.interval, intervalCount: offer.recurring.intervalCount }, cycle);
  // The new period starts where the old one ended (rows from before billing may have their own boundaries).
  const period = { start: sub.currentPeriodEnd, end: bounds.end.toISOString() };
  const draft = periodInvoice({
    id: newId('in'),
    merchantId: ctx.merchant.id,
    customerId: sub.customerId,
    subscriptionId: sub.id,
    offer: pricedOffer(offer),
    period,
    reason: sub.status === 'trialing' ? 'trial_end' : 'subscription_cycle',
    collectionMethod: sub.collectionMethod ?? 'charge_automatically',
    charge: 'cycle',
    // The customer's billing address as it is now: each period's VAT follows where they are.
    tax: saleTax(ctx.merchant, buyerOf(await customerRepository(db).byId(ctx.merchant.id, sub.customerId))),
    createdAt: at,
  });
  const { statements } = await issueStatements(ctx, draft, now, { daysUntilDue: sub.daysUntilDue ?? null, linkVersion: await linkVersionOf(ctx, sub.customerId), guard });
  const after: Subscription = {
    ...sub,
    status: sub.status === 'trialing' ? 'active' : sub.status,
    currentPeriodStart: period.start,
    currentPeriodEnd: period.end,
    currentCycle: cycle,
    latestInvoice: draft.id,
  };
  const created = sql('EXISTS (SELECT 1 FROM invoices WHERE id = ?)', draft.id);
  statements.push(
    billingEvent(ctx.merchant.id, 'subscription.updated', { object: subscriptionJson(after), previous_attributes: { status: sub.status, current_period_start: sub.currentPeriodStart, current_period_end: sub.currentPeriodEnd } }, at, created),
    sql(
      `UPDATE subscriptions SET status = ?, current_period_start = ?, current_period_end = ?, current_cycle = ?, latest_invoice = ?,
         lease_until = NULL, updated_at = ? WHERE id = ? AND current_period_end = ? AND ${created.sql}`,
      after.status, period.start, period.end, cycle, draft.id, at, sub.id, sub.currentPeriodEnd, ...created.params,
    ),
  );
  try {
    await db.batch(statements);
  } catch (error) {
    // Another runner billed this period first: its invoice stands, this batch wrote nothing.
    if (error instanceof UniqueViolation) return 'skipped';
    throw error;
  }
  return 'renewed';
}

/** `subscription.trial_will_end`, once per subscription, three days before the trial ends. */
export async function trialWillEnd(ctx: BillingContext, sub: Subscription): Promise<void> {
  const at = ctx.clock().toISOString();
  const guard = sql("EXISTS (SELECT 1 FROM subscriptions WHERE id = ? AND trial_will_end_sent = 0 AND status = 'trialing')", sub.id);
  await ctx.deps.db.batch([
    billingEvent(ctx.merchant.id, 'subscription.trial_will_end', subscriptionJson(sub), at, guard),
    sql('UPDATE subscriptions SET trial_will_end_sent = 1 WHERE id = ? AND trial_will_end_sent = 0', sub.id),
  ]);
}
