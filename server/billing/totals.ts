import type { BillingReason, CollectionMethod, Invoice, InvoiceLine } from '../invoices/repository.ts';

/** What an invoice is built from: the offer's price as sold (prices are frozen once an offer is in use). */
export interface PricedOffer {
  name: string;
  currency: string;
  recurringAmount: number;
  amountUpfront: number;
}

export interface PeriodInvoiceInput {
  id: string;
  merchantId: string;
  customerId: string;
  subscriptionId: string;
  offer: PricedOffer;
  period: { start: string; end: string };
  reason: BillingReason;
  collectionMethod: CollectionMethod;
  /** The first invoice of a subscription also carries the offer's one-off setup fee. */
  withUpfront: boolean;
  createdAt: string;
}

export const lineTotal = (quantity: number, unitAmount: number): number => quantity * unitAmount;

/** subtotal = Σ line amounts; tax = Σ line taxes; total = subtotal + tax. Integer minor units throughout. */
export function totals(lines: readonly InvoiceLine[]): { subtotal: number; tax: number; total: number } {
  let subtotal = 0;
  let tax = 0;
  for (const l of lines) {
    subtotal += l.amount;
    tax += l.taxAmount;
  }
  return { subtotal, tax, total: subtotal + tax };
}

/** A subscription period's draft invoice: one line for the period, plus the setup fee on the first. */
export function periodInvoice(i: PeriodInvoiceInput): Invoice {
  const lines: InvoiceLine[] = [];
  if (i.withUpfront && i.offer.amountUpfront > 0) {
    lines.push({ description: `${i.offer.name} (setup)`, periodStart: null, periodEnd: null, quantity: 1, unitAmount: i.offer.amountUpfront, amount: lineTotal(1, i.offer.amountUpfront), taxRate: null, taxAmount: 0 });
  }
  lines.push({
    description: i.offer.name,
    periodStart: i.period.start,
    periodEnd: i.period.end,
    quantity: 1,
    unitAmount: i.offer.recurringAmount,
    amount: lineTotal(1, i.offer.recurringAmount),
    taxRate: null,
    taxAmount: 0,
  });
  return {
    seq: 0,
    id: i.id,
    merchantId: i.merchantId,
    customerId: i.customerId,
    subscriptionId: i.subscriptionId,
    number: null,
    status: 'draft',
    paymentStatus: 'none',
    billingReason: i.reason,
    collectionMethod: i.collectionMethod,
    currency: i.offer.currency,
    ...totals(lines),
    amountPaid: 0,
    periodStart: i.period.start,
    periodEnd: i.period.end,
    dueDate: null,
    attemptCount: 0,
    nextPaymentAttempt: null,
    firstFailedAt: null,
    lastFailureCode: null,
    hardDeclined: false,
    paidOutOfBandMethod: null,
    createdAt: i.createdAt,
    finalizedAt: null,
    paidAt: null,
    voidedAt: null,
    markedUncollectibleAt: null,
    lines,
  };
}
