import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../server/db/port.ts';
import { publicPricingTable } from '../../server/pricing-tables/service.ts';
import { seedDemoOffers, seedSteps } from '../../server/seed-steps.ts';
import { nodeHarness } from '../harness/node.ts';
import { client } from '../harness/types.ts';
import { offerBody, offersSuite } from './offers.suite.ts';

offersSuite(nodeHarness);

// What needs the database directly (seed step, widget helper, subscriptions): Node only.
describe('offers on Node: seed, public pricing table, frozen prices', () => {
  let h: Awaited<ReturnType<typeof nodeHarness>>;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(async () => h?.close());

  it('seeds the demo offers and the default pricing table with pro-monthly highlighted', async () => {
    expect(seedSteps).toContain(seedDemoOffers);
    const merchant = await h.merchant();
    await seedDemoOffers(h.deps, merchant.id);
    const api = client(h, merchant.secretKey);
    const offers = (await api('GET', '/v1/offers')).body.data as { reference: string; currency: string; visible: boolean }[];
    expect(offers.map((o) => o.reference).sort()).toEqual(['basic-monthly', 'business-yearly', 'pro-monthly']);
    expect(offers.every((o) => o.currency === 'EUR' && o.visible)).toBe(true);
    expect((await api('GET', '/v1/offers/basic-monthly')).body).toMatchObject({ amount_upfront: 0, recurring: { amount: 900, interval: 'month', interval_count: 1 }, trial: { days: 0 } });
    expect((await api('GET', '/v1/offers/pro-monthly')).body).toMatchObject({ recurring: { amount: 2900, interval: 'month' }, trial: { days: 14, amount: 0 } });
    expect((await api('GET', '/v1/offers/business-yearly')).body).toMatchObject({ amount_upfront: 4900, recurring: { amount: 29000, interval: 'year' } });
    for (const o of offers) expect((await api('GET', `/v1/offers/${o.reference}`)).body.features.length).toBeGreaterThan(0);
    expect((await api('GET', '/v1/pricing_tables/default')).body).toEqual({
      object: 'pricing_table',
      reference: 'default',
      offers: ['basic-monthly', 'pro-monthly', 'business-yearly'],
      highlighted: 'pro-monthly',
    });
  });

  it('publicPricingTable gives visible offers in table order, and drops a hidden highlight', async () => {
    const merchant = await h.merchant();
    const api = client(h, merchant.secretKey);
    for (const ref of ['a', 'b', 'c']) await api('POST', '/v1/offers', offerBody(ref));
    await api('POST', '/v1/pricing_tables', { reference: 'grid', offers: ['c', 'a', 'b'], highlighted: 'a' });
    const shown = await publicPricingTable(h.deps.db, merchant.id, 'grid');
    expect(shown?.offers.map((o) => o.reference)).toEqual(['c', 'a', 'b']);
    // The API's offer, plus the grid's VAT label (none: this merchant has no VAT set-up).
    expect(shown?.offers[0]).toEqual({ ...(await api('GET', '/v1/offers/c')).body, tax_label: null });
    expect(shown?.highlighted).toBe('a');

    await api('PATCH', '/v1/offers/a', { visible: false });
    const hidden = await publicPricingTable(h.deps.db, merchant.id, 'grid');
    expect(hidden?.offers.map((o) => o.reference)).toEqual(['c', 'b']);
    expect(hidden?.highlighted).toBeUndefined();
    expect(await publicPricingTable(h.deps.db, merchant.id, 'nope')).toBeUndefined();
    expect(await publicPricingTable(h.deps.db, (await h.merchant()).id, 'grid')).toBeUndefined();
  });

  it('freezes the price of an offer with subscriptions (409) but lets the rest change', async () => {
    const merchant = await h.merchant();
    const api = client(h, merchant.secretKey);
    const { body: offer } = await api('POST', '/v1/offers', offerBody('sold', { trial: { days: 7, amount: 100 } }));
    const now = new Date().toISOString();
    await h.deps.db.batch([
      sql(
        `INSERT INTO subscriptions (id, merchant_id, customer_id, offer_id, status, current_period_start, current_period_end, billing_anchor, created_at, updated_at)
         VALUES ('sub_test', ?, 'cus_test', ?, 'canceled', ?, ?, ?, ?, ?)`,
        merchant.id, offer.id, now, now, now, now, now,
      ),
    ]);
    const price: [Record<string, unknown>, string][] = [
      [{ currency: 'USD' }, 'currency'],
      [{ amount_upfront: 1 }, 'amount_upfront'],
      [{ recurring: { amount: 901, interval: 'month' } }, 'recurring'],
      [{ recurring: { amount: 900, interval: 'month', interval_count: 2 } }, 'recurring'],
      [{ trial: { days: 7, amount: 0 } }, 'trial.amount'],
    ];
    for (const [patch, param] of price) {
      const res = await api('PATCH', `/v1/offers/${offer.id}`, patch);
      expect({ patch, status: res.status, code: res.body.error?.code, param: res.body.error?.param }).toEqual({ patch, status: 409, code: 'offer_in_use', param });
    }
    expect((await api('GET', `/v1/offers/${offer.id}`)).body).toEqual(offer);

    // Same price restated, plus marketing fields: allowed.
    const ok = await api('PATCH', `/v1/offers/${offer.id}`, {
      name: 'Sold out', visible: false, features: ['Legacy'], trial: { days: 30, amount: 100 }, currency: 'eur', recurring: { amount: 900, interval: 'month' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'Sold out', visible: false, features: ['Legacy'], trial: { days: 30, amount: 100 }, currency: 'EUR' });
  });
});
