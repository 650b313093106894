import type { BillingReason, CollectionMethod, Invoice, InvoiceLine } from '../invoices/repository.ts';
import type { TaxBehavior } from '../offers/schema.ts';
import { lineTax } from '../tax/amounts.ts';
import { bpToPercent } from '../tax/rates.ts';
import type { TaxMention } from '../tax/rules.ts';

/** What an invoice is built from: the offer's price as sold (prices are frozen once an offer is in use). */
export interface PricedOffer {
  name: string;
  currency: string;
  recurringAmount: number;
  amountUpfront: number;
  trialAmount: number;
  /** Whether the amounts above include VAT. */
  taxBehavior: TaxBehavior;
}

/**
 * The VAT of a sale (billing/tax.ts decides it from the account and the customer). `null`: the
 * account has no VAT set-up (no country), so no VAT at all — lines carry `tax_rate: null`.
 */
export interface SaleTax {
  /** Basis points: 2000 = 20 %. */
  rateBp: number;
  mention: TaxMention;
}

/**
 * Which lines: `cycle` a renewal (the period), `first` a subscription's first invoice (setup fee +
 * the first period), `trial` a checkout whose trial has a price (setup fee + the trial's price).
 */
export type InvoiceCharge = 'cycle' | 'first' | 'trial';

export interface PeriodInvoiceInput {
  id: string;
  merchantId: string;
  customerId: string;
  subscriptionId: string;
  offer: PricedOffer;
  period: { start: string; end: string };
  reason: BillingReason;
  collectionMethod: CollectionMethod;
  charge: InvoiceCharge;
  tax: SaleTax | null;
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

/**
 * One invoice line from a price as the offer states it. Lines show amounts excluding tax (the
 * invoice's "unit price excluding tax"): an inclusive price has its VAT extracted per line,
 * half-up, and the rest is the line's amount; an exclusive one gets VAT added on top. Under the
 * franchise, or without VAT set-up, the price is the amount and `taxRate` is null (no VAT).
 */
export function pricedLine(description: string, period: { start: string; end: string } | null, price: number, behavior: TaxBehavior, tax: SaleTax | null): InvoiceLine {
  const applies = tax !== null && tax.mention !== 'franchise';
  const t = lineTax(price, applies ? tax.rateBp : 0, behavior);
  return {
    description,
    periodStart: period?.start ?? null,
    periodEnd: period?.end ?? null,
    quantity: 1,
    unitAmount: t.net,
    amount: lineTotal(1, t.net),
    taxRate: applies ? bpToPercent(tax.rateBp) : null,
    taxAmount: t.tax,
  };
}

/** The lines of every invoice a subscription gets: renewals, the API's first invoice, checkout's. */
export function offerLines(offer: PricedOffer, period: { start: string; end: string }, charge: InvoiceCharge, tax: SaleTax | null): InvoiceLine[] {
  const line = (description: string, price: number, p: { start: string; end: string } | null) => pricedLine(description, p, price, offer.taxBehavior, tax);
  const lines: InvoiceLine[] = [];
  if (charge !== 'cycle' && offer.amountUpfront > 0) lines.push(line(`${offer.name} (setup)`, offer.amountUpfront, null));
  if (charge === 'trial') {
    if (offer.trialAmount > 0) lines.push(line(`${offer.name} (trial)`, offer.trialAmount, period));
  } else {
    lines.push(line(offer.name, offer.recurringAmount, period));
  }
  return lines;
}

/** A subscription's draft invoice: the one place every invoice's lines and totals are built. */
export function periodInvoice(i: PeriodInvoiceInput): Invoice {
  const lines = offerLines(i.offer, i.period, i.charge, i.tax);
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

/** An offer as the repository or the API holds it, priced for invoicing. */
export const pricedOffer = (o: { name: string; currency: string; amountUpfront: number; recurring: { amount: number }; trial: { amount: number }; taxBehavior: TaxBehavior }): PricedOffer => ({
  name: o.name,
  currency: o.currency,
  recurringAmount: o.recurring.amount,
  amountUpfront: o.amountUpfront,
  trialAmount: o.trial.amount,
  taxBehavior: o.taxBehavior,
});

/**
 * The VAT rows an invoice shows under its lines: per rate, its base (excluding tax) and its VAT,
 * rates in ascending order. Lines without VAT (`taxRate: null`: franchise, no VAT set-up) give none.
 */
export function vatByRate(lines: readonly InvoiceLine[]): { rate: number; base: number; tax: number }[] {
  const byRate = new Map<number, { rate: number; base: number; tax: number }>();
  for (const l of lines) {
    if (l.taxRate === null) continue;
    const row = byRate.get(l.taxRate) ?? { rate: l.taxRate, base: 0, tax: 0 };
    row.base += l.amount;
    row.tax += l.taxAmount;
    byRate.set(l.taxRate, row);
  }
  return [...byRate.values()].sort((a, b) => a.rate - b.rate);
}
