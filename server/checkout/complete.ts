import { activityStatement } from '../activity/repository.ts';
import { clockFor } from '../billing/clock.ts';
import { type Customer, customerRepository, toJson as customerJson } from '../customers/repository.ts';
import { customerService } from '../customers/service.ts';
import { sql, type Statement, UniqueViolation } from '../db/port.ts';
import type { Deps } from '../deps.ts';
import { eventStatement } from '../events/outbox.ts';
import type { TokenizedMethod } from '../gateways/port.ts';
import { newId } from '../lib/ids.ts';
import type { Merchant } from '../merchants/repository.ts';
import { addInterval } from '../subscriptions/periods.ts';
import { type Subscription, subscriptionRepository, toJson as subscriptionJson } from '../subscriptions/repository.ts';
import type { CheckoutOffer } from './offer.ts';
import { type FirstPayment, firstInvoiceStatements } from './first-payment.ts';
import { type CheckoutSession, checkoutRepository } from './repository.ts';
import { anonymizedReference, sessionJson } from './service.ts';

/** The customer's details as typed on the checkout form (already validated). */
export interface CheckoutDetails {
  email: string;
  first_name: string;
  last_name: string;
  company: string;
  /** The company's VAT number (empty: none, or not a company); checked against `country`. */
  tax_id?: string;
  line1: string;
  postal_code: string;
  city: string;
  country: string;
}

export const successRedirect = (session: CheckoutSession): string => {
  const url = new URL(session.successUrl);
  url.searchParams.set('checkout_session_id', session.id);
  return url.toString();
};

function newSubscription(merchantId: string, customerId: string, offer: CheckoutOffer, sessionId: string, now: Date): Subscription {
  const trialing = offer.trial.days > 0;
  const trialEnd = trialing ? addInterval(now, 'day', offer.trial.days) : null;
  const periodEnd = trialEnd ?? addInterval(now, offer.recurring.interval, offer.recurring.interval_count);
  return {
    seq: 0,
    id: newId('sub'),
    merchantId,
    customerId,
    offerId: offer.id,
    status: trialing ? 'trialing' : 'active',
    currentPeriodStart: now.toISOString(),
    currentPeriodEnd: periodEnd.toISOString(),
    trialEnd: trialEnd?.toISOString() ?? null,
    cancelAtPeriodEnd: false,
    checkoutSessionId: sessionId,
    createdAt: now.toISOString(),
  };
}

/**
 * Completes a checkout in ONE atomic batch: customer (created, or the existing one with the
 * session's reference), payment method, subscription, session marked complete, activity and
 * outbox events. The subscription's UNIQUE checkout_session_id makes every concurrent or retried
 * submission after the first roll back entirely, so one session never yields two of anything.
 */
export async function finalizeCheckout(
  deps: Deps,
  merchant: Merchant,
  session: CheckoutSession,
  offer: CheckoutOffer,
  details: CheckoutDetails,
  method: TokenizedMethod,
  gatewayCustomerId: string | null,
  gatewayKind: 'test' | 'stripe',
  /** "Due today" already charged (card, test gateway) or on its way (SEPA): the first invoice is written too. */
  firstPayment?: FirstPayment,
): Promise<{ customerId: string; subscriptionId: string }> {
  const { db } = deps;
  // The environment's clock (a test environment's may have been advanced): periods start from it.
  const clock = await clockFor(deps, merchant);
  const now = clock();
  const at = now.toISOString();
  const paymentMethod =
    method.type === 'card' ? { type: 'card' as const, card: method.card } : { type: 'sepa_debit' as const, sepa_debit: method.sepa_debit };
  const existing = session.customerReference
    ? await customerRepository(db).byReference(merchant.id, session.customerReference)
    : undefined;

  if (existing?.status === 'anonymized') throw anonymizedReference(existing.reference);

  const statements: Statement[] = [];
  let customer: Customer;
  if (existing) {
    // The customer saw their details on the page (prefilled) and may have corrected them.
    customer = {
      ...existing,
      email: details.email,
      firstName: details.first_name,
      lastName: details.last_name,
      company: details.company || existing.company,
      billingAddress: {
        ...(existing.billingAddress ?? { line2: null, region: null, phone: null, tax_id: null }),
        line1: details.line1,
        postal_code: details.postal_code,
        city: details.city,
        country: details.country,
        tax_id: details.tax_id || existing.billingAddress?.tax_id || null,
      },
      paymentMethod,
      autoBilling: true,
      updatedAt: at,
    };
    statements.push(customerRepository(db).update(customer));
  } else {
    const created = customerService(db, clock).prepareCreate(merchant.id, {
      reference: session.customerReference ?? undefined,
      email: details.email,
      first_name: details.first_name,
      last_name: details.last_name,
      company: details.company || null,
      language: session.locale ?? 'en',
      billing_address: { line1: details.line1, postal_code: details.postal_code, city: details.city, country: details.country, tax_id: details.tax_id || null },
      auto_billing: true,
    });
    statements.push(...created.statements);
    customer = { ...created.customer, paymentMethod };
  }
  let subscription = newSubscription(merchant.id, customer.id, offer, session.id, now);
  let firstInvoice: Statement[] = [];
  if (firstPayment) {
    const period = { start: subscription.currentPeriodStart, end: subscription.currentPeriodEnd };
    const first = firstInvoiceStatements(db, merchant, { customerId: customer.id, subscriptionId: subscription.id }, offer, period, firstPayment, now);
    firstInvoice = first.statements;
    subscription = {
      ...subscription,
      // A SEPA debit settles days later: the subscription says so until the money arrives.
      status: firstPayment.status === 'processing' ? 'incomplete' : subscription.status,
      latestInvoice: first.invoiceId,
      billingAnchor: subscription.trialEnd ?? subscription.currentPeriodStart,
      currentCycle: subscription.trialEnd ? -1 : 0,
    };
  }
  const completed = { ...session, status: 'complete' as const, customerId: customer.id, subscriptionId: subscription.id, completedAt: at };

  statements.push(
    sql('UPDATE customers SET payment_method = ?, auto_billing = 1, updated_at = ? WHERE id = ?', JSON.stringify(paymentMethod), at, customer.id),
    sql(
      `INSERT INTO customer_gateway_refs (customer_id, merchant_id, gateway, gateway_customer_id, payment_method_ref, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (customer_id) DO UPDATE SET gateway = excluded.gateway, gateway_customer_id = excluded.gateway_customer_id,
         payment_method_ref = excluded.payment_method_ref, updated_at = excluded.updated_at`,
      customer.id, merchant.id, gatewayKind, gatewayCustomerId, method.gatewayRef, at,
    ),
    subscriptionRepository(db).insert(subscription),
    checkoutRepository(db).complete(session.id, customer.id, subscription.id, at),
    activityStatement(merchant.id, customer.id, 'customer.payment_method.updated', { type: method.type }, at),
    activityStatement(merchant.id, customer.id, 'subscription.created', { subscription: subscription.id, offer: offer.reference }, at),
    eventStatement(merchant.id, 'customer.payment_method.updated', customerJson(customer), at),
    eventStatement(merchant.id, 'subscription.created', subscriptionJson(subscription), at),
    ...firstInvoice,
    eventStatement(merchant.id, 'checkout_session.completed', sessionJson(completed, deps.config.publicUrl, now), at),
  );
  await db.batch(statements);
  return { customerId: customer.id, subscriptionId: subscription.id };
}

/** Runs finalizeCheckout; a lost race is not an error when the winner completed this very session. */
export async function finalizeOnce(
  ...args: Parameters<typeof finalizeCheckout>
): Promise<{ customerId: string; subscriptionId: string }> {
  const [deps, , session] = args;
  // Anonymized between our read and our batch: the database's trigger rolled the batch back.
  const erased = (error: unknown): unknown =>
    error instanceof Error && error.message.includes('customer_anonymized') && session.customerReference
      ? anonymizedReference(session.customerReference)
      : error;
  try {
    return await finalizeCheckout(...args);
  } catch (error) {
    if (!(error instanceof UniqueViolation)) throw erased(error);
    const now = await checkoutRepository(deps.db).byId(session.id);
    if (now?.status === 'complete' && now.customerId && now.subscriptionId) {
      return { customerId: now.customerId, subscriptionId: now.subscriptionId };
    }
    // Another session created the customer with this reference meanwhile: retry once, reusing it.
    return finalizeCheckout(...args).catch((again: unknown) => {
      throw erased(again);
    });
  }
}
