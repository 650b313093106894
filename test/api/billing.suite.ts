import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness, HarnessFactory } from '../harness/types.ts';
import { card, postCheckout } from './checkout.suite.ts';
import { link, openPortal, postPortal } from './portal.suite.ts';
import { advance, all, BILLING_CARDS, billingShop, offer, plusDays, plusMonths, subscribe } from './billing-helpers.ts';

/** The billing engine through the API, driven by the test clock: the same on Node and workerd. */
export function billingSuite(factory: HarnessFactory): void {
  let h: Harness;
  beforeAll(async () => {
    h = await factory();
  });
  afterAll(async () => h?.close());

  describe('test clock', () => {
    it('reads, moves forward only, answers 400 naming `to` when asked to go back, 404 in live', async () => {
      const { api } = await billingShop(h);
      const before = await api('GET', '/v1/test_clock');
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({ object: 'test_clock', status: 'ready' });
      expect(Math.abs(Date.parse(before.body.now) - Date.now())).toBeLessThan(60_000);
      const to = plusDays(before.body.now, 40);
      await advance(api, to);
      const after = await api('GET', '/v1/test_clock');
      expect(Date.parse(after.body.now)).toBeGreaterThanOrEqual(Date.parse(to));
      for (const body of [{ to: before.body.now }, { to: 'next tuesday' }, {}]) {
        const res = await api('POST', '/v1/test_clock/advance', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.param).toBe('to');
      }
      expect(Date.parse((await api('GET', '/v1/test_clock')).body.now)).toBeLessThan(Date.parse(to) + 60_000);
      const live = await billingShop(h, 'live');
      expect((await live.api('GET', '/v1/test_clock')).status).toBe(404);
      expect((await live.api('POST', '/v1/test_clock/advance', { to })).status).toBe(404);
    });
  });

  describe('renewals and dunning', () => {
    it('bills the trial end and every month on the anchor day, each period once, paid by a good card', async () => {
      const { api } = await billingShop(h);
      const pro = await offer(api, { reference: 'pro', name: 'Pro', recurring: { amount: 2900, interval: 'month' }, trial: { days: 14 } });
      const { subscription } = await subscribe(h, api, pro, BILLING_CARDS.ok, 'good@example.com');
      const sub = (await api('GET', `/v1/subscriptions/${subscription}`)).body;
      expect(sub).toMatchObject({ status: 'trialing', collection_method: 'charge_automatically', latest_invoice: null });
      const trialEnd: string = sub.trial_end;
      await advance(api, plusDays(trialEnd, 1));
      let invoices = await all(api, `/v1/invoices?subscription=${subscription}`);
      expect(invoices).toHaveLength(1);
      expect(invoices[0]).toMatchObject({ status: 'paid', total: 2900, amount_paid: 2900, amount_due: 0, currency: 'EUR', attempt_count: 1, subscription, billing_reason: 'trial_end' });
      expect(invoices[0].lines).toEqual([expect.objectContaining({ period_start: trialEnd, period_end: plusMonths(trialEnd, 1), amount: 2900, quantity: 1, unit_amount: 2900 })]);
      expect(invoices[0].number).toMatch(/^M[A-Z0-9]*-\d{4}-000001$/);
      // Three more months, one call: each renewal at its own time.
      await advance(api, plusDays(plusMonths(trialEnd, 3), 1));
      invoices = await all(api, `/v1/invoices?subscription=${subscription}`);
      expect(invoices.map((i) => i.lines[0].period_start).sort()).toEqual([0, 1, 2, 3].map((k) => plusMonths(trialEnd, k)));
      expect(invoices.every((i) => i.status === 'paid')).toBe(true);
      expect(invoices.map((i) => i.number.slice(-6)).sort()).toEqual(['000001', '000002', '000003', '000004']);
      const after = (await api('GET', `/v1/subscriptions/${subscription}`)).body;
      expect(after).toMatchObject({ status: 'active', current_period_start: plusMonths(trialEnd, 3), current_period_end: plusMonths(trialEnd, 4) });
      expect(after.latest_invoice).toBe(invoices.find((i) => i.lines[0].period_start === plusMonths(trialEnd, 3))?.id);
    });

    it('retries a declined renewal on days +1, +3, +5, +7, past due meanwhile, then cancels and marks it uncollectible', async () => {
      const { api } = await billingShop(h);
      const pro = await offer(api, { reference: 'pro', name: 'Pro', recurring: { amount: 2900, interval: 'month' }, trial: { days: 14 } });
      const { subscription } = await subscribe(h, api, pro, BILLING_CARDS.insufficient, 'broke@example.com');
      const trialEnd: string = (await api('GET', `/v1/subscriptions/${subscription}`)).body.trial_end;
      await advance(api, plusDays(trialEnd, 0));
      const [inv] = await all(api, `/v1/invoices?subscription=${subscription}`);
      expect(inv).toMatchObject({ status: 'open', payment_status: 'failed', attempt_count: 1 });
      // The first retry is a day after the first failure (which came right after finalization).
      const firstFailure = plusDays(inv.next_payment_attempt, -1);
      expect(Date.parse(firstFailure) - Date.parse(inv.finalized_at)).toBeGreaterThanOrEqual(0);
      expect(Date.parse(firstFailure) - Date.parse(inv.finalized_at)).toBeLessThan(5000);
      expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.status).toBe('past_due');
      for (const [day, attempts] of [[1, 2], [3, 3], [5, 4]] as const) {
        await advance(api, plusDays(firstFailure, day));
        const now = (await api('GET', `/v1/invoices/${inv.id}`)).body;
        expect(now, `day +${day}`).toMatchObject({ status: 'open', attempt_count: attempts });
        expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.status).toBe('past_due');
      }
      await advance(api, plusDays(firstFailure, 7));
      expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'uncollectible', attempt_count: 5, next_payment_attempt: null });
      expect((await api('GET', `/v1/subscriptions/${subscription}`)).body).toMatchObject({ status: 'canceled' });
      // Nothing more is billed for a canceled subscription.
      await advance(api, plusMonths(trialEnd, 2));
      expect(await all(api, `/v1/invoices?subscription=${subscription}`)).toHaveLength(1);
    });

    it('recovers mid-dunning when the customer saves a new card in the portal: charged at once, active again', async () => {
      const { api } = await billingShop(h);
      const pro = await offer(api, { reference: 'pro', name: 'Pro', recurring: { amount: 2900, interval: 'month' }, trial: { days: 14 } });
      const { customer, subscription } = await subscribe(h, api, pro, BILLING_CARDS.insufficient, 'recover@example.com');
      const trialEnd: string = (await api('GET', `/v1/subscriptions/${subscription}`)).body.trial_end;
      await advance(api, plusDays(trialEnd, 2));
      const [inv] = await all(api, `/v1/invoices?subscription=${subscription}`);
      expect(inv).toMatchObject({ status: 'open', attempt_count: 2 });
      expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.status).toBe('past_due');
      const portal = await link(api, customer);
      const page = await openPortal(h, portal.url);
      const saved = await postPortal(h, portal.url, '/payment_method', { csrf: page.csrf('payment_method'), ...card(BILLING_CARDS.ok) });
      expect(saved.status).toBe(303);
      expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'paid', attempt_count: 3, amount_paid: 2900, next_payment_attempt: null });
      expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.status).toBe('active');
      // The rest of the schedule is gone; the next month is billed to the new card.
      await advance(api, plusDays(plusMonths(trialEnd, 1), 1));
      expect((await api('GET', `/v1/invoices/${inv.id}`)).body.attempt_count).toBe(3);
      expect((await all(api, `/v1/invoices?subscription=${subscription}`)).map((i) => i.status)).toEqual(['paid', 'paid']);
    });

    it('does not retry a hard decline (lost card): one attempt, then the policy on day +7', async () => {
      const { api } = await billingShop(h);
      const pro = await offer(api, { reference: 'pro', name: 'Pro', recurring: { amount: 1500, interval: 'month' }, trial: { days: 3 } });
      const { subscription } = await subscribe(h, api, pro, BILLING_CARDS.lost, 'lost@example.com');
      const trialEnd: string = (await api('GET', `/v1/subscriptions/${subscription}`)).body.trial_end;
      await advance(api, plusDays(trialEnd, 6));
      const [inv] = await all(api, `/v1/invoices?subscription=${subscription}`);
      expect(inv).toMatchObject({ status: 'open', attempt_count: 1, payment_status: 'failed' });
      await advance(api, plusDays(trialEnd, 8));
      expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'uncollectible', attempt_count: 1 });
      expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.status).toBe('canceled');
    });

    it('asks the customer to authenticate (invoice.payment_action_required) with a hosted invoice link', async () => {
      const { api } = await billingShop(h);
      const hook = await api('POST', '/v1/webhook_endpoints', { url: 'https://hooks.example/porte', events: ['invoice.payment_action_required', 'invoice.finalized'] });
      expect(hook.status).toBe(201);
      const pro = await offer(api, { reference: 'pro', name: 'Pro', recurring: { amount: 1500, interval: 'month' }, trial: { days: 3 } });
      const { subscription } = await subscribe(h, api, pro, BILLING_CARDS.authEveryTime, 'sca@example.com');
      const trialEnd: string = (await api('GET', `/v1/subscriptions/${subscription}`)).body.trial_end;
      await advance(api, plusDays(trialEnd, 0));
      const [inv] = await all(api, `/v1/invoices?subscription=${subscription}`);
      expect(inv).toMatchObject({ status: 'open', payment_status: 'requires_action' });
      expect(inv.hosted_invoice_url).toMatch(/^http:\/\/porte\.test\/invoice\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
      const deliveries = await api('GET', `/v1/webhook_endpoints/${hook.body.id}/deliveries`);
      expect(deliveries.status).toBe(200);
      const types = deliveries.body.data.map((d: { event_type?: string; type?: string }) => d.event_type ?? d.type);
      expect(types).toContain('invoice.payment_action_required');
      expect(types).toContain('invoice.finalized');

      // The hosted invoice page shows the invoice and completes the payment with 3-D Secure.
      const path = new URL(inv.hosted_invoice_url).pathname;
      const tampered = await h.request(`${path.slice(0, -3)}AAA`);
      expect(tampered.status).toBe(404);
      const res = await h.request(`${path}?locale=fr`);
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Security-Policy')).toMatch(/nonce-/);
      const html = await res.text();
      expect(html).toContain(inv.number);
      expect(html).toContain('Approuver');
      const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
      expect((await postCheckout(h, `${path}/challenge`, { csrf: 'x'.repeat(43), outcome: 'approved' })).status).toBe(403);
      const approved = await postCheckout(h, `${path}/challenge`, { csrf, outcome: 'approved' });
      expect(approved.status).toBe(303);
      expect(approved.location).toContain('done=paid');
      expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'paid', amount_paid: 1500, attempt_count: 1 });
      expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.status).toBe('active');
      const receipt = await (await h.request(path)).text();
      expect(receipt).toContain('Paid on');
      expect(receipt).not.toContain('name="csrf"');
    });

    it('the card that asks for 3-D Secure at setup only renews without asking', async () => {
      const { api } = await billingShop(h);
      const pro = await offer(api, { reference: 'pro', name: 'Pro', recurring: { amount: 1500, interval: 'month' }, trial: { days: 3 } });
      const { subscription } = await subscribe(h, api, pro, BILLING_CARDS.authAtSetup, 'once@example.com');
      const trialEnd: string = (await api('GET', `/v1/subscriptions/${subscription}`)).body.trial_end;
      await advance(api, plusDays(trialEnd, 1));
      expect((await all(api, `/v1/invoices?subscription=${subscription}`)).map((i) => i.status)).toEqual(['paid']);
    });

    it('ends a subscription set to cancel at period end without billing it, and resume undoes the cancellation', async () => {
      const { api } = await billingShop(h);
      const pro = await offer(api, { reference: 'pro', name: 'Pro', recurring: { amount: 1500, interval: 'month' }, trial: { days: 3 } });
      const a = await subscribe(h, api, pro, BILLING_CARDS.ok, 'leaving@example.com');
      const b = await subscribe(h, api, pro, BILLING_CARDS.ok, 'staying@example.com');
      expect((await api('POST', `/v1/subscriptions/${a.subscription}/cancel`, {})).body).toMatchObject({ cancel_at_period_end: true, status: 'trialing' });
      expect((await api('POST', `/v1/subscriptions/${b.subscription}/cancel`, { at_period_end: true })).status).toBe(200);
      expect((await api('POST', `/v1/subscriptions/${b.subscription}/resume`)).body).toMatchObject({ cancel_at_period_end: false });
      const trialEnd: string = (await api('GET', `/v1/subscriptions/${a.subscription}`)).body.trial_end;
      await advance(api, plusDays(trialEnd, 1));
      expect((await api('GET', `/v1/subscriptions/${a.subscription}`)).body).toMatchObject({ status: 'canceled', canceled_at: trialEnd });
      expect(await all(api, `/v1/invoices?subscription=${a.subscription}`)).toHaveLength(0);
      expect((await all(api, `/v1/invoices?subscription=${b.subscription}`)).map((i) => i.status)).toEqual(['paid']);
    });
  });

  describe('invoices billed by hand', () => {
    it('send_invoice: open with a due date, flagged overdue after it, paid out of band by bank transfer', async () => {
      const { api } = await billingShop(h);
      const basic = await offer(api, { reference: 'basic', name: 'Basic', amount_upfront: 5000, recurring: { amount: 900, interval: 'month' } });
      const customer = (await api('POST', '/v1/customers', { email: 'byhand@example.com', payment_method: { type: 'bank_transfer' } })).body.id;
      const created = await api('POST', '/v1/subscriptions', { customer, offer: basic, collection_method: 'send_invoice', days_until_due: 15 });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ status: 'active', collection_method: 'send_invoice', days_until_due: 15 });
      const inv = (await api('GET', `/v1/invoices/${created.body.latest_invoice}`)).body;
      expect(inv).toMatchObject({ status: 'open', total: 5900, subtotal: 5900, tax: 0, amount_due: 5900, collection_method: 'send_invoice', next_payment_attempt: null, overdue: false });
      expect(inv.lines.map((l: { amount: number }) => l.amount)).toEqual([5000, 900]);
      expect(inv.due_date).toBe(plusDays(inv.finalized_at, 15));
      await advance(api, plusDays(inv.finalized_at, 16));
      expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'open', overdue: true });
      expect((await all(api, '/v1/invoices?status=open')).map((i) => i.id)).toContain(inv.id);
      const paid = await api('POST', `/v1/invoices/${inv.id}/pay`, { paid_out_of_band: true, method: 'bank_transfer' });
      expect(paid.status, JSON.stringify(paid.body)).toBe(200);
      expect(paid.body).toMatchObject({ status: 'paid', amount_paid: 5900, amount_due: 0, paid_out_of_band: true, payment_status: 'out_of_band', overdue: false });
      // The next month is invoiced, not charged.
      await advance(api, plusDays(plusMonths(inv.finalized_at, 1), 1));
      const next = (await all(api, `/v1/invoices?subscription=${created.body.id}`)).find((i) => i.id !== inv.id);
      expect(next).toMatchObject({ status: 'open', total: 900, attempt_count: 0, billing_reason: 'subscription_cycle' });
    });

    it('voids an open invoice with a credit note; numbering stays gapless', async () => {
      const { api } = await billingShop(h);
      const basic = await offer(api, { reference: 'basic', name: 'Basic', recurring: { amount: 900, interval: 'month' } });
      const customer = (await api('POST', '/v1/customers', { email: 'void@example.com' })).body.id;
      const numbers: string[] = [];
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const s = await api('POST', '/v1/subscriptions', { customer, offer: basic, collection_method: 'send_invoice' });
        const inv = (await api('GET', `/v1/invoices/${s.body.latest_invoice}`)).body;
        numbers.push(inv.number);
        ids.push(inv.id);
      }
      const voided = await api('POST', `/v1/invoices/${ids[1]}/void`);
      expect(voided.status).toBe(200);
      expect(voided.body).toMatchObject({ status: 'void', number: numbers[1], amount_due: 0 });
      const s = await api('POST', '/v1/subscriptions', { customer, offer: basic, collection_method: 'send_invoice' });
      numbers.push((await api('GET', `/v1/invoices/${s.body.latest_invoice}`)).body.number);
      expect(numbers.map((n) => Number(n.slice(-6)))).toEqual([1, 2, 3, 4]);
    });
  });

  describe('bad input changes nothing', () => {
    it('refuses paying a paid invoice, voiding a paid one, cancelling a canceled subscription, another merchant’s offer', async () => {
      const { api } = await billingShop(h);
      const other = await billingShop(h);
      const basic = await offer(api, { reference: 'basic', name: 'Basic', recurring: { amount: 900, interval: 'month' } });
      const foreign = await offer(other.api, { reference: 'theirs', name: 'Theirs', recurring: { amount: 100, interval: 'month' } });
      const customer = (await api('POST', '/v1/customers', { email: 'bad@example.com' })).body.id;
      const s = (await api('POST', '/v1/subscriptions', { customer, offer: basic, collection_method: 'send_invoice' })).body;
      const inv = s.latest_invoice;
      expect((await api('POST', `/v1/invoices/${inv}/pay`, { paid_out_of_band: true, method: 'check' })).status).toBe(200);
      const snapshot = JSON.stringify((await api('GET', `/v1/invoices/${inv}`)).body);
      for (const [path, body, code] of [
        [`/v1/invoices/${inv}/pay`, {}, 'invoice_already_paid'],
        [`/v1/invoices/${inv}/pay`, { paid_out_of_band: true, method: 'cash' }, 'invoice_already_paid'],
        [`/v1/invoices/${inv}/void`, undefined, 'invoice_already_paid'],
      ] as const) {
        const res = await api('POST', path, body);
        expect(res.status, path).toBe(400);
        expect(res.body.error).toMatchObject({ code, param: 'id' });
      }
      expect(JSON.stringify((await api('GET', `/v1/invoices/${inv}`)).body)).toBe(snapshot);

      expect((await api('POST', `/v1/subscriptions/${s.id}/cancel`, { at_period_end: false })).body.status).toBe('canceled');
      const again = await api('POST', `/v1/subscriptions/${s.id}/cancel`, { at_period_end: false });
      expect(again.status).toBe(400);
      expect(again.body.error).toMatchObject({ code: 'subscription_canceled', param: 'id' });
      expect((await api('POST', `/v1/subscriptions/${s.id}/resume`)).status).toBe(400);

      const before = (await all(api, '/v1/subscriptions')).length;
      for (const [body, param] of [
        [{ customer, offer: foreign, collection_method: 'send_invoice' }, 'offer'],
        [{ customer: 'cus_nope', offer: basic, collection_method: 'send_invoice' }, 'customer'],
        [{ customer, offer: basic }, 'collection_method'],
        [{ customer, offer: basic, collection_method: 'charge_automatically', days_until_due: 3 }, 'days_until_due'],
        [{ customer, offer: basic, collection_method: 'by_pigeon' }, 'collection_method'],
        [{ customer, offer: basic, trial_days: -1 }, 'trial_days'],
      ] as const) {
        const res = await api('POST', '/v1/subscriptions', body);
        expect([400, 404], JSON.stringify(body)).toContain(res.status);
        expect(res.body.error.param, JSON.stringify(body)).toBe(param);
      }
      expect(await all(api, '/v1/subscriptions')).toHaveLength(before);
      expect((await api('GET', `/v1/invoices/upcoming?subscription=${s.id}`)).status).toBe(404);
      expect((await api('GET', '/v1/invoices?status=unknown')).body.error.param).toBe('status');
    });
  });
}
