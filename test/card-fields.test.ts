// The test gateway's card fields: what the customer types is formatted as they type (the number
// in groups of four, the "/" of the expiry), and the server accepts the expiry however it is
// written, so a page without JavaScript (or a paste) works the same.
import { describe, expect, it } from 'vitest';
import { formatCardNumber, formatExpiry } from '../hosted-pages/card-format.ts';
import { parseExpiry } from '../server/gateways/test-gateway.ts';

describe('card fields of the test gateway', () => {
  it('group the number 4-4-4-4 and insert the expiry’s "/" as typed', () => {
    const typed = (format: (v: string, d: boolean) => string, keys: string) => [...keys].reduce((value, key) => format(value + key, false), '');
    expect(typed(formatCardNumber, '4242424242424242')).toBe('4242 4242 4242 4242');
    expect(formatCardNumber('4000-0027 6000 3184', false)).toBe('4000 0027 6000 3184');
    expect(typed(formatExpiry, '1230')).toBe('12/30');
    expect(typed(formatExpiry, '12/30')).toBe('12/30'); // the customer's own "/" is not doubled
    expect(typed(formatExpiry, '430')).toBe('04/30');
    expect(formatExpiry('12 / 2030', false)).toBe('12/2030');
    // Backspace over the "/" removes it instead of putting it back.
    expect(formatExpiry('12', true)).toBe('12');
  });

  it('the server reads 1230, 12/30, 12 / 2030 and 122030 as December 2030; refuses a past or impossible month', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    for (const text of ['1230', '12/30', '12 / 2030', '122030', ' 12-30 ']) expect(parseExpiry(text, now), text).toEqual({ month: 12, year: 2030 });
    expect(parseExpiry('1/31', now)).toEqual({ month: 1, year: 2031 });
    expect(parseExpiry('11/26', now)).toBeUndefined();
    expect(parseExpiry('1330', now)).toBeUndefined();
    expect(parseExpiry('123', now)).toBeUndefined();
    expect(parseExpiry('12/3', now)).toBeUndefined();
  });
});
