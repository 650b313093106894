/**
 * The first payment of a checkout: "Due today" (setup fee plus the first period, or the trial's
 * price) is charged before anything exists, then written with the customer and subscription in
 * checkout completion's one batch, as a finalized (numbered) invoice and its payment attempt —
 * paid, or still `processing` for a SEPA debit, whose subscription then waits `incomplete`.
 */
import { type Statement, sql } from '../db/port.ts';
import type { EventType } from '../events/outbox.ts';
import { sha256Hex } from '../lib/crypto.ts';
import { newId } from '../lib/ids.ts';
import type { Merchant } from '../merchants/repository.ts';
import { finalizeStatements } from '../invoices/numbering.ts';
import { type Invoice, invoiceRepository, paymentKey } from '../invoices/repository.ts';
import { type InvoiceCharge, periodInvoice, pricedOffer, type SaleTax } from '../billing/totals.ts';
import { toJson } from '../invoices/schema.ts';
import type { Database } from '../db/port.ts';
import type { Deps } from '../deps.ts';
import type { ConfirmResult, GatewayPayment, PaymentGateway, TokenizedMethod } from '../gateways/port.ts';
import { answerTestAction } from '../gateways/test-gateway.ts';
import type { DueToday } from '../../hosted-pages/checkout/view.ts';
import { bpToPercent } from '../tax/rates.ts';
import type { CheckoutOffer } from './offer.ts';
import type { CheckoutSession } from './repository.ts';

const PROCESSING_RECHECK_MS = 86_400_000;

/** The first invoice's lines: the setup fee, then the first period (or the trial's price when it has one). */
const chargeOf = (offer: CheckoutOffer): InvoiceCharge => (offer.trial.days > 0 ? 'trial' : 'first');

/** The first invoice of a checkout, built like every other invoice (billing/totals.ts). */
export function firstInvoice(offer: CheckoutOffer, ids: { id: string; merchantId: string; customerId: string; subscriptionId: string }, period: { start: string; end: string }, tax: SaleTax | null, at: string): Invoice {
  const draft = periodInvoice({
    ...ids,
    offer: pricedOffer({ ...offer, amountUpfront: offer.amount_upfront, taxBehavior: offer.tax_behavior }),
    period,
    reason: 'subscription_create',
    collectionMethod: 'charge_automatically',
    charge: chargeOf(offer),
    tax,
    createdAt: at,
  });
  // The gateway's currency code, as the first payment has always been recorded.
  return { ...draft, currency: offer.currency.toLowerCase() };
}

/** "Due today": the first invoice's total, VAT included, for a buyer taxed `tax`. */
export const dueToday = (offer: CheckoutOffer, tax: SaleTax | null): number => dueTodayView(offer, tax).total;

/** "Due today" as the checkout summary shows it: the total and its VAT line. */
export function dueTodayView(offer: CheckoutOffer, tax: SaleTax | null): DueToday {
  const inv = firstInvoice(offer, { id: '', merchantId: '', customerId: '', subscriptionId: '' }, { start: '', end: '' }, tax, '');
  const inclusive = offer.tax_behavior === 'inclusive';
  // offerLines' order: the setup fee first (when there is one), then the period or the trial's price.
  const rest: 'trial' | 'period' = chargeOf(offer) === 'trial' ? 'trial' : 'period';
  const lines: DueToday['lines'] = inv.lines.map((l, i) => ({ kind: i === 0 && offer.amount_upfront > 0 ? ('setup' as const) : rest, amount: inclusive ? l.amount + l.taxAmount : l.amount }));
  if (!tax) return { total: inv.total, lines, vat: null };
  const mention = tax.mention === 'franchise' || tax.mention === 'reverse_charge' || tax.mention === 'outside_eu' ? tax.mention : null;
  return { total: inv.total, lines, vat: { rate: mention === 'franchise' ? null : bpToPercent(tax.rateBp), amount: inv.tax, inclusive, mention } };
}

/** A charge the gateway accepted: paid now (card, test gateway) or settling for days (SEPA). */
export interface FirstPayment {
  /** The payment attempt's id: its gateway idempotency key is `paymentKey(attemptId)`. */
  attemptId: string;
  amount: number;
  currency: string;
  gatewayPaymentId: string;
  status: 'succeeded' | 'processing';
  /** The VAT this amount was computed with: the invoice is written with the same, so its total is what was charged. */
  tax: SaleTax | null;
}

/**
 * One attempt per session and payment method: a retry after a timeout (same card) replays the
 * gateway's stored answer instead of charging again; another card is another attempt.
 */
export async function firstAttemptId(sessionId: string, methodRef: string): Promise<string> {
  return `pay_first_${sessionId.replace(/^cs_/, '')}_${(await sha256Hex(methodRef)).slice(0, 12)}`;
}
export const firstChargeKey = async (sessionId: string, methodRef: string): Promise<string> => paymentKey(await firstAttemptId(sessionId, methodRef));

/** An outbox event whose invoice JSON gets the number the batch has just assigned. */
const invoiceEvent = (merchantId: string, type: EventType, inv: Invoice, at: Date): Statement =>
  sql(
    `INSERT INTO events (id, merchant_id, type, data, created_at)
     SELECT ?, ?, ?, json_set(?, '$.number', (SELECT number FROM invoices WHERE id = ?)), ? WHERE EXISTS (SELECT 1 FROM invoices WHERE id = ?)`,
    newId('evt'), merchantId, type, JSON.stringify(toJson(inv, null, at)), inv.id, at.toISOString(), inv.id,
  );

/**
 * Statements for the completion batch: invoice (draft → open with its number → paid, or open and
 * processing), its lines, the attempt row carrying the gateway's payment id, the subscription's
 * latest_invoice, and the invoice events. Guarded like the rest of the batch by the subscription
 * insert (UNIQUE checkout_session_id): a losing concurrent completion writes none of it.
 */
export function firstInvoiceStatements(
  db: Database,
  merchant: Merchant,
  ids: { customerId: string; subscriptionId: string },
  offer: CheckoutOffer,
  period: { start: string; end: string },
  payment: FirstPayment,
  now: Date,
): { invoiceId: string; statements: Statement[] } {
  const at = now.toISOString();
  const draft = firstInvoice(offer, { id: newId('in'), merchantId: merchant.id, customerId: ids.customerId, subscriptionId: ids.subscriptionId }, period, payment.tax, at);
  const total = draft.total;
  const paid = payment.status === 'succeeded';
  const settled: Invoice = paid
    ? { ...draft, status: 'paid', paymentStatus: 'succeeded', amountPaid: total, attemptCount: 1, finalizedAt: at, paidAt: at }
    : { ...draft, status: 'open', paymentStatus: 'processing', attemptCount: 1, finalizedAt: at };
  const repo = invoiceRepository(db);
  const statements: Statement[] = [
    ...repo.insertDraft(draft, sql('EXISTS (SELECT 1 FROM subscriptions WHERE id = ?)', ids.subscriptionId)),
    invoiceEvent(merchant.id, 'invoice.created', draft, now),
    ...finalizeStatements({ merchant, invoiceId: draft.id, at: now, dueDate: null, nextPaymentAttempt: null }),
    invoiceEvent(merchant.id, 'invoice.finalized', { ...draft, status: 'open', finalizedAt: at }, now),
    // A processing debit is also looked at by the billing run a day later (retrieve by its payment
    // id), so it settles even if Stripe's event never arrives.
    sql(
      `UPDATE invoices SET status = ?, payment_status = ?, amount_paid = ?, attempt_count = 1, paid_at = ?, next_payment_attempt = ?, updated_at = ?
       WHERE id = ? AND status = 'open'`,
      settled.status, settled.paymentStatus, settled.amountPaid, settled.paidAt, paid ? null : new Date(now.getTime() + PROCESSING_RECHECK_MS).toISOString(), at, draft.id,
    ),
    repo.insertPayment(
      { id: payment.attemptId, invoiceId: draft.id, attempt: 1, status: payment.status, amount: payment.amount, currency: payment.currency.toLowerCase(), gatewayPaymentId: null, failureCode: null, declineCode: null, createdAt: at },
      merchant.id,
    ),
    sql('UPDATE invoice_payments SET gateway_payment_id = ? WHERE id = ?', payment.gatewayPaymentId, payment.attemptId),
    sql('UPDATE subscriptions SET latest_invoice = ? WHERE id = ?', draft.id, ids.subscriptionId),
  ];
  if (paid) statements.push(invoiceEvent(merchant.id, 'invoice.paid', settled, now));
  return { invoiceId: draft.id, statements };
}

export type FirstCharge = { kind: 'none' } | { kind: 'paid'; payment: FirstPayment } | { kind: 'refused'; result: ConfirmResult };

/**
 * Takes "Due today" for a method the gateway has just verified. Stripe has already charged it in
 * the page (a PaymentIntent; only its amount is checked here); the test gateway charges now,
 * synchronously, under the attempt's key. `authenticated`: the customer has just passed the test
 * gateway's 3-D Secure stand-in for this checkout, which stands for this payment too.
 */
export async function chargeFirst(
  deps: Deps,
  gateway: PaymentGateway,
  session: CheckoutSession,
  offer: CheckoutOffer,
  saved: { method: TokenizedMethod; gatewayCustomerId: string | null; payment?: GatewayPayment },
  tax: SaleTax | null,
  authenticated = false,
): Promise<FirstCharge> {
  const amount = dueToday(offer, tax);
  const currency = offer.currency.toLowerCase();
  if (amount <= 0) return { kind: 'none' };
  const { method, payment } = saved;
  if (payment) {
    // What the page paid must be exactly what this checkout sells, in its currency.
    if (payment.amount !== amount || payment.currency.toLowerCase() !== currency) {
      return { kind: 'refused', result: { status: 'failed', code: 'invalid_details', message: 'The payment does not match this checkout.' } };
    }
    return { kind: 'paid', payment: { attemptId: await firstAttemptId(session.id, payment.id), amount, currency, gatewayPaymentId: payment.id, status: payment.status, tax } };
  }
  // Stripe must take the first payment on-session in the page (3-D Secure): never off-session here.
  if (gateway.kind !== 'test') return { kind: 'refused', result: { status: 'unavailable', message: 'The payment form is out of date; please try again.' } };
  const attemptId = await firstAttemptId(session.id, method.gatewayRef);
  const input = {
    idempotencyKey: paymentKey(attemptId),
    amount,
    currency,
    method: { type: method.type, gatewayRef: method.gatewayRef },
    gatewayCustomerId: saved.gatewayCustomerId,
    description: offer.name,
    metadata: { porte_checkout_session: session.id, porte_merchant: session.merchantId },
  };
  let r = await gateway.charge(input);
  if (r.status === 'requires_action' && authenticated && r.paymentId) {
    await answerTestAction(deps.db, r.paymentId, true);
    const again = await gateway.retrieve({ idempotencyKey: input.idempotencyKey, paymentId: r.paymentId, charge: input });
    r = again.status === 'not_found' ? { status: 'unknown', message: 'The test charge vanished.' } : again;
  }
  switch (r.status) {
    case 'succeeded':
    case 'processing':
      return { kind: 'paid', payment: { attemptId, amount, currency, gatewayPaymentId: r.paymentId, status: r.status, tax } };
    case 'failed':
      return { kind: 'refused', result: { status: 'failed', code: 'card_declined', message: 'card_declined', param: method.type === 'sepa_debit' ? 'iban' : 'card_number' } };
    case 'requires_action':
      return { kind: 'refused', result: { status: 'failed', code: 'authentication_failed', message: 'authentication_failed' } };
    case 'unknown':
      // Nothing is assumed: the customer's retry sends the same key, so it cannot charge twice.
      return { kind: 'refused', result: { status: 'unavailable', message: r.message } };
  }
}
