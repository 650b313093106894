import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineTotal, type PeriodInvoiceInput, periodInvoice, pricedOffer, totals } from '../../server/billing/totals.ts';
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

const input = (o: Partial<PeriodInvoiceInput> = {}): PeriodInvoiceInput => ({
  id: 'in_1',
  merchantId: 'mer_1',
  customerId: 'cus_1',
  subscriptionId: 'sub_1',
  offer: { name: 'Pro', currency: 'EUR', recurringAmount: 1900, amountUpfront: 4900, trialAmount: 500, taxBehavior: 'exclusive' },
  period: { start: '2026-01-31T09:00:00.000Z', end: '2026-02-28T09:00:00.000Z' },
  reason: 'subscription_cycle',
  collectionMethod: 'charge_automatically',
  charge: 'cycle',
  tax: null,
  createdAt: '2026-01-31T09:00:01.000Z',
  ...o,
});
const vat20 = { rateBp: 2000, mention: null } as const;
const brief = (inv: { lines: InvoiceLine[] }) => inv.lines.map((l) => [l.description, l.unitAmount, l.amount, l.taxRate, l.taxAmount]);

describe("a subscription period's invoice", () => {
  it('a renewal bills the period once: 19.00 for 31 Jan → 28 Feb, no setup fee', () => {
    const inv = periodInvoice(input());
    expect(inv.lines).toEqual([
      expect.objectContaining({ description: 'Pro', periodStart: '2026-01-31T09:00:00.000Z', periodEnd: '2026-02-28T09:00:00.000Z', quantity: 1, unitAmount: 1900, amount: 1900, taxRate: null, taxAmount: 0 }),
    ]);
    expect(inv).toMatchObject({ subtotal: 1900, tax: 0, total: 1900, currency: 'EUR', periodStart: '2026-01-31T09:00:00.000Z', periodEnd: '2026-02-28T09:00:00.000Z' });
  });

  it('the first invoice adds the one-off setup fee: 49.00 + 19.00 = 68.00', () => {
    const inv = periodInvoice(input({ charge: 'first', reason: 'subscription_create' }));
    expect(inv.lines).toEqual([
      expect.objectContaining({ description: 'Pro (setup)', periodStart: null, periodEnd: null, quantity: 1, unitAmount: 4900, amount: 4900 }),
      expect.objectContaining({ description: 'Pro', unitAmount: 1900, amount: 1900 }),
    ]);
    expect(inv).toMatchObject({ subtotal: 6800, total: 6800, billingReason: 'subscription_create' });
  });

  it('a paid trial bills the setup fee and the trial price, not the period price', () => {
    const inv = periodInvoice(input({ charge: 'trial' }));
    expect(inv.lines.map((l) => [l.description, l.amount, l.periodStart])).toEqual([['Pro (setup)', 4900, null], ['Pro (trial)', 500, '2026-01-31T09:00:00.000Z']]);
    expect(inv.total).toBe(5400);
    const free = periodInvoice(input({ charge: 'trial', offer: { name: 'Pro', currency: 'EUR', recurringAmount: 1900, amountUpfront: 0, trialAmount: 0, taxBehavior: 'exclusive' } }));
    expect(free.lines).toEqual([]);
    expect(free.total).toBe(0);
  });

  it('an offer without setup fee shows no "setup 0.00" line', () => {
    const inv = periodInvoice(input({ charge: 'first', offer: { name: 'Basic', currency: 'CHF', recurringAmount: 500, amountUpfront: 0, trialAmount: 0, taxBehavior: 'exclusive' } }));
    expect(inv.lines.map((l) => [l.description, l.amount])).toEqual([['Basic', 500]]);
    expect(inv).toMatchObject({ total: 500, currency: 'CHF' });
  });

  it('VAT on top of prices without tax: 49.00 + 9.80 and 19.00 + 3.80, total 81.60', () => {
    const inv = periodInvoice(input({ charge: 'first', tax: vat20 }));
    expect(brief(inv)).toEqual([['Pro (setup)', 4900, 4900, 20, 980], ['Pro', 1900, 1900, 20, 380]]);
    expect(inv).toMatchObject({ subtotal: 6800, tax: 1360, total: 8160 });
  });

  it('VAT taken out of prices including it: the customer pays 68.00, of which 11.34 VAT', () => {
    const offer = { name: 'Pro', currency: 'EUR', recurringAmount: 1900, amountUpfront: 4900, trialAmount: 0, taxBehavior: 'inclusive' as const };
    const inv = periodInvoice(input({ charge: 'first', tax: vat20, offer }));
    // 49.00 / 1.2 = 40.833 → VAT 8.17; 19.00 / 1.2 = 15.833 → VAT 3.17 (each line rounded half-up).
    expect(brief(inv)).toEqual([['Pro (setup)', 4083, 4083, 20, 817], ['Pro', 1583, 1583, 20, 317]]);
    expect(inv).toMatchObject({ subtotal: 5666, tax: 1134, total: 6800 });
  });

  it('under the VAT franchise, or with no VAT set-up, there is no VAT and no rate on the lines', () => {
    for (const tax of [{ rateBp: 2000, mention: 'franchise' as const }, null]) {
      const inv = periodInvoice(input({ tax }));
      expect(brief(inv)).toEqual([['Pro', 1900, 1900, null, 0]]);
      expect(inv.total).toBe(1900);
    }
    // Reverse charge: a 0 % rate shown on the line, nothing added.
    expect(brief(periodInvoice(input({ tax: { rateBp: 0, mention: 'reverse_charge' } })))).toEqual([['Pro', 1900, 1900, 0, 0]]);
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

  it('an offer as stored is priced as sold', () => {
    expect(pricedOffer({ name: 'Pro', currency: 'EUR', amountUpfront: 4900, recurring: { amount: 1900 }, trial: { amount: 500 }, taxBehavior: 'inclusive' })).toEqual({
      name: 'Pro', currency: 'EUR', amountUpfront: 4900, recurringAmount: 1900, trialAmount: 500, taxBehavior: 'inclusive',
    });
  });
});
