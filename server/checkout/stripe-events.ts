/**
 * What Porte does with Stripe's events, once their signature is checked. Every handler re-reads
 * what it acts upon from Stripe or from the database (the event body is only a hint) and is
 * idempotent: Stripe delivers at least once, in any order.
 */
import { invoiceIntentEvent } from '../billing/stripe-action.ts';
import { type Customer, customerRepository, toJson as customerJson } from '../customers/repository.ts';
import { sql } from '../db/port.ts';
import type { Deps } from '../deps.ts';
import { guardedEventStatement } from '../events/outbox.ts';
import type { ChargeInput, PaymentGateway } from '../gateways/port.ts';
import type { StripeWebhookEvent } from '../gateways/stripe.ts';
import { type Merchant, merchantRepository } from '../merchants/repository.ts';
import { savePaymentMethod } from '../portal/changes.ts';
import type { CheckoutDetails } from './complete.ts';
import { ApiError } from '../http/errors.ts';
import { finalizeOnce } from './complete.ts';
import { chargeFirst } from './first-payment.ts';
import { detailsTax } from './submit.ts';
import { settleFirstPayment } from './first-settle.ts';
import { loadOffer } from './offer.ts';
import { checkoutRepository } from './repository.ts';
import { effectiveStatus } from './service.ts';

/** `retrieve` with a known payment id only reads it; the charge it would otherwise re-send is unused. */
const READ_ONLY: ChargeInput = { idempotencyKey: '', amount: 0, currency: 'eur', method: { type: 'card', gatewayRef: '' }, gatewayCustomerId: null, description: '', metadata: {} };

export async function handleStripeEvent(deps: Deps, merchant: Merchant, gateway: PaymentGateway, event: StripeWebhookEvent): Promise<void> {
  const meta = event.metadata ?? {};
  if (event.metadata?.porte_merchant && event.metadata.porte_merchant !== merchant.id) return;
  switch (event.type) {
    case 'setup_intent.succeeded':
      if (meta.porte_checkout_session) return completeCheckout(deps, meta.porte_checkout_session, gateway);
      if (meta.porte_portal === 'true' && meta.porte_customer) return completePortalChange(deps, merchant, gateway, event, meta.porte_customer);
      return;
    case 'setup_intent.setup_failed':
      // A SEPA mandate refused by the bank after the signup went through (it completes while the
      // SetupIntent is still processing); for a card this is a failed attempt the page already showed.
      if (event.failedPaymentMethod) return paymentMethodFailed(deps, merchant, event.failedPaymentMethod, event.failureCode ?? 'setup_failed');
      return;
    case 'payment_intent.succeeded':
    case 'payment_intent.processing':
    case 'payment_intent.payment_failed': {
      // A first payment at checkout: completes the checkout if the page never came back, and settles
      // a SEPA debit that was still processing. Renewal charges need no event: the billing run asks
      // the gateway (retrieve) about every attempt it has not settled yet.
      if (meta.porte_invoice && event.type === 'payment_intent.succeeded') return invoiceIntentEvent(deps, merchant, meta.porte_invoice, event.object.id);
      if (!meta.porte_checkout_session) return;
      await completeCheckout(deps, meta.porte_checkout_session, gateway);
      const r = await gateway.retrieve({ idempotencyKey: '', paymentId: event.object.id, charge: READ_ONLY });
      if (r.status !== 'not_found') await settleFirstPayment(deps, merchant, event.object.id, r);
      return;
    }
    case 'mandate.updated':
      if (event.object.status === 'inactive' && event.object.paymentMethod) return paymentMethodFailed(deps, merchant, event.object.paymentMethod, 'mandate_inactive');
      return;
  }
}

/** The customer confirmed in the browser, then closed it: the checkout completes from here. */
async function completeCheckout(deps: Deps, sessionId: string, gateway: PaymentGateway): Promise<void> {
  const session = await checkoutRepository(deps.db).byId(sessionId);
  if (!session || effectiveStatus(session, deps.clock()) !== 'open' || !session.gatewayState.details) return;
  const merchant = await merchantRepository(deps.db).byId(session.merchantId);
  const offer = merchant && (await loadOffer(deps.db, merchant.id, session.offerId));
  if (!merchant || !offer) return;
  // The intent is re-read from Stripe by the adapter: the webhook body is only a hint.
  const result = await gateway.confirm({
    idempotencyBase: session.id,
    state: session.gatewayState,
    fields: { setup_intent: session.gatewayState.setup_intent ?? '', payment_intent: session.gatewayState.payment_intent ?? '' },
    returnUrl: '',
  });
  if (result.status !== 'succeeded') return;
  const details = JSON.parse(session.gatewayState.details) as CheckoutDetails;
  const first = await chargeFirst(deps, gateway, session, offer, result, detailsTax(merchant, details));
  if (first.kind === 'refused') return;
  await finalizeOnce(deps, merchant, session, offer, details, result.method, result.gatewayCustomerId, 'stripe', first.kind === 'paid' ? first.payment : undefined).catch(
    (error: unknown) => {
      // The customer was erased meanwhile: nothing to complete, and nothing for Stripe to retry.
      if (!(error instanceof ApiError && error.code === 'customer_anonymized')) throw error;
    },
  );
}

interface Ref {
  gateway_customer_id: string | null;
  payment_method_ref: string;
  updated_at: string;
}
const refOf = (deps: Deps, merchantId: string, customerId: string) =>
  deps.db.get<Ref>('SELECT gateway_customer_id, payment_method_ref, updated_at FROM customer_gateway_refs WHERE customer_id = ? AND merchant_id = ?', [customerId, merchantId]);

/**
 * A card or mandate confirmed in the portal whose page never posted back (browser closed after
 * Stripe.js confirmed). Saved unless this method is already the customer's, or another one was
 * saved after this SetupIntent was created (a later choice wins over a late event).
 */
async function completePortalChange(deps: Deps, merchant: Merchant, gateway: PaymentGateway, event: StripeWebhookEvent, customerId: string): Promise<void> {
  const customer = await customerRepository(deps.db).byId(merchant.id, customerId);
  if (customer?.status !== 'active') return;
  const ref = await refOf(deps, merchant.id, customer.id);
  const result = await gateway.confirm({
    idempotencyBase: '',
    state: { setup_intent: event.object.id, ...(event.object.customer ? { customer: event.object.customer } : {}) },
    fields: { setup_intent: event.object.id },
    returnUrl: '',
  });
  if (result.status !== 'succeeded' || ref?.payment_method_ref === result.method.gatewayRef) return;
  if (ref && event.object.created !== null && new Date(ref.updated_at).getTime() > event.object.created * 1000) return;
  await savePaymentMethod(deps, customer, result.method, result.gatewayCustomerId, 'stripe');
}

/**
 * The customer's saved method can no longer be charged (SEPA mandate refused or revoked): Porte
 * stops offering it to billing and says so, in one batch guarded by that method still being the
 * customer's (an event about a method already replaced changes nothing). The customer keeps their
 * Stripe customer, so a new method from the portal lands beside the old ones.
 */
async function paymentMethodFailed(deps: Deps, merchant: Merchant, paymentMethodRef: string, reason: string): Promise<void> {
  const row = await deps.db.get<{ customer_id: string }>(
    "SELECT customer_id FROM customer_gateway_refs WHERE merchant_id = ? AND gateway = 'stripe' AND payment_method_ref = ?",
    [merchant.id, paymentMethodRef],
  );
  const customer = row && (await customerRepository(deps.db).byId(merchant.id, row.customer_id));
  if (!customer) return;
  const at = deps.clock().toISOString();
  const after: Customer = { ...customer, paymentMethod: { type: 'none' }, updatedAt: at };
  const guard = sql('EXISTS (SELECT 1 FROM customer_gateway_refs WHERE customer_id = ? AND payment_method_ref = ?)', customer.id, paymentMethodRef);
  await deps.db.batch([
    sql(
      `INSERT INTO activity (merchant_id, customer_id, type, data, created_at) SELECT ?, ?, ?, ?, ? WHERE ${guard.sql}`,
      merchant.id, customer.id, 'customer.payment_method.failed', JSON.stringify({ type: customer.paymentMethod.type, reason }), at, ...guard.params,
    ),
    guardedEventStatement(merchant.id, 'customer.payment_method.updated', customerJson(after), at, guard),
    sql(`UPDATE customers SET payment_method = ?, updated_at = ? WHERE id = ? AND ${guard.sql}`, JSON.stringify(after.paymentMethod), at, customer.id, ...guard.params),
    // Last, as it is what the guard reads: an empty reference means "nothing to charge".
    sql("UPDATE customer_gateway_refs SET payment_method_ref = '', updated_at = ? WHERE customer_id = ? AND payment_method_ref = ?", at, customer.id, paymentMethodRef),
  ]);
}

