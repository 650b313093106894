import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divRoundHalfUp, lineTax } from '../../server/tax/amounts.ts';

// What the VAT arithmetic refuses rather than rounds wrongly, and its rounding against a BigInt oracle.
function oracle(n: bigint, d: bigint): bigint {
  const neg = n < 0n;
  const q = (2n * (neg ? -n : n) + d) / (2n * d);
  return neg ? -q : q;
}

describe('half-up division', () => {
  it('matches round-half-away-from-zero computed with BigInt', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), fc.integer({ min: 1, max: 1e6 }), (n, d) => {
        expect(BigInt(divRoundHalfUp(n, d))).toBe(oracle(BigInt(n), BigInt(d)));
      }),
      { numRuns: 2000 },
    );
  });

  it('worked examples, and zero is plain zero (never -0 on a document)', () => {
    expect(divRoundHalfUp(5, 2)).toBe(3);
    expect(divRoundHalfUp(-5, 2)).toBe(-3);
    expect(divRoundHalfUp(4, 3)).toBe(1);
    expect(divRoundHalfUp(-4, 3)).toBe(-1);
    expect(divRoundHalfUp(7, 7)).toBe(1);
    expect(Object.is(divRoundHalfUp(0, 7), 0)).toBe(true);
    expect(Object.is(divRoundHalfUp(-1, 7), 0)).toBe(true);
  });

  it('refuses what is not an integer division by a positive integer', () => {
    expect(() => divRoundHalfUp(1, 0)).toThrow(RangeError);
    expect(() => divRoundHalfUp(1, -3)).toThrow(RangeError);
    expect(() => divRoundHalfUp(1.5, 2)).toThrow(/integers only/);
    expect(() => divRoundHalfUp(3, 2.5)).toThrow(/integers only/);
    expect(() => divRoundHalfUp(2 ** 53, 3)).toThrow(/integers only/);
  });
});

describe('line VAT refuses amounts and rates it cannot compute exactly', () => {
  it('amounts must be whole minor units', () => {
    expect(() => lineTax(10.5, 2000, 'exclusive')).toThrow(/amount must be an integer/);
    expect(() => lineTax(Number.NaN, 2000, 'inclusive')).toThrow(/amount must be an integer/);
  });

  it('rates are whole basis points from 0 % to 100 %', () => {
    expect(() => lineTax(1000, -1, 'exclusive')).toThrow(/rate out of range/);
    expect(() => lineTax(1000, 10_001, 'exclusive')).toThrow(/rate out of range/);
    expect(() => lineTax(1000, 1960.5, 'exclusive')).toThrow(/rate out of range/);
    expect(lineTax(1000, 0, 'exclusive')).toEqual({ net: 1000, tax: 0, gross: 1000 });
    expect(lineTax(1000, 10_000, 'exclusive')).toEqual({ net: 1000, tax: 1000, gross: 2000 });
    expect(lineTax(1000, 10_000, 'inclusive')).toEqual({ net: 500, tax: 500, gross: 1000 });
  });

  it('amounts too large for exact arithmetic are refused, the largest safe one still computed', () => {
    // 10^12 minor units × 10^4 exceeds 2^53: the product would no longer be exact.
    expect(() => lineTax(1e12, 2000, 'exclusive')).toThrow(/amount too large/);
    expect(() => lineTax(-1e12, 2000, 'inclusive')).toThrow(/amount too large/);
    expect(lineTax(900_000_000_000, 2000, 'exclusive')).toEqual({ net: 900_000_000_000, tax: 180_000_000_000, gross: 1_080_000_000_000 });
  });
});
