import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAdmin } from '../harness/admin-agent.ts';
import type { Harness, HarnessFactory } from '../harness/types.ts';
import { card } from './checkout.suite.ts';
import { link, openPortal, postPortal } from './portal.suite.ts';
import { advance, all, BILLING_CARDS, billingShop, type Client, offer, plusDays, subscribe } from './billing-helpers.ts';

/**
 * After dunning, with the "unpaid" policy: the invoice is uncollectible and the subscription
 * unpaid, and both can still be recovered (a late payment, as Stripe allows), exactly once.
 */
export function billingUnpaidSuite(factory: HarnessFactory): void {
  let h: Harness;
  beforeAll(async () => {
    h = await factory();
  });
  afterAll(async () => h?.close());

  /** A subscription whose renewal was declined on every retry, ended by the "unpaid" policy. */
  async function unpaid(email: string, policy: 'unpaid' | 'past_due' = 'unpaid') {
    const { merchant, api } = await billingShop(h);
    const agent = await signInAdmin(h, merchant);
    const saved = await agent.send('/admin/settings/billing', { _csrf: await agent.token('/admin/settings'), invoice_prefix: 'LATE', dunning_policy: policy });
    expect(saved.status).toBe(303);
    const pro = await offer(api, { reference: 'pro', name: 'Pro', recurring: { amount: 2900, interval: 'month' }, trial: { days: 14 } });
    const { customer, subscription } = await subscribe(h, api, pro, BILLING_CARDS.insufficient, email);
    const trialEnd: string = (await api('GET', `/v1/subscriptions/${subscription}`)).body.trial_end;
    await advance(api, trialEnd);
    const [first] = await all(api, `/v1/invoices?subscription=${subscription}`);
    await advance(api, plusDays(plusDays(first.next_payment_attempt, -1), 7));
    const inv = (await api('GET', `/v1/invoices/${first.id}`)).body;
    expect(inv).toMatchObject({ status: 'uncollectible', attempt_count: 5, amount_paid: 0 });
    expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.status).toBe(policy);
    return { api, agent, customer, subscription, inv };
  }

  const succeeded = (html: string) => [...html.matchAll(/<li>#\d+ [^<]*succeeded/g)].length;
  const subStatus = async (api: Client, id: string) => (await api('GET', `/v1/subscriptions/${id}`)).body.status;

  it('POST /v1/invoices/{id}/pay charges a good card for an uncollectible invoice: paid once, the subscription active', async () => {
    // Policy "past_due": a new card in the portal does not retry the ended invoice, so the API's charge is what pays it.
    const { api, agent, customer, subscription, inv } = await unpaid('late-api@example.com', 'past_due');
    const portal = await link(api, customer);
    const opened = await openPortal(h, portal.url);
    expect((await postPortal(h, portal.url, '/payment_method', { csrf: opened.csrf('payment_method'), ...card(BILLING_CARDS.ok) })).status).toBe(303);
    expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'uncollectible', attempt_count: 5 });
    expect(succeeded(await (await agent.send(`/admin/invoices/${inv.id}`)).text())).toBe(0);

    const paid = await api('POST', `/v1/invoices/${inv.id}/pay`, {});
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', attempt_count: 6, amount_paid: 2900, paid_out_of_band: false });
    expect(await subStatus(api, subscription)).toBe('active');
    expect(succeeded(await (await agent.send(`/admin/invoices/${inv.id}`)).text())).toBe(1);
    const before = (await api('GET', `/v1/invoices/${inv.id}`)).body;
    const twice = await api('POST', `/v1/invoices/${inv.id}/pay`, {});
    expect(twice.status).toBe(400);
    expect(twice.body.error).toMatchObject({ code: 'invoice_already_paid', param: 'id' });
    expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toEqual(before);
    expect(succeeded(await (await agent.send(`/admin/invoices/${inv.id}`)).text())).toBe(1);
  });

  describe('an unpaid subscription', () => {
    it('is recovered by a new card in the portal: the uncollectible invoice is charged once, the subscription active; paying again is refused', async () => {
      const { api, agent, customer, subscription, inv } = await unpaid('late-card@example.com');
      // The back-office shows no past "next charge", and offers to mark paid or retry.
      const billing = await (await agent.send(`/admin/customers/${customer}/billing`)).text();
      expect(billing).toContain('Payment overdue');
      expect(billing).not.toContain('Next charge');
      const page = await (await agent.send(`/admin/invoices/${inv.id}`)).text();
      expect(page).toContain(`action="/admin/invoices/${inv.id}/pay"`);
      expect(page).toContain(`action="/admin/invoices/${inv.id}/retry"`);
      expect(page).not.toContain(`action="/admin/invoices/${inv.id}/void"`);

      // Charging the same declining card again changes nothing but the attempt count.
      const again = await api('POST', `/v1/invoices/${inv.id}/pay`, {});
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body).toMatchObject({ status: 'uncollectible', attempt_count: 6, amount_paid: 0 });
      expect(await subStatus(api, subscription)).toBe('unpaid');

      const portal = await link(api, customer);
      const opened = await openPortal(h, portal.url);
      const saved = await postPortal(h, portal.url, '/payment_method', { csrf: opened.csrf('payment_method'), ...card(BILLING_CARDS.ok) });
      expect(saved.status).toBe(303);
      const paid = (await api('GET', `/v1/invoices/${inv.id}`)).body;
      expect(paid).toMatchObject({ status: 'paid', attempt_count: 7, amount_paid: 2900, amount_due: 0 });
      expect(await subStatus(api, subscription)).toBe('active');
      expect(succeeded(await (await agent.send(`/admin/invoices/${inv.id}`)).text())).toBe(1);

      // Paid once: a second payment is refused by name and changes nothing.
      const twice = await api('POST', `/v1/invoices/${inv.id}/pay`, {});
      expect(twice.status).toBe(400);
      expect(twice.body.error).toMatchObject({ code: 'invoice_already_paid', param: 'id' });
      expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toEqual(paid);
      expect(succeeded(await (await agent.send(`/admin/invoices/${inv.id}`)).text())).toBe(1);
    });

    it('is recovered by POST /v1/invoices/{id}/pay out of band: paid, active again, one receipt; paying it again is refused', async () => {
      const { api, agent, customer, subscription, inv } = await unpaid('late-transfer@example.com');
      const paid = await api('POST', `/v1/invoices/${inv.id}/pay`, { paid_out_of_band: true, method: 'bank_transfer' });
      expect(paid.status, JSON.stringify(paid.body)).toBe(200);
      expect(paid.body).toMatchObject({ status: 'paid', paid_out_of_band: true, amount_paid: 2900 });
      expect(await subStatus(api, subscription)).toBe('active');
      // invoice.paid gives its receipt (the test clock drains the outbox), once.
      await advance(api, plusDays((await api('GET', '/v1/test_clock')).body.now, 1 / 24));
      const ids = [...(await (await agent.send(`/admin/customers/${customer}`)).text()).matchAll(/href="\/admin\/emails\/(eml_\w+)"/g)].map((x) => x[1]);
      const pages = await Promise.all(ids.map(async (id) => (await agent.send(`/admin/emails/${id}`)).text()));
      expect(pages.filter((p) => p.includes(`Receipt for invoice ${inv.number} from`))).toHaveLength(1);

      const before = (await api('GET', `/v1/invoices/${inv.id}`)).body;
      const twice = await api('POST', `/v1/invoices/${inv.id}/pay`, { paid_out_of_band: true, method: 'check' });
      expect(twice.status).toBe(400);
      expect(twice.body.error.code).toBe('invoice_already_paid');
      expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toEqual(before);
      expect(await (await agent.send(`/admin/customers/${customer}/billing`)).text()).not.toContain('Payment overdue');
    });
  });
}
