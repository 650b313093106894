/**
 * "Due today" at checkout with the test gateway, on both runtimes: charged before anything exists
 * (synchronously), then written with the customer and subscription as a numbered paid invoice.
 * Amounts are the offers' own figures, recomputed here: setup fee + first period, or the trial's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/port.ts';
import { client, type HarnessFactory } from '../harness/types.ts';
import { card, counts, formFields, openCheckout, postCheckout } from './checkout.suite.ts';

export function firstPaymentSuite(makeHarness: HarnessFactory): void {
  describe(`first payment at checkout, test gateway (${makeHarness.name})`, () => {
    let h: Awaited<ReturnType<HarnessFactory>>;
    let api: ReturnType<typeof client>;
    beforeAll(async () => {
      h = await makeHarness();
      api = client(h, (await h.merchant()).secretKey);
      const offers = [
        { reference: 'plain', name: 'Plain', currency: 'EUR', recurring: { amount: 900, interval: 'month' } },
        { reference: 'setup', name: 'Setup', currency: 'EUR', amount_upfront: 4900, recurring: { amount: 29000, interval: 'year' } },
        { reference: 'free-trial', name: 'Free trial', currency: 'EUR', recurring: { amount: 2900, interval: 'month' }, trial: { days: 14 } },
        { reference: 'paid-trial', name: 'Paid trial', currency: 'EUR', amount_upfront: 1000, recurring: { amount: 2900, interval: 'month' }, trial: { days: 7, amount: 100 } },
      ];
      for (const o of offers) expect((await api('POST', '/v1/offers', o)).status).toBe(201);
    });
    afterAll(async () => h?.close());

    async function checkout(offer: string, email: string, payment = card('4242 4242 4242 4242')) {
      const s = (await api('POST', '/v1/checkout_sessions', { offer, success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/no' })).body;
      const page = await openCheckout(h, s.id);
      return { id: s.id as string, csrf: page.csrf, res: await postCheckout(h, `/checkout/${s.id}`, { csrf: page.csrf, ...formFields(email, payment) }) };
    }
    type Inv = { id: string; status: string; total: number; amount_paid: number; number: string | null; lines: { amount: number }[] };
    /**
     * The subscription through the API; its invoices from the database where the harness exposes
     * it (Node), else only what the subscription says (`latest_invoice`): workerd's D1 is reached
     * through the app alone, and the invoices API is the billing engine's.
     */
    const invoicesOf = async (sessionId: string): Promise<{ sub: { id: string; status: string; latest_invoice: string | null }; invoices: Inv[] | null }> => {
      const s = (await api('GET', `/v1/checkout_sessions/${sessionId}`)).body;
      const sub = (await api('GET', `/v1/subscriptions/${s.subscription}`)).body;
      const db = (h as { deps?: { db: Database } }).deps?.db;
      if (!db) return { sub, invoices: null };
      const rows = await db.all<Omit<Inv, 'lines'>>('SELECT id, status, total, amount_paid, number FROM invoices WHERE customer_id = ? ORDER BY seq', [s.customer]);
      const invoices: Inv[] = [];
      for (const r of rows) invoices.push({ ...r, lines: await db.all<{ amount: number }>('SELECT amount FROM invoice_lines WHERE invoice_id = ? ORDER BY position', [r.id]) });
      return { sub, invoices };
    };

    it('charges setup fee + first year (€49 + €290) and writes the paid, numbered invoice with the subscription', async () => {
      const { id, res } = await checkout('setup', 'setup@example.com');
      expect(res.status).toBe(303);
      const { sub, invoices } = await invoicesOf(id);
      expect(sub.status).toBe('active');
      expect(sub.latest_invoice).toMatch(/^in_/);
      if (invoices) {
        expect(invoices).toHaveLength(1);
        expect(invoices[0]).toMatchObject({ id: sub.latest_invoice, status: 'paid', total: 4900 + 29000, amount_paid: 4900 + 29000, number: expect.stringMatching(/-\d{4}-\d{6}$/) });
        expect(invoices[0]!.lines.map((l) => l.amount)).toEqual([4900, 29000]);
      }
    });

    it('a paid trial charges the setup fee and the trial price; a free trial charges nothing and has no invoice', async () => {
      const paid = await checkout('paid-trial', 'paid-trial@example.com');
      expect(paid.res.status).toBe(303);
      const p = await invoicesOf(paid.id);
      expect(p.sub.status).toBe('trialing');
      expect(p.sub.latest_invoice).toMatch(/^in_/);
      if (p.invoices) expect(p.invoices.map((i) => [i.status, i.total])).toEqual([['paid', 1000 + 100]]);
      const free = await checkout('free-trial', 'free-trial@example.com');
      expect(free.res.status).toBe(303);
      const f = await invoicesOf(free.id);
      expect([f.sub.status, f.sub.latest_invoice]).toEqual(['trialing', null]);
      if (f.invoices) expect(f.invoices).toEqual([]);
    });

    it('a card that saves fine but declines charges (0341) is refused at checkout: nothing is created', async () => {
      const before = await counts(api);
      const { id, res } = await checkout('plain', 'declines@example.com', card('4000 0000 0000 0341'));
      expect(res.status).toBe(422);
      expect(await counts(api)).toEqual(before);
      expect((await api('GET', `/v1/checkout_sessions/${id}`)).body.status).toBe('open');
    });

    it('4000 0027 6000 3184: the 3-D Secure challenge approved pays the first invoice', async () => {
      const { id, csrf, res } = await checkout('plain', 'challenge-pay@example.com', card('4000 0027 6000 3184'));
      expect(res.status).toBe(303);
      expect((await postCheckout(h, `/checkout/${id}/challenge`, { csrf, outcome: 'approved' })).status).toBe(303);
      const { sub, invoices } = await invoicesOf(id);
      expect([sub.status, typeof sub.latest_invoice]).toEqual(['active', 'string']);
      if (invoices) expect(invoices.map((i) => [i.status, i.total])).toEqual([['paid', 900]]);
    });

    it('a submission retried after completion charges nothing more', async () => {
      const { id, csrf, res } = await checkout('plain', 'twice@example.com');
      expect(res.status).toBe(303);
      expect((await postCheckout(h, `/checkout/${id}`, { csrf, ...formFields('twice@example.com') })).status).toBe(303);
      const { sub, invoices } = await invoicesOf(id);
      if (invoices) expect(invoices).toHaveLength(1);
      const customer = (await api('GET', `/v1/checkout_sessions/${id}`)).body.customer;
      expect((await api('GET', `/v1/subscriptions?customer=${customer}`)).body.data.map((x: { id: string }) => x.id)).toEqual([sub.id]);
    });
  });
}
