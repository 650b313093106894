import type { Deps } from '../deps.ts';
import type { ChargeInput, ChargeResult } from '../gateways/port.ts';
import { GatewayUnavailable } from '../gateways/port.ts';
import { gatewayFor, stripePublishableKey } from '../gateways/select.ts';
import { type Invoice, type InvoicePayment, invoiceRepository } from '../invoices/repository.ts';
import type { Merchant } from '../merchants/repository.ts';
import type { BillingContext } from './issue.ts';
import { contextFor } from './run.ts';
import { type Settled, settle } from './settle.ts';

/**
 * 3-D Secure for an off-session Stripe charge that needed the customer (the hosted invoice page).
 * Stripe leaves such a PaymentIntent declined with `authentication_required` (or in
 * `requires_action`); the page confirms that very PaymentIntent on-session with Stripe.js
 * (`confirmCardPayment` with its client secret and the saved payment method: the bank's challenge
 * runs in Stripe's frame), then the server reads the PaymentIntent itself before recording
 * anything. The browser's word is never taken: only what Stripe answers to `retrieve`.
 */
export interface StripeAction {
  publishableKey: string;
  clientSecret: string;
  paymentIntent: string;
  paymentMethod: string;
}

/** `retrieve` with a known PaymentIntent id only reads it; the charge it could re-send is unused. */
const READ_ONLY: ChargeInput = { idempotencyKey: '', amount: 0, currency: 'eur', method: { type: 'card', gatewayRef: '' }, gatewayCustomerId: null, description: '', metadata: {} };

async function waiting(ctx: BillingContext, invoiceId: string): Promise<{ inv: Invoice; payment: InvoicePayment & { gatewayPaymentId: string } } | undefined> {
  const repo = invoiceRepository(ctx.deps.db);
  const inv = await repo.byId(ctx.merchant.id, invoiceId);
  if (inv?.status !== 'open') return undefined;
  const payment = (await repo.payments(inv.id)).at(-1);
  if (payment?.status !== 'requires_action' || !payment.gatewayPaymentId) return undefined;
  return { inv, payment: { ...payment, gatewayPaymentId: payment.gatewayPaymentId } };
}

async function read(ctx: BillingContext, paymentIntent: string): Promise<ChargeResult | undefined> {
  try {
    const gateway = await gatewayFor(ctx.merchant, ctx.deps);
    if (gateway.kind !== 'stripe') return undefined;
    const r = await gateway.retrieve({ idempotencyKey: '', paymentId: paymentIntent, charge: READ_ONLY });
    return r.status === 'not_found' ? undefined : r;
  } catch (error) {
    if (error instanceof GatewayUnavailable) return undefined;
    throw error;
  }
}

/** What the page needs to let Stripe.js complete the charge, or undefined when nothing waits for the customer. */
export async function stripeAction(ctx: BillingContext, invoiceId: string): Promise<StripeAction | undefined> {
  const publishableKey = stripePublishableKey(ctx.merchant, ctx.deps);
  const w = publishableKey ? await waiting(ctx, invoiceId) : undefined;
  if (!publishableKey || !w) return undefined;
  const r = await read(ctx, w.payment.gatewayPaymentId);
  if (r?.status !== 'requires_action' || !r.clientSecret) return undefined;
  const ref = await ctx.deps.db.get<{ payment_method_ref: string }>(
    "SELECT payment_method_ref FROM customer_gateway_refs WHERE customer_id = ? AND merchant_id = ? AND gateway = 'stripe'",
    [w.inv.customerId, ctx.merchant.id],
  );
  if (!ref) return undefined;
  return { publishableKey, clientSecret: r.clientSecret, paymentIntent: w.payment.gatewayPaymentId, paymentMethod: ref.payment_method_ref };
}

/**
 * The page says Stripe.js is done with `paymentIntent`: only the invoice's own waiting
 * PaymentIntent is read, and its outcome recorded as any other attempt's. Still waiting for the
 * customer (the challenge was closed): nothing is recorded, the page offers it again.
 */
export async function confirmStripeAction(ctx: BillingContext, invoiceId: string, paymentIntent: string): Promise<Settled | 'action_required' | 'refused'> {
  const w = await waiting(ctx, invoiceId);
  if (!w || w.payment.gatewayPaymentId !== paymentIntent) return 'refused';
  const r = await read(ctx, paymentIntent);
  if (!r || r.status === 'requires_action') return 'action_required';
  return settle(ctx, w.inv, w.payment.id, r);
}

/**
 * Stripe's `payment_intent.succeeded` for a renewal charge the customer authenticated: settles the
 * invoice even if the page never came back (browser closed after the challenge). Only a charge
 * that was waiting for the customer is settled here; every other one is the billing run's.
 */
export async function settleAuthenticatedCharge(ctx: BillingContext, invoiceId: string, paymentIntent: string): Promise<void> {
  const w = await waiting(ctx, invoiceId);
  if (!w || w.payment.gatewayPaymentId !== paymentIntent) return;
  const r = await read(ctx, paymentIntent);
  if (r?.status === 'succeeded') await settle(ctx, w.inv, w.payment.id, r);
}

/** The hook in Stripe's event handler (checkout/stripe-events.ts) for PaymentIntents of invoices. */
export async function invoiceIntentEvent(deps: Deps, merchant: Merchant, invoiceId: string, paymentIntent: string): Promise<void> {
  await settleAuthenticatedCharge(await contextFor(deps, merchant), invoiceId, paymentIntent);
}
