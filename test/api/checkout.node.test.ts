import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../server/merchants/seed.ts';
import { seedSteps } from '../../server/seed-steps.ts';
import { nodeHarness } from '../harness/node.ts';
import { client } from '../harness/types.ts';
import { CARDS, card, checkoutSuite, counts, followLink, formFields, hides, offerBodies, openCheckout, postCheckout, shows } from './checkout.suite.ts';

checkoutSuite(nodeHarness);

const HOUR = 60 * 60 * 1000;

// What needs the clock or the database itself: Node only.
describe('checkout on Node: expiry, outbox events, the demo merchant', () => {
  let h: Awaited<ReturnType<typeof nodeHarness>>;
  let offset = 0;
  beforeAll(async () => {
    h = await nodeHarness({ clock: () => new Date(Date.now() + offset) });
  });
  afterAll(async () => h?.close());

  const shop = async () => {
    offset = 0;
    const merchant = await h.merchant();
    const api = client(h, merchant.secretKey);
    for (const body of Object.values(offerBodies)) expect((await api('POST', '/v1/offers', body)).status).toBe(201);
    return { merchant, api };
  };
  const events = (merchantId: string) =>
    h.deps.db.all<{ type: string; data: string }>('SELECT type, data FROM events WHERE merchant_id = ? ORDER BY rowid', [merchantId]);

  it('shows a 410 page with a way back once a session has expired, and completes nothing', async () => {
    const { api } = await shop();
    const s = (await api('POST', '/v1/checkout_sessions', { offer: 'pro-monthly', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/back' })).body;
    const page = await openCheckout(h, s.id);
    offset = 23 * HOUR;
    expect((await openCheckout(h, s.id)).status).toBe(200);
    offset = 24 * HOUR + 1000;
    const expired = await openCheckout(h, s.id);
    expect(expired.status).toBe(410);
    shows(expired.html, 'This checkout link has expired');
    shows(expired.html, 'href="https://shop.example/back"');
    hides(expired.html, 'name="card_number"');
    hides(expired.html, /Error|at .*\.ts/);
    expect((await api('GET', `/v1/checkout_sessions/${s.id}`)).body.status).toBe('expired');

    const late = await postCheckout(h, `/checkout/${s.id}`, { csrf: page.csrf, ...formFields('late@example.com') });
    expect(late.status).toBe(410);
    shows(late.html, 'This checkout link has expired');
    expect(await counts(api)).toEqual({ customers: 0, subscriptions: 0 });
    const fr = await openCheckout(h, s.id, { headers: { 'Accept-Language': 'fr' } });
    expect(fr.status).toBe(410);
    shows(fr.html, 'Ce lien de paiement a expiré');
  });

  it('writes the completion and its events in one go: customer, payment method, subscription, session', async () => {
    const { merchant, api } = await shop();
    const s = (await api('POST', '/v1/checkout_sessions', { offer: 'basic-monthly', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/back' })).body;
    const page = await openCheckout(h, s.id);
    expect((await postCheckout(h, `/checkout/${s.id}`, { csrf: page.csrf, ...formFields('events@example.com') })).status).toBe(303);
    const done = (await api('GET', `/v1/checkout_sessions/${s.id}`)).body;
    const types = (await events(merchant.id)).map((e) => e.type);
    // basic-monthly has no trial: its €9.00 were charged first, and the paid first invoice is part of the same write.
    expect(types).toEqual([
      'customer.created',
      'customer.payment_method.updated',
      'subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'checkout_session.completed',
    ]);
    const invoices = await h.deps.db.all<{ id: string; status: string; total: number; number: string | null; subscription_id: string }>(
      'SELECT id, status, total, number, subscription_id FROM invoices WHERE customer_id = ?',
      [done.customer],
    );
    expect(invoices).toEqual([{ id: expect.stringMatching(/^in_/), status: 'paid', total: 900, number: expect.stringMatching(/-\d{4}-000001$/), subscription_id: done.subscription }]);
    const payments = await h.deps.db.all<{ status: string; amount: number }>('SELECT status, amount FROM invoice_payments WHERE invoice_id = ?', [invoices[0]!.id]);
    expect(payments).toEqual([{ status: 'succeeded', amount: 900 }]);
    const completed = (await events(merchant.id)).at(-1);
    expect(JSON.parse(completed?.data ?? '{}')).toMatchObject({ id: s.id, status: 'complete', customer: done.customer, subscription: done.subscription });
    const raw = JSON.stringify(await h.deps.db.all('SELECT * FROM customers WHERE id = ?', [done.customer]));
    expect(raw).not.toContain('4242424242424242');
  });

  it('records customer.grey_listed (event and activity) when an existing customer is grey-listed', async () => {
    const { merchant, api } = await shop();
    const customer = (await api('POST', '/v1/customers', { reference: 'grey-1', email: 'grey@example.com' })).body;
    const s = (await api('POST', '/v1/checkout_sessions', { offer: 'pro-monthly', customer_reference: 'grey-1', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/back' })).body;
    const page = await openCheckout(h, s.id);
    for (let i = 0; i < 5; i++) await postCheckout(h, `/checkout/${s.id}`, { csrf: page.csrf, ...formFields('grey@example.com', card(CARDS.declined)) });
    expect((await api('GET', `/v1/customers/${customer.id}`)).body.grey_listed).toBe(true);
    const listed = (await events(merchant.id)).filter((e) => e.type === 'customer.grey_listed');
    expect(listed).toHaveLength(1);
    expect(JSON.parse(listed[0]?.data ?? '{}')).toMatchObject({ id: customer.id, grey_listed: true });
    const activity = await h.deps.db.all<{ type: string }>('SELECT type FROM activity WHERE customer_id = ? ORDER BY seq', [customer.id]);
    expect(activity.map((a) => a.type)).toContain('customer.grey_listed');
  });

  it('the demo merchant’s shareable link /subscribe/demo/pro-monthly opens a checkout for the seeded offer', async () => {
    const seeded = await seedDemo(h.deps, seedSteps);
    expect(seeded).toBeUndefined(); // merchants already exist in this database: the demo is only for empty ones
    const fresh = await nodeHarness();
    try {
      const demo = await seedDemo(fresh.deps, seedSteps);
      expect(demo?.secretKey).toMatch(/^porte_sk_test_/);
      const { location } = await followLink(fresh, '/subscribe/demo/pro-monthly');
      const id = /^\/checkout\/(cs_\w+)$/.exec(location)?.[1] ?? '';
      const page = await openCheckout(fresh, id);
      expect(page.status).toBe(200);
      shows(page.html, 'Demo Shop');
      shows(page.html, '14-day free trial');
      const s = await client(fresh, demo?.secretKey ?? '')('GET', `/v1/checkout_sessions/${id}`);
      expect(s.body).toMatchObject({ status: 'open', success_url: 'http://porte.test/checkout/thanks?locale=en' });
    } finally {
      await fresh.close();
    }
  });
});
