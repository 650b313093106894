import { retryOpenInvoices } from '../billing/retry.ts';
import { type Customer, toJson as customerJson } from '../customers/repository.ts';
import type { BillingAddress, PaymentMethod } from '../customers/schema.ts';
import { type Statement, sql } from '../db/port.ts';
import type { Deps } from '../deps.ts';
import { guardedEventStatement } from '../events/outbox.ts';
import type { TokenizedMethod } from '../gateways/port.ts';
import { type Subscription, toJson as subscriptionJson } from '../subscriptions/repository.ts';

/**
 * What the portal changes, each in ONE atomic batch with its activity rows and outbox events.
 * Every statement is guarded by the link still being valid when the batch runs (same customer,
 * same link_version, not anonymized): a revoke_links that lands between the page load and the
 * post wins, and the batch then writes nothing at all rather than half of it.
 */
const linkGuard = (c: Customer): Statement =>
  sql("EXISTS (SELECT 1 FROM customers WHERE merchant_id = ? AND id = ? AND link_version = ? AND status = 'active')", c.merchantId, c.id, c.linkVersion);

const and = (...guards: Statement[]): Statement => sql(guards.map((g) => `(${g.sql})`).join(' AND '), ...guards.flatMap((g) => g.params));

const guardedActivity = (c: Customer, type: string, data: Record<string, unknown>, at: string, guard: Statement): Statement =>
  sql(
    `INSERT INTO activity (merchant_id, customer_id, type, data, created_at) SELECT ?, ?, ?, ?, ? WHERE ${guard.sql}`,
    c.merchantId, c.id, type, JSON.stringify({ ...data, source: 'portal' }), at, ...guard.params,
  );

/** Runs the batch; its last statement is the guarded UPDATE, whose row count says whether it applied. */
async function applied(deps: Deps, statements: Statement[]): Promise<boolean> {
  const results = await deps.db.batch(statements);
  return (results.at(-1)?.changes ?? 0) > 0;
}

export async function savePaymentMethod(
  deps: Deps,
  customer: Customer,
  method: TokenizedMethod,
  gatewayCustomerId: string | null,
  gatewayKind: 'test' | 'stripe',
): Promise<boolean> {
  const at = deps.clock().toISOString();
  const paymentMethod: PaymentMethod =
    method.type === 'card' ? { type: 'card', card: method.card } : { type: 'sepa_debit', sepa_debit: method.sepa_debit };
  // A card or mandate given through the gateway is for automatic billing, as at checkout.
  const after: Customer = { ...customer, paymentMethod, autoBilling: true, updatedAt: at };
  const guard = linkGuard(customer);
  const saved = await applied(deps, [
    guardedActivity(customer, 'customer.payment_method.updated', { type: method.type }, at, guard),
    guardedEventStatement(customer.merchantId, 'customer.payment_method.updated', customerJson(after), at, guard),
    // The reference a later off-session charge needs, kept out of the public customer JSON.
    sql(
      `INSERT INTO customer_gateway_refs (customer_id, merchant_id, gateway, gateway_customer_id, payment_method_ref, updated_at)
       SELECT ?, ?, ?, ?, ?, ? WHERE ${guard.sql}
       ON CONFLICT (customer_id) DO UPDATE SET gateway = excluded.gateway, gateway_customer_id = excluded.gateway_customer_id,
         payment_method_ref = excluded.payment_method_ref, updated_at = excluded.updated_at`,
      customer.id, customer.merchantId, gatewayKind, gatewayCustomerId, method.gatewayRef, at, ...guard.params,
    ),
    sql(
      "UPDATE customers SET payment_method = ?, auto_billing = 1, updated_at = ? WHERE merchant_id = ? AND id = ? AND link_version = ? AND status = 'active'",
      JSON.stringify(paymentMethod), at, customer.merchantId, customer.id, customer.linkVersion,
    ),
  ]);
  // A new method is the customer's answer to a failed payment: retry their open invoices now.
  if (saved) await retryOpenInvoices(deps, customer.merchantId, customer.id);
  return saved;
}

/** Returns false when the link was revoked meanwhile; true (and writes nothing) when nothing changed. */
export async function saveBillingAddress(deps: Deps, customer: Customer, address: BillingAddress): Promise<boolean> {
  if (JSON.stringify(address) === JSON.stringify(customer.billingAddress)) return true;
  const at = deps.clock().toISOString();
  const after: Customer = { ...customer, billingAddress: address, updatedAt: at };
  const guard = linkGuard(customer);
  return applied(deps, [
    guardedActivity(customer, 'customer.updated', { fields: ['billing_address'] }, at, guard),
    guardedEventStatement(
      customer.merchantId,
      'customer.updated',
      { object: customerJson(after), previous_attributes: { billing_address: customer.billingAddress } },
      at,
      guard,
    ),
    sql(
      "UPDATE customers SET billing_address = ?, updated_at = ? WHERE merchant_id = ? AND id = ? AND link_version = ? AND status = 'active'",
      JSON.stringify(address), at, customer.merchantId, customer.id, customer.linkVersion,
    ),
  ]);
}

/**
 * Cancels at period end: the subscription runs until current_period_end, then ends. Refused
 * (false) for a subscription that is not this customer's, not live, or already set to end.
 */
export async function cancelAtPeriodEnd(deps: Deps, customer: Customer, subscription: Subscription): Promise<boolean> {
  const at = deps.clock().toISOString();
  const after: Subscription = { ...subscription, cancelAtPeriodEnd: true };
  const cancelable = sql(
    "EXISTS (SELECT 1 FROM subscriptions WHERE id = ? AND merchant_id = ? AND customer_id = ? AND status IN ('trialing', 'active') AND cancel_at_period_end = 0)",
    subscription.id, customer.merchantId, customer.id,
  );
  const guard = and(linkGuard(customer), cancelable);
  // Activity and event first: they read the guard before the UPDATE below makes it false.
  return applied(deps, [
    guardedActivity(customer, 'subscription.updated', { subscription: subscription.id, cancel_at_period_end: true }, at, guard),
    guardedEventStatement(
      customer.merchantId,
      'subscription.updated',
      { object: subscriptionJson(after), previous_attributes: { cancel_at_period_end: false } },
      at,
      guard,
    ),
    sql(`UPDATE subscriptions SET cancel_at_period_end = 1, updated_at = ? WHERE id = ? AND ${guard.sql}`, at, subscription.id, ...guard.params),
  ]);
}
