/**
 * `POST /webhooks/stripe` driven by the events the fake Stripe server emits and signs itself, from
 * the objects the app created: a portal card change finished by the event when the page never
 * posts back, and a SEPA mandate the bank refuses after the signup went through.
 */
import { describe, expect, it } from 'vitest';
import { link, openPortal } from '../api/portal.suite.ts';
import { STRIPE_ORIGIN as ORIGIN, STRIPE_PK as PK, useStripeGatewayMerchant } from './stripe-gateway.ts';

const gateway = useStripeGatewayMerchant();
const { api } = gateway;
const props = (html: string) => JSON.parse(/<script type="application\/json" id="porte-props"[^>]*>(.*?)<\/script>/s.exec(html)?.[1] ?? 'null');

/** What Stripe.js does in the page: confirm the SetupIntent with the publishable key and client secret. */
async function browserConfirm(clientSecret: string, form: Record<string, string>): Promise<{ seti: string; status: number; body: { status?: string } }> {
  const seti = /^(seti_[^_]+)/.exec(clientSecret)?.[1] ?? '';
  const res = await fetch(`${gateway.stripe.url}/v1/setup_intents/${seti}/confirm`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PK}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_secret: clientSecret, ...form }),
  });
  return { seti, status: res.status, body: (await res.json()) as { status?: string } };
}

const SEPA = (iban: string) => ({
  'payment_method_data[type]': 'sepa_debit',
  'payment_method_data[sepa_debit][iban]': iban,
  'payment_method_data[billing_details][name]': 'Sam Lee',
  'payment_method_data[billing_details][email]': 'sam@example.com',
  'mandate_data[customer_acceptance][type]': 'online',
  'mandate_data[customer_acceptance][online][ip_address]': '203.0.113.7',
  'mandate_data[customer_acceptance][online][user_agent]': 'Mozilla/5.0',
});

const events = async (type: string) =>
  (await gateway.h.deps.db.all<{ data: string }>('SELECT data FROM events WHERE merchant_id = ? AND type = ? ORDER BY seq', [gateway.m.id, type])).map(
    (r) => JSON.parse(r.data) as { id: string; payment_method: { type: string } },
  );

describe('Stripe events', () => {
  it('saves a portal card change from setup_intent.succeeded when the page never posts back', async () => {
    const c = (await api('POST', '/v1/customers', { email: 'closed-tab@example.com', first_name: 'Sam' })).body;
    const view = props((await openPortal(gateway.h, (await link(api, c.id)).url)).html);
    expect(view.payment.gateway.kind).toBe('stripe');
    const confirmed = await browserConfirm(view.payment.gateway.clientSecret, { payment_method: 'pm_card_mastercard' });
    expect(confirmed.status).toBe(200);
    await gateway.stripe.flushEvents();

    expect((await api('GET', `/v1/customers/${c.id}`)).body.payment_method).toMatchObject({ type: 'card', card: { brand: 'mastercard', last4: '4444' } });
    const ref = await gateway.h.deps.db.get<{ payment_method_ref: string }>('SELECT payment_method_ref FROM customer_gateway_refs WHERE customer_id = ?', [c.id]);
    expect(ref?.payment_method_ref).toMatch(/^pm_/);
    expect((await events('customer.payment_method.updated')).filter((e) => e.id === c.id)).toHaveLength(1);

    // Stripe's redelivery of the same event saves nothing twice.
    const delivery = gateway.stripe.deliveries.find((d) => d.event.type === 'setup_intent.succeeded' && (d.event.data as { object: { id: string } }).object.id === confirmed.seti)!;
    const again = await gateway.h.request('/webhooks/stripe', { method: 'POST', headers: { 'Stripe-Signature': delivery.signature }, body: delivery.payload });
    expect(again.status).toBe(200);
    expect((await events('customer.payment_method.updated')).filter((e) => e.id === c.id)).toHaveLength(1);
  });

  it('retires a SEPA method whose mandate the bank refuses after the signup completed (setup_failed, mandate inactive)', async () => {
    const s = await api('POST', '/v1/checkout_sessions', { offer: 'pro-trial', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/no' });
    const page = props(await (await gateway.h.request(`/checkout/${s.body.id}`)).text());
    // DE62…3001: the account does not exist; Stripe keeps the setup `processing` until the bank says so.
    const confirmed = await browserConfirm(page.gateway.clientSecret, SEPA('DE62370400440532013001'));
    expect(confirmed.body.status).toBe('processing');
    const fields = { email: 'sepa-fail@example.com', first_name: 'Sam', last_name: 'Lee', line1: '1 Main St', postal_code: '10115', city: 'Berlin', country: 'DE', csrf: page.csrf, setup_intent: confirmed.seti };
    const done = await gateway.h.request(`/checkout/${s.body.id}`, {
      method: 'POST',
      headers: { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    expect(done.status).toBe(303);
    const customerId = (await api('GET', `/v1/checkout_sessions/${s.body.id}`)).body.customer;
    expect((await api('GET', `/v1/customers/${customerId}`)).body.payment_method).toEqual({ type: 'sepa_debit', sepa_debit: { last4: '3001', country: 'DE' } });

    // Days later (seconds on the fake's clock) the bank refuses the mandate.
    gateway.stripe.advance(60_000);
    await gateway.stripe.flushEvents();
    const types = gateway.stripe.deliveries.filter((d) => d.status === 200).map((d) => d.event.type);
    expect(types).toEqual(expect.arrayContaining(['setup_intent.setup_failed', 'mandate.updated']));

    expect((await api('GET', `/v1/customers/${customerId}`)).body.payment_method).toEqual({ type: 'none' });
    const ref = await gateway.h.deps.db.get<{ payment_method_ref: string }>('SELECT payment_method_ref FROM customer_gateway_refs WHERE customer_id = ?', [customerId]);
    expect(ref?.payment_method_ref).toBe('');
    const activity = await gateway.h.deps.db.all<{ type: string; data: string }>('SELECT type, data FROM activity WHERE customer_id = ? ORDER BY seq', [customerId]);
    // Both events name the same failure (Stripe promises no order between them): it is recorded once.
    const failures = activity.filter((a) => a.type === 'customer.payment_method.failed').map((a) => JSON.parse(a.data));
    expect(failures).toEqual([{ type: 'sepa_debit', reason: expect.stringMatching(/^(no_account|mandate_inactive)$/) }]);
    // The merchant hears of it: the signup's method, then none.
    expect((await events('customer.payment_method.updated')).filter((e) => e.id === customerId).map((e) => e.payment_method.type)).toEqual(['sepa_debit', 'none']);
  });
});
