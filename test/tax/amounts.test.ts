import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineTax, totalsByRate } from '../../server/tax/amounts.ts';

// Independent oracle: BigInt, round half away from zero written as floor((2n + d) / 2d) on |n|.
function oracleRound(n: bigint, d: bigint): bigint {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return neg ? -q : q;
}

const amount = fc.integer({ min: -50_000_000_000, max: 50_000_000_000 });
const rate = fc.integer({ min: 0, max: 10_000 });

describe('per-line VAT, half-up in minor units', () => {
  it('exclusive: tax = round(amount × rate), gross = amount + tax (BigInt oracle)', () => {
    fc.assert(fc.property(amount, rate, (a, r) => {
      const got = lineTax(a, r, 'exclusive');
      const tax = oracleRound(BigInt(a) * BigInt(r), 10_000n);
      expect(BigInt(got.tax)).toBe(tax);
      expect(got.net).toBe(a);
      expect(BigInt(got.gross)).toBe(BigInt(a) + tax);
    }), { numRuns: 3000 });
  });

  it('inclusive: tax is the nearest integer to amount × r/(1+r), ties away from zero; net + tax = price', () => {
    fc.assert(fc.property(amount, rate, (a, r) => {
      const got = lineTax(a, r, 'inclusive');
      expect(got.gross).toBe(a);
      expect(got.net + got.tax).toBe(a);
      // Characterise the rounding instead of recomputing it: |tax·(1+r) − a·r| ≤ (1+r)/2 exactly.
      const d = 10_000n + BigInt(r);
      const err = BigInt(got.tax) * d - BigInt(a) * BigInt(r);
      const abs2 = 2n * (err < 0n ? -err : err);
      expect(abs2 <= d).toBe(true);
      // On an exact tie the result is the one further from zero.
      if (abs2 === d) expect(err * BigInt(Math.sign(a))).toBeGreaterThan(0n);
    }), { numRuns: 3000 });
  });

  it('a credit note line mirrors its invoice line', () => {
    fc.assert(fc.property(amount, rate, fc.constantFrom('inclusive' as const, 'exclusive' as const), (a, r, b) => {
      const pos = lineTax(a, r, b);
      const neg = lineTax(-a, r, b);
      expect(neg.tax + pos.tax).toBe(0);
      expect(neg.net + pos.net).toBe(0);
    }));
  });

  it('worked examples a person can check by hand', () => {
    expect(lineTax(999, 2000, 'exclusive')).toEqual({ net: 999, tax: 200, gross: 1199 }); // 199.8 → 200
    expect(lineTax(1000, 2000, 'inclusive')).toEqual({ net: 833, tax: 167, gross: 1000 }); // 166.67 → 167
    expect(lineTax(1200, 2000, 'inclusive')).toEqual({ net: 1000, tax: 200, gross: 1200 });
    expect(lineTax(10, 2550, 'exclusive')).toEqual({ net: 10, tax: 3, gross: 13 }); // 2.55 → 3
    expect(lineTax(2, 2500, 'exclusive').tax).toBe(1); // exactly 0.5 → 1 (half-up)
    expect(lineTax(-2, 2500, 'exclusive').tax).toBe(-1);
  });

  it('VAT per rate groups lines and sums them', () => {
    expect(totalsByRate([
      { rateBp: 2000, net: 1000, tax: 200 }, { rateBp: 550, net: 100, tax: 6 }, { rateBp: 2000, net: 500, tax: 100 },
    ])).toEqual([{ rateBp: 550, net: 100, tax: 6 }, { rateBp: 2000, net: 1500, tax: 300 }]);
  });
});
