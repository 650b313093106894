import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type InvoiceCharge, offerLines, periodInvoice, type PricedOffer, type SaleTax } from '../../server/billing/totals.ts';

/**
 * The one invoice builder (renewals, API subscriptions, the upcoming preview and checkout all go
 * through it) against an independent computation in exact integer arithmetic (BigInt on cents):
 * per line, VAT = price × r (exclusive) or price × r / (1 + r) (inclusive), rounded half-up,
 * i.e. floor((2·n + d) / 2d) for n ≥ 0; totals are the sums of the lines.
 */
const halfUp = (n: bigint, d: bigint): bigint => (2n * n + d) / (2n * d);

function oracleLine(price: number, rateBp: number, inclusive: boolean): { net: bigint; tax: bigint } {
  const p = BigInt(price);
  const r = BigInt(rateBp);
  if (inclusive) {
    const tax = halfUp(p * r, 10_000n + r);
    return { net: p - tax, tax };
  }
  return { net: p, tax: halfUp(p * r, 10_000n) };
}

const money = fc.integer({ min: 0, max: 99_999_999 });
const offerArb = fc.record({
  recurringAmount: money,
  amountUpfront: money,
  trialAmount: money,
  taxBehavior: fc.constantFrom('inclusive' as const, 'exclusive' as const),
});
const taxArb: fc.Arbitrary<SaleTax | null> = fc.oneof(
  fc.constant(null),
  fc.record({ rateBp: fc.integer({ min: 0, max: 3000 }), mention: fc.constant(null) }),
  fc.constantFrom<SaleTax>({ rateBp: 2000, mention: null }, { rateBp: 2550, mention: null }, { rateBp: 0, mention: 'reverse_charge' }, { rateBp: 0, mention: 'franchise' }),
);
const chargeArb = fc.constantFrom<InvoiceCharge>('cycle', 'first', 'trial');
const period = { start: '2026-01-31T00:00:00.000Z', end: '2026-02-28T00:00:00.000Z' };

describe('invoice lines and totals, VAT per line half-up (exact BigInt oracle)', () => {
  it('each line and the totals agree with the exact computation; TTC totals are the prices', () => {
    fc.assert(
      fc.property(offerArb, taxArb, chargeArb, (o, tax, charge) => {
        const offer: PricedOffer = { name: 'Plan', currency: 'EUR', ...o };
        const prices: number[] = [];
        if (charge !== 'cycle' && o.amountUpfront > 0) prices.push(o.amountUpfront);
        if (charge === 'trial') {
          if (o.trialAmount > 0) prices.push(o.trialAmount);
        } else prices.push(o.recurringAmount);
        const rate = tax && tax.mention !== 'franchise' ? tax.rateBp : 0;
        const expected = prices.map((p) => oracleLine(p, rate, o.taxBehavior === 'inclusive'));

        const inv = periodInvoice({
          id: 'in_x', merchantId: 'mer_x', customerId: 'cus_x', subscriptionId: 'sub_x', offer, period,
          reason: 'subscription_cycle', collectionMethod: 'charge_automatically', charge, tax, createdAt: period.start,
        });
        expect(inv.lines.map((l) => ({ net: BigInt(l.amount), tax: BigInt(l.taxAmount) }))).toEqual(expected);
        for (const l of inv.lines) {
          expect(l.unitAmount * l.quantity).toBe(l.amount);
          expect(l.taxRate).toBe(tax && tax.mention !== 'franchise' ? tax.rateBp / 100 : null);
        }
        const subtotal = expected.reduce((s, l) => s + l.net, 0n);
        const vat = expected.reduce((s, l) => s + l.tax, 0n);
        expect({ subtotal: BigInt(inv.subtotal), tax: BigInt(inv.tax), total: BigInt(inv.total) }).toEqual({ subtotal, tax: vat, total: subtotal + vat });
        // Inclusive prices: what is charged is exactly the sum of the prices shown, whatever the rate.
        if (o.taxBehavior === 'inclusive') expect(inv.total).toBe(prices.reduce((s, p) => s + p, 0));
      }),
      { numRuns: 3000 },
    );
  });

  it('worked by hand: a 9,99 € HT setup fee and a 29,00 € HT month at 19 % round on their own lines', () => {
    const offer: PricedOffer = { name: 'Plan', currency: 'EUR', recurringAmount: 2900, amountUpfront: 999, trialAmount: 0, taxBehavior: 'exclusive' };
    // 999 × 0.19 = 189.81 → 190 and 2900 × 0.19 = 551, each line rounded on its own.
    expect(offerLines(offer, period, 'first', { rateBp: 1900, mention: null }).map((l) => l.taxAmount)).toEqual([190, 551]);
    // 0,05 € TTC at 20 %: 5 × 20/120 = 0.8333 → 1 cent of VAT, 4 net.
    const tiny: PricedOffer = { ...offer, recurringAmount: 5, amountUpfront: 0, taxBehavior: 'inclusive' };
    expect(offerLines(tiny, period, 'cycle', { rateBp: 2000, mention: null })).toEqual([expect.objectContaining({ amount: 4, taxAmount: 1, taxRate: 20 })]);
    // 0,03 € HT at 25 % is 0.75 → 1; 0,02 € HT at 25 % is exactly 0.5 → 1 (half-up).
    expect(offerLines({ ...offer, recurringAmount: 2, amountUpfront: 0 }, period, 'cycle', { rateBp: 2500, mention: null })[0]?.taxAmount).toBe(1);
  });
});
