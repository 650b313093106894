/**
 * Per-line VAT arithmetic in integer minor units, rounded half-up (half away from zero, so a
 * credit note's negative line mirrors its invoice line exactly).
 */
export type TaxBehavior = 'inclusive' | 'exclusive';

export interface LineTax {
  /** Excluding tax: what the invoice line's `amount` shows. */
  net: number;
  tax: number;
  /** Including tax. */
  gross: number;
}

/** round(n / d) half away from zero, for integers with d > 0. */
export function divRoundHalfUp(n: number, d: number): number {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || d <= 0) throw new RangeError('divRoundHalfUp: integers only');
  const sign = n < 0 ? -1 : 1;
  const a = Math.abs(n);
  const q = Math.floor(a / d);
  const r = a - q * d;
  return sign * (2 * r >= d ? q + 1 : q) || 0;
}

/**
 * `amount` is the line's price (quantity × unit amount) as the offer states it: excluding tax for
 * `exclusive`, including it for `inclusive`. For inclusive prices the tax is extracted
 * (amount × rate / (1 + rate)) and the net is what remains, so net + tax is the price paid.
 */
export function lineTax(amount: number, rateBp: number, behavior: TaxBehavior): LineTax {
  if (!Number.isSafeInteger(amount)) throw new RangeError('lineTax: amount must be an integer');
  if (!Number.isInteger(rateBp) || rateBp < 0 || rateBp > 10000) throw new RangeError('lineTax: rate out of range');
  // amount × rate stays exact below 2^53 for amounts up to ~9 × 10^11 minor units.
  if (Math.abs(amount) * 10000 > Number.MAX_SAFE_INTEGER) throw new RangeError('lineTax: amount too large');
  if (behavior === 'exclusive') {
    const tax = divRoundHalfUp(amount * rateBp, 10000);
    return { net: amount, tax, gross: amount + tax };
  }
  const tax = divRoundHalfUp(amount * rateBp, 10000 + rateBp);
  return { net: amount - tax, tax, gross: amount };
}

export interface RateTotal {
  rateBp: number;
  net: number;
  tax: number;
}

/** "VAT per rate" for the invoice: lines grouped by rate, in ascending rate order. */
export function totalsByRate(lines: readonly { rateBp: number; net: number; tax: number }[]): RateTotal[] {
  const by = new Map<number, RateTotal>();
  for (const l of lines) {
    const t = by.get(l.rateBp) ?? { rateBp: l.rateBp, net: 0, tax: 0 };
    t.net += l.net;
    t.tax += l.tax;
    by.set(l.rateBp, t);
  }
  return [...by.values()].sort((a, b) => a.rateBp - b.rateBp);
}
