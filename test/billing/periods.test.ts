import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addInterval, cycleBounds, cycleStart, type Interval } from '../../server/subscriptions/periods.ts';

// An independent oracle: a calendar walked by hand on {year, month, day} with its own leap rule,
// no Date arithmetic. Days step one at a time; months step one at a time then clamp the day.
const leap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const monthLength = (y: number, m: number): number => [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] as number;

interface Ymd {
  y: number;
  m: number;
  d: number;
}

function nextDay({ y, m, d }: Ymd): Ymd {
  if (d < monthLength(y, m)) return { y, m, d: d + 1 };
  return m === 12 ? { y: y + 1, m: 1, d: 1 } : { y, m: m + 1, d: 1 };
}

function oracle(anchor: Ymd, interval: Interval, n: number): Ymd {
  if (interval === 'day' || interval === 'week') {
    let at = anchor;
    for (let i = 0; i < n * (interval === 'week' ? 7 : 1); i++) at = nextDay(at);
    return at;
  }
  let { y, m } = anchor;
  for (let i = 0; i < n * (interval === 'year' ? 12 : 1); i++) {
    m++;
    if (m === 13) {
      m = 1;
      y++;
    }
  }
  return { y, m, d: Math.min(anchor.d, monthLength(y, m)) };
}

const ymd = (d: Date): Ymd => ({ y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() });
const iso = (s: string): Date => new Date(s);

const anchorArb = fc
  .record({
    y: fc.integer({ min: 1970, max: 2400 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
    ms: fc.integer({ min: 0, max: 86_399_999 }),
  })
  .map((a) => ({ ...a, d: Math.min(a.d, monthLength(a.y, a.m)) }));
const intervalArb = fc.constantFrom<Interval>('day', 'week', 'month', 'year');

describe('billing calendar', () => {
  it('every cycle boundary matches the hand-walked calendar, time of day kept', () => {
    fc.assert(
      fc.property(anchorArb, intervalArb, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 40 }), (a, interval, count, cycle) => {
        const anchor = new Date(Date.UTC(a.y, a.m - 1, a.d) + a.ms);
        const got = cycleStart(anchor, { interval, intervalCount: count }, cycle);
        expect(ymd(got)).toEqual(oracle({ y: a.y, m: a.m, d: a.d }, interval, count * cycle));
        expect(got.getTime() % 86_400_000).toBe(a.ms);
      }),
      { numRuns: 2000 },
    );
  });

  it('periods follow each other without gap or overlap, and always move forward', () => {
    fc.assert(
      fc.property(anchorArb, intervalArb, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 60 }), (a, interval, count, cycle) => {
        const anchor = new Date(Date.UTC(a.y, a.m - 1, a.d) + a.ms);
        const plan = { interval, intervalCount: count };
        const one = cycleBounds(anchor, plan, cycle);
        const next = cycleBounds(anchor, plan, cycle + 1);
        expect(one.end.getTime()).toBe(next.start.getTime());
        expect(one.end.getTime()).toBeGreaterThan(one.start.getTime());
      }),
    );
  });

  it('keeps the anchor day: 31 Jan → 28 Feb → 31 Mar → 30 Apr → 31 May, and 29 Feb in leap years', () => {
    const monthly = { interval: 'month' as const, intervalCount: 1 };
    const anchor = iso('2026-01-31T09:30:00.000Z');
    expect([0, 1, 2, 3, 4].map((k) => cycleStart(anchor, monthly, k).toISOString())).toEqual([
      '2026-01-31T09:30:00.000Z',
      '2026-02-28T09:30:00.000Z',
      '2026-03-31T09:30:00.000Z',
      '2026-04-30T09:30:00.000Z',
      '2026-05-31T09:30:00.000Z',
    ]);
    expect(cycleStart(iso('2028-01-31T00:00:00.000Z'), monthly, 1).toISOString()).toBe('2028-02-29T00:00:00.000Z');
    const yearly = { interval: 'year' as const, intervalCount: 1 };
    const leapDay = iso('2024-02-29T12:00:00.000Z');
    expect([1, 2, 3, 4, 8].map((k) => cycleStart(leapDay, yearly, k).toISOString().slice(0, 10))).toEqual([
      '2025-02-28',
      '2026-02-28',
      '2027-02-28',
      '2028-02-29',
      '2032-02-29',
    ]);
    // 2100 is not a leap year.
    expect(cycleStart(iso('2096-02-29T00:00:00.000Z'), { interval: 'year', intervalCount: 4 }, 1).toISOString().slice(0, 10)).toBe('2100-02-28');
    expect(cycleStart(iso('2096-02-29T00:00:00.000Z'), { interval: 'year', intervalCount: 4 }, 2).toISOString().slice(0, 10)).toBe('2104-02-29');
  });

  it('counts quarters, fortnights and days, across year ends', () => {
    expect(addInterval(iso('2026-11-30T00:00:00.000Z'), 'month', 3).toISOString().slice(0, 10)).toBe('2027-02-28');
    expect(addInterval(iso('2026-12-25T00:00:00.000Z'), 'week', 2).toISOString().slice(0, 10)).toBe('2027-01-08');
    expect(addInterval(iso('2028-02-28T00:00:00.000Z'), 'day', 1).toISOString().slice(0, 10)).toBe('2028-02-29');
    expect(addInterval(iso('2026-08-31T00:00:00.000Z'), 'month', 18).toISOString().slice(0, 10)).toBe('2028-02-29');
  });
});
