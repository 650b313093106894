import { activityStatement } from '../activity/repository.ts';
import { contextFor } from '../billing/run.ts';
import { billingEvent } from '../billing/events.ts';
import { collect } from '../billing/collect.ts';
import { issueStatements } from '../billing/issue.ts';
import { buyerOf, saleTax } from '../billing/tax.ts';
import { periodInvoice, pricedOffer } from '../billing/totals.ts';
import { customerRepository } from '../customers/repository.ts';
import { sql, type Statement } from '../db/port.ts';
import type { Deps } from '../deps.ts';
import { eventStatement } from '../events/outbox.ts';
import { ApiError, invalid, notFound } from '../http/errors.ts';
import { newId } from '../lib/ids.ts';
import type { Merchant } from '../merchants/repository.ts';
import { offerRepository } from '../offers/repository.ts';
import { addInterval, cycleBounds } from './periods.ts';
import { type CollectionMethod, type Subscription, subscriptionRepository, toJson } from './repository.ts';

export interface SubscriptionCreate {
  customer: string;
  offer: string;
  trial_days?: number;
  collection_method?: CollectionMethod;
  days_until_due?: number;
}

const refused = (code: string, message: string, param = 'id') => new ApiError(400, 'invalid_request_error', code, message, param);

async function hasSavedMethod(deps: Deps, merchantId: string, customerId: string): Promise<boolean> {
  return !!(await deps.db.get('SELECT 1 FROM customer_gateway_refs WHERE customer_id = ? AND merchant_id = ?', [customerId, merchantId]));
}

/**
 * A subscription for an existing customer (API, back-office). Without a trial its first invoice is
 * issued in the same batch; billed automatically, it is charged at once and the subscription stays
 * `incomplete` until that payment succeeds. Everything is read through the environment's clock.
 */
export async function createSubscription(deps: Deps, merchant: Merchant, input: SubscriptionCreate): Promise<Subscription> {
  const { db } = deps;
  const customer = await customerRepository(db).byId(merchant.id, input.customer);
  if (!customer) throw notFound('customer', 'customer');
  if (customer.status !== 'active') throw invalid('customer', 'This customer is anonymized.', 'customer_anonymized');
  const offers = offerRepository(db);
  const offer = (await offers.byId(merchant.id, input.offer)) ?? (await offers.byReference(merchant.id, input.offer));
  if (!offer) throw notFound('offer', 'offer');
  const collectionMethod = input.collection_method ?? 'charge_automatically';
  if (input.days_until_due !== undefined && collectionMethod !== 'send_invoice') {
    throw invalid('days_until_due', 'days_until_due applies only to collection_method send_invoice.');
  }
  if (collectionMethod === 'charge_automatically' && !(await hasSavedMethod(deps, merchant.id, customer.id))) {
    throw invalid('collection_method', 'This customer has no saved payment method: use collection_method send_invoice, or let them add one in the portal.', 'payment_method_missing');
  }
  const ctx = await contextFor(deps, merchant);
  const now = ctx.clock();
  const at = now.toISOString();
  const trialDays = input.trial_days ?? offer.trial.days;
  const plan = { interval: offer.recurring.interval, intervalCount: offer.recurring.intervalCount };
  const trialEnd = trialDays > 0 ? addInterval(now, 'day', trialDays) : null;
  const first = cycleBounds(now, plan, 0);
  const invoiceId = trialEnd ? null : newId('in');
  const sub: Subscription = {
    seq: 0,
    id: newId('sub'),
    merchantId: merchant.id,
    customerId: customer.id,
    offerId: offer.id,
    status: trialEnd ? 'trialing' : collectionMethod === 'charge_automatically' ? 'incomplete' : 'active',
    collectionMethod,
    daysUntilDue: collectionMethod === 'send_invoice' ? (input.days_until_due ?? 30) : null,
    currentPeriodStart: at,
    currentPeriodEnd: (trialEnd ?? first.end).toISOString(),
    trialEnd: trialEnd?.toISOString() ?? null,
    cancelAtPeriodEnd: false,
    canceledAt: null,
    latestInvoice: invoiceId,
    billingAnchor: (trialEnd ?? now).toISOString(),
    currentCycle: trialEnd ? -1 : 0,
    checkoutSessionId: null,
    createdAt: at,
  };
  const statements: Statement[] = [
    subscriptionRepository(db).insert(sub),
    activityStatement(merchant.id, customer.id, 'subscription.created', { subscription: sub.id, offer: offer.reference }, at),
    eventStatement(merchant.id, 'subscription.created', toJson(sub), at),
  ];
  if (invoiceId) {
    const draft = periodInvoice({
      id: invoiceId,
      merchantId: merchant.id,
      customerId: customer.id,
      subscriptionId: sub.id,
      offer: pricedOffer(offer),
      period: { start: at, end: sub.currentPeriodEnd },
      reason: 'subscription_create',
      collectionMethod,
      charge: 'first',
      tax: saleTax(merchant, buyerOf(customer)),
      createdAt: at,
    });
    const issued = await issueStatements(ctx, draft, now, { daysUntilDue: sub.daysUntilDue ?? null, linkVersion: customer.linkVersion });
    statements.push(...issued.statements);
    if (issued.finalized.status === 'paid' && sub.status === 'incomplete') {
      statements.push(sql("UPDATE subscriptions SET status = 'active' WHERE id = ? AND status = 'incomplete'", sub.id));
    }
  }
  await db.batch(statements);
  if (invoiceId && collectionMethod === 'charge_automatically') await collect(ctx, invoiceId, { now: true });
  return (await subscriptionRepository(db).byId(merchant.id, sub.id)) ?? sub;
}

async function load(deps: Deps, merchant: Merchant, id: string): Promise<Subscription> {
  const sub = await subscriptionRepository(deps.db).byId(merchant.id, id);
  if (!sub) throw notFound('subscription');
  if (sub.status === 'canceled') throw refused('subscription_canceled', 'This subscription is already canceled.');
  return sub;
}

/** Now (`atPeriodEnd: false`) or at the end of the current period (trial included). */
export async function cancelSubscription(deps: Deps, merchant: Merchant, id: string, atPeriodEnd: boolean): Promise<Subscription> {
  const sub = await load(deps, merchant, id);
  const at = (await contextFor(deps, merchant)).clock().toISOString();
  const repo = subscriptionRepository(deps.db);
  if (atPeriodEnd) {
    if (sub.cancelAtPeriodEnd) return sub;
    const guard = sql("EXISTS (SELECT 1 FROM subscriptions WHERE id = ? AND status != 'canceled' AND cancel_at_period_end = 0)", sub.id);
    await deps.db.batch([
      activityStatement(merchant.id, sub.customerId, 'subscription.updated', { subscription: sub.id, cancel_at_period_end: true }, at),
      billingEvent(merchant.id, 'subscription.updated', { object: toJson({ ...sub, cancelAtPeriodEnd: true }), previous_attributes: { cancel_at_period_end: false } }, at, guard),
      sql(`UPDATE subscriptions SET cancel_at_period_end = 1, updated_at = ? WHERE id = ? AND ${guard.sql}`, at, sub.id, ...guard.params),
    ]);
  } else {
    const guard = sql("EXISTS (SELECT 1 FROM subscriptions WHERE id = ? AND status != 'canceled')", sub.id);
    await deps.db.batch([
      activityStatement(merchant.id, sub.customerId, 'subscription.canceled', { subscription: sub.id }, at),
      billingEvent(merchant.id, 'subscription.canceled', toJson({ ...sub, status: 'canceled', canceledAt: at }), at, guard),
      // Nobody is charged automatically for a subscription that has ended; its open invoices stay for the merchant.
      sql("UPDATE invoices SET next_payment_attempt = NULL WHERE subscription_id = ? AND status = 'open'", sub.id),
      sql(`UPDATE subscriptions SET status = 'canceled', canceled_at = ?, updated_at = ? WHERE id = ? AND ${guard.sql}`, at, at, sub.id, ...guard.params),
    ]);
  }
  return (await repo.byId(merchant.id, sub.id)) ?? sub;
}

/** Undoes a pending cancellation at period end. */
export async function resumeSubscription(deps: Deps, merchant: Merchant, id: string): Promise<Subscription> {
  const sub = await load(deps, merchant, id);
  if (!sub.cancelAtPeriodEnd) throw refused('subscription_not_canceling', 'This subscription is not set to cancel: there is nothing to resume.');
  const at = (await contextFor(deps, merchant)).clock().toISOString();
  const guard = sql("EXISTS (SELECT 1 FROM subscriptions WHERE id = ? AND status != 'canceled' AND cancel_at_period_end = 1)", sub.id);
  await deps.db.batch([
    activityStatement(merchant.id, sub.customerId, 'subscription.updated', { subscription: sub.id, cancel_at_period_end: false }, at),
    billingEvent(merchant.id, 'subscription.updated', { object: toJson({ ...sub, cancelAtPeriodEnd: false }), previous_attributes: { cancel_at_period_end: true } }, at, guard),
    sql(`UPDATE subscriptions SET cancel_at_period_end = 0, updated_at = ? WHERE id = ? AND ${guard.sql}`, at, sub.id, ...guard.params),
  ]);
  return (await subscriptionRepository(deps.db).byId(merchant.id, sub.id)) ?? sub;
}
