import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Harness, HarnessFactory } from '../harness/types.ts';
import { advance, all, BILLING_CARDS, billingShop, offer, plusDays, plusMonths, subscribe } from './billing-helpers.ts';

/**
 * A year of billing for 200 subscriptions on mixed test cards, through the test clock: every
 * expected invoice exists once, numbers are gapless, totals match a computation made here with
 * an independent calendar (billing-helpers' plusMonths), not the engine's.
 */
export function billingYearSuite(factory: HarnessFactory): void {
  let h: Harness;
  beforeAll(async () => {
    h = await factory();
  });
  afterAll(async () => h?.close());

  it('bills 200 subscriptions for a year: each period once, gapless numbers, the right totals', { timeout: 900_000 }, async () => {
    const { api } = await billingShop(h);
    const plans = [
      { id: await offer(api, { reference: 'monthly', name: 'Monthly', recurring: { amount: 2900, interval: 'month' }, trial: { days: 14 } }), months: 1, amount: 2900 },
      { id: await offer(api, { reference: 'quarterly', name: 'Quarterly', recurring: { amount: 7900, interval: 'month', interval_count: 3 }, trial: { days: 14 } }), months: 3, amount: 7900 },
      { id: await offer(api, { reference: 'yearly', name: 'Yearly', recurring: { amount: 29000, interval: 'year' }, trial: { days: 14 } }), months: 12, amount: 29000 },
    ];
    const cards = [BILLING_CARDS.ok, BILLING_CARDS.ok, BILLING_CARDS.authAtSetup, BILLING_CARDS.ok, BILLING_CARDS.insufficient, BILLING_CARDS.declined, BILLING_CARDS.authEveryTime, BILLING_CARDS.lost];
    // Trials ending on 31 January: the anchor day every month-end clamp must come back to.
    await advance(api, '2027-01-17T10:00:00.000Z');
    const subs: { id: string; plan: (typeof plans)[number]; card: string }[] = [];
    for (let i = 0; i < 200; i++) {
      const plan = plans[i % 7 === 0 ? 2 : i % 3 === 0 ? 1 : 0] as (typeof plans)[number];
      const card = cards[i % cards.length] as string;
      subs.push({ id: (await subscribe(h, api, plan.id, card, `year-${i}@example.com`)).subscription, plan, card });
    }
    const end = '2028-01-20T00:00:00.000Z';
    await advance(api, '2027-07-01T00:00:00.000Z');
    await advance(api, end);

    const invoices = await all(api, '/v1/invoices');
    const good = new Set<string>([BILLING_CARDS.ok, BILLING_CARDS.authAtSetup]);
    let expectedCount = 0;
    let expectedPaid = 0;
    for (const s of subs) {
      const sub = (await api('GET', `/v1/subscriptions/${s.id}`)).body;
      const mine = invoices.filter((i) => i.subscription === s.id);
      const starts = mine.map((i) => i.lines[0].period_start).sort();
      expect(new Set(starts).size, s.id).toBe(starts.length);
      if (good.has(s.card)) {
        const expected: string[] = [];
        for (let k = 0; plusMonths(sub.trial_end, k * s.plan.months) <= end; k++) expected.push(plusMonths(sub.trial_end, k * s.plan.months));
        expect(starts, `${s.id} on ${s.card}`).toEqual(expected);
        expect(mine.every((i) => i.status === 'paid' && i.total === s.plan.amount && i.amount_paid === s.plan.amount)).toBe(true);
        expect(sub.status).toBe('active');
        expectedCount += expected.length;
        expectedPaid += expected.length * s.plan.amount;
      } else {
        // Dunning ended a week after the first failure: one invoice, uncollectible, subscription canceled.
        expect(mine.map((i) => [i.lines[0].period_start, i.status]), `${s.id} on ${s.card}`).toEqual([[sub.trial_end, 'uncollectible']]);
        expect(sub.status).toBe('canceled');
        // The test clock runs what falls due within the same minute together: at most a minute late per step.
        expect(Date.parse(sub.canceled_at) - Date.parse(plusDays(sub.trial_end, 7))).toBeGreaterThanOrEqual(0);
        expect(Date.parse(sub.canceled_at) - Date.parse(plusDays(sub.trial_end, 7))).toBeLessThan(180_000);
        const attempts = s.card === BILLING_CARDS.insufficient || s.card === BILLING_CARDS.declined ? 5 : 1;
        expect(mine[0].attempt_count, `${s.id} on ${s.card}`).toBe(attempts);
        expectedCount += 1;
      }
    }
    expect(invoices).toHaveLength(expectedCount);
    expect(invoices.reduce((sum, i) => sum + i.amount_paid, 0)).toBe(expectedPaid);
    const numbers = invoices.map((i) => Number(/-(\d{6,})$/.exec(i.number)?.[1])).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: expectedCount }, (_, k) => k + 1));
    // Finalized in 2027 (the year in the number is the year of finalization).
    expect(invoices.every((i) => /-2027-\d{6}$/.test(i.number))).toBe(true);
  });
}
