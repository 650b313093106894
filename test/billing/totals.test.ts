import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineTotal, type PeriodInvoiceInput, periodInvoice, totals } from '../../server/billing/totals.ts';
import type { InvoiceLine } from '../../server/invoices/repository.ts';

// Invoice totals as the customer reads them; amounts are worked out by hand in minor units.
const line = (amount: number, taxAmount = 0): InvoiceLine => ({
  description: 'x', periodStart: null, periodEnd: null, quantity: 1, unitAmount: amount, amount, taxRate: null, taxAmount,
});

describe('invoice totals', () => {
  it('add up the lines: 12.00 + 3.50 with 2.40 + 0.70 VAT is 15.50 + 3.10 = 18.60', () => {
    expect(totals([line(1200, 240), line(350, 70)])).toEqual({ subtotal: 1550, tax: 310, total: 1860 });
    expect(totals([])).toEqual({ subtotal: 0, tax: 0, total: 0 });
    // A credit line takes off what it says.
    expect(totals([line(5000, 1000), line(-1500, -300)])).toEqual({ subtotal: 3500, tax: 700, total: 4200 });
  });

  it('the total is always what the lines add up to, in any order', () => {
    const lines = fc.array(fc.record({ amount: fc.integer({ min: -1e9, max: 1e9 }), tax: fc.integer({ min: -2e8, max: 2e8 }) }), { maxLength: 20 });
    fc.assert(
      fc.property(lines, (ls) => {
        const got = totals(ls.map((l) => line(l.amount, l.tax)));
        const reversed = totals(ls.map((l) => line(l.amount, l.tax)).reverse());
        let net = 0n;
        let vat = 0n;
        for (const l of ls) {
          net += BigInt(l.amount);
          vat += BigInt(l.tax);
        }
        expect([BigInt(got.subtotal), BigInt(got.tax), BigInt(got.total)]).toEqual([net, vat, net + vat]);
        expect(reversed).toEqual(got);
      }),
    );
  });

  it('a line is quantity × unit price', () => {
    expect(lineTotal(3, 1250)).toBe(3750);
    expect(lineTotal(1, 990)).toBe(990);
    expect(lineTotal(0, 990)).toBe(0);
  });
});

// Prices as an offer states them, without VAT (no VAT set-up: the invoice adds none).
const offer = (name: string, currency: string, recurringAmount: number, amountUpfront: number) =>
  ({ name, currency, recurringAmount, amountUpfront, trialAmount: 0, taxBehavior: 'exclusive' as const });

/**
 * The builder's input. The VAT change of issue 11 replaces `withUpfront` by `charge` ('first' |
 * 'cycle') and `tax`; the input carries both spellings so these expectations, which hold with and
 * without it, keep testing whichever builder is in place.
 */
const input = (o: { first?: boolean; offer?: ReturnType<typeof offer>; reason?: PeriodInvoiceInput['reason']; collectionMethod?: PeriodInvoiceInput['collectionMethod'] } = {}): PeriodInvoiceInput => {
  const sold = o.offer ?? offer('Pro', 'EUR', 1900, 4900);
  const both: PeriodInvoiceInput & Record<string, unknown> = {
    id: 'in_1',
    merchantId: 'mer_1',
    customerId: 'cus_1',
    subscriptionId: 'sub_1',
    offer: sold,
    period: { start: '2026-01-31T09:00:00.000Z', end: '2026-02-28T09:00:00.000Z' },
    reason: o.reason ?? 'subscription_cycle',
    collectionMethod: o.collectionMethod ?? 'charge_automatically',
    withUpfront: o.first ?? false,
    charge: o.first ? 'first' : 'cycle',
    tax: null,
    createdAt: '2026-01-31T09:00:01.000Z',
  };
  return both;
};

describe("a subscription period's invoice", () => {
  it('a renewal bills the period once: 19.00 for 31 Jan → 28 Feb, no setup fee', () => {
    const inv = periodInvoice(input());
    expect(inv.lines).toEqual([
      expect.objectContaining({ description: 'Pro', periodStart: '2026-01-31T09:00:00.000Z', periodEnd: '2026-02-28T09:00:00.000Z', quantity: 1, unitAmount: 1900, amount: 1900 }),
    ]);
    expect(inv).toMatchObject({ subtotal: 1900, total: 1900, currency: 'EUR', periodStart: '2026-01-31T09:00:00.000Z', periodEnd: '2026-02-28T09:00:00.000Z' });
  });

  it('the first invoice adds the one-off setup fee: 49.00 + 19.00 = 68.00', () => {
    const inv = periodInvoice(input({ first: true, reason: 'subscription_create' }));
    expect(inv.lines).toEqual([
      expect.objectContaining({ description: 'Pro (setup)', periodStart: null, periodEnd: null, quantity: 1, unitAmount: 4900, amount: 4900 }),
      expect.objectContaining({ description: 'Pro', unitAmount: 1900, amount: 1900 }),
    ]);
    expect(inv).toMatchObject({ subtotal: 6800, total: 6800, billingReason: 'subscription_create' });
  });

  it('an offer without setup fee shows no "setup 0.00" line', () => {
    const inv = periodInvoice(input({ first: true, offer: offer('Basic', 'CHF', 500, 0) }));
    expect(inv.lines.map((l) => [l.description, l.amount])).toEqual([['Basic', 500]]);
    expect(inv).toMatchObject({ total: 500, currency: 'CHF' });
  });

  it('is a draft: no number, nothing paid, nothing tried, nothing failed', () => {
    const inv = periodInvoice(input({ collectionMethod: 'send_invoice' }));
    expect(inv).toMatchObject({
      id: 'in_1', merchantId: 'mer_1', customerId: 'cus_1', subscriptionId: 'sub_1',
      number: null, status: 'draft', paymentStatus: 'none', collectionMethod: 'send_invoice', amountPaid: 0,
      dueDate: null, attemptCount: 0, nextPaymentAttempt: null, firstFailedAt: null, lastFailureCode: null, hardDeclined: false,
      paidOutOfBandMethod: null, createdAt: '2026-01-31T09:00:01.000Z', finalizedAt: null, paidAt: null, voidedAt: null, markedUncollectibleAt: null,
    });
  });
});
