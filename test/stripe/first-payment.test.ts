/**
 * "Due today" at checkout with Stripe: the page confirms a PaymentIntent (Payment Element in
 * payment mode, 3-D Secure when the bank asks), the server re-reads it, and the customer,
 * subscription, paid first invoice and payment are one write. SEPA settles days later: the
 * subscription is `incomplete` until Stripe's own event says how the debit ended.
 */
import { describe, expect, it } from 'vitest';
import { STRIPE_ORIGIN as ORIGIN, STRIPE_PK as PK, useStripeGatewayMerchant } from './stripe-gateway.ts';

const gateway = useStripeGatewayMerchant();
const { api } = gateway;
const props = (html: string) => JSON.parse(/<script type="application\/json" id="porte-props"[^>]*>(.*?)<\/script>/s.exec(html)?.[1] ?? 'null');
const MANDATE = { 'mandate_data[customer_acceptance][type]': 'online', 'mandate_data[customer_acceptance][online][ip_address]': '203.0.113.7', 'mandate_data[customer_acceptance][online][user_agent]': 'Mozilla/5.0' };

async function open(): Promise<{ id: string; csrf: string; clientSecret: string; pi: string; intent: string }> {
  const s = await api('POST', '/v1/checkout_sessions', { offer: 'pro', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/no' });
  const view = props(await (await gateway.h.request(`/checkout/${s.body.id}`)).text());
  return { id: s.body.id, csrf: view.csrf, clientSecret: view.gateway.clientSecret, pi: /^(pi_[^_]+)/.exec(view.gateway.clientSecret)?.[1] ?? '', intent: view.gateway.intent };
}

/** Stripe.js's confirmPayment: publishable key and client secret only. */
async function browserConfirm(pi: string, clientSecret: string, form: Record<string, string>) {
  const res = await fetch(`${gateway.stripe.url}/v1/payment_intents/${pi}/confirm`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PK}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_secret: clientSecret, return_url: 'http://porte.test/checkout/return', ...form }),
  });
  return { status: res.status, body: (await res.json()) as { status?: string } };
}

function submit(id: string, csrf: string, pi: string, email: string) {
  const fields = { email, first_name: 'Sam', last_name: 'Lee', line1: '1 Main St', postal_code: '10115', city: 'Berlin', country: 'DE', csrf, payment_intent: pi };
  return gateway.h.request(`/checkout/${id}`, {
    method: 'POST',
    headers: { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

const state = async (sessionId: string) => {
  const session = (await api('GET', `/v1/checkout_sessions/${sessionId}`)).body;
  const sub = session.subscription ? (await api('GET', `/v1/subscriptions/${session.subscription}`)).body : null;
  const invoices = session.customer
    ? await gateway.h.deps.db.all<{ status: string; payment_status: string; total: number; amount_paid: number }>(
        'SELECT status, payment_status, total, amount_paid FROM invoices WHERE customer_id = ?',
        [session.customer],
      )
    : [];
  return { session, sub, invoices };
};

describe('first payment with Stripe', () => {
  it('charges €29.00 on-session with a PaymentIntent that saves the card for renewals, then writes the paid invoice', async () => {
    const c = await open();
    expect(c.intent).toBe('payment');
    const pi = gateway.stripe.objects('payment_intent').find((o) => o.id === c.pi)!;
    // The amount the offer says is due today, saved for off-session use, with Porte's metadata.
    expect(pi).toMatchObject({ amount: 2900, currency: 'eur', setup_future_usage: 'off_session', status: 'requires_payment_method', metadata: { porte_checkout_session: c.id } });
    expect((await browserConfirm(c.pi, c.clientSecret, { payment_method: 'pm_card_visa' })).body.status).toBe('succeeded');
    const done = await submit(c.id, c.csrf, c.pi, 'paid@example.com');
    expect(done.status).toBe(303);
    const { session, sub, invoices } = await state(c.id);
    expect(session.status).toBe('complete');
    expect(sub.status).toBe('active');
    expect(invoices).toEqual([{ status: 'paid', payment_status: 'succeeded', total: 2900, amount_paid: 2900 }]);
    // The saved card is the PaymentIntent's, attached to the Stripe customer: renewals can charge it.
    const ref = await gateway.h.deps.db.get<{ payment_method_ref: string; gateway_customer_id: string }>('SELECT * FROM customer_gateway_refs WHERE customer_id = ?', [session.customer]);
    const pm = gateway.stripe.objects('payment_method').find((o) => o.id === ref?.payment_method_ref);
    expect(pm).toMatchObject({ customer: ref?.gateway_customer_id, card: { last4: '4242' } });
  });

  it('refuses a PaymentIntent the customer has not paid (declined, or another session’s), creating nothing', async () => {
    const c = await open();
    expect((await browserConfirm(c.pi, c.clientSecret, { payment_method: 'pm_card_chargeDeclined' })).status).toBe(402);
    expect((await submit(c.id, c.csrf, c.pi, 'declined-pi@example.com')).status).toBe(422);
    const other = await open();
    expect((await submit(c.id, c.csrf, other.pi, 'swap@example.com')).status).toBe(422);
    expect((await state(c.id)).session.status).toBe('open');
    expect((await api('GET', '/v1/customers?query=declined-pi')).body.data).toHaveLength(0);
  });

  it('asks for 3-D Secure in the page, then completes once the bank approved', async () => {
    const c = await open();
    expect((await browserConfirm(c.pi, c.clientSecret, { payment_method: 'pm_card_authenticationRequired' })).body.status).toBe('requires_action');
    expect((await submit(c.id, c.csrf, c.pi, 'threeds@example.com')).status).toBe(422);
    gateway.stripe.authenticate(c.pi, 'succeed');
    expect((await submit(c.id, c.csrf, c.pi, 'threeds@example.com')).status).toBe(303);
    expect((await state(c.id)).invoices).toEqual([{ status: 'paid', payment_status: 'succeeded', total: 2900, amount_paid: 2900 }]);
  });

  it('SEPA: incomplete while the debit is processing, active once Stripe says it succeeded', async () => {
    const c = await open();
    expect((await browserConfirm(c.pi, c.clientSecret, { payment_method: 'pm_success_de', ...MANDATE })).body.status).toBe('processing');
    expect((await submit(c.id, c.csrf, c.pi, 'sepa-ok@example.com')).status).toBe(303);
    let s = await state(c.id);
    expect(s.sub.status).toBe('incomplete');
    expect(s.invoices).toEqual([{ status: 'open', payment_status: 'processing', total: 2900, amount_paid: 0 }]);

    gateway.stripe.advance(60_000);
    await gateway.stripe.flushEvents();
    s = await state(c.id);
    expect(s.sub.status).toBe('active');
    expect(s.invoices).toEqual([{ status: 'paid', payment_status: 'succeeded', total: 2900, amount_paid: 2900 }]);
  });

  it('SEPA: settles without Stripe’s event too — the billing run asks Stripe about the processing debit a day later', async () => {
    const c = await open();
    gateway.stripe.dropEvents(true);
    try {
      expect((await browserConfirm(c.pi, c.clientSecret, { payment_method: 'pm_success_de', ...MANDATE })).body.status).toBe('processing');
      expect((await submit(c.id, c.csrf, c.pi, 'sepa-nohook@example.com')).status).toBe(303);
      gateway.stripe.advance(60_000);
      await gateway.stripe.flushEvents();
      expect((await state(c.id)).sub.status).toBe('incomplete');
      const now = (await api('GET', '/v1/test_clock')).body.now as string;
      expect((await api('POST', '/v1/test_clock/advance', { to: new Date(Date.parse(now) + 86_400_000 + 60_000).toISOString() })).status).toBe(200);
      const s = await state(c.id);
      expect(s.sub.status).toBe('active');
      expect(s.invoices).toEqual([{ status: 'paid', payment_status: 'succeeded', total: 2900, amount_paid: 2900 }]);
    } finally {
      gateway.stripe.dropEvents(false);
    }
  });

  it('SEPA: a debit that fails cancels the subscription that never started and voids its invoice', async () => {
    const c = await open();
    expect((await browserConfirm(c.pi, c.clientSecret, { payment_method: 'pm_insufficientFunds_de', ...MANDATE })).body.status).toBe('processing');
    expect((await submit(c.id, c.csrf, c.pi, 'sepa-poor@example.com')).status).toBe(303);
    gateway.stripe.advance(60_000);
    await gateway.stripe.flushEvents();
    const s = await state(c.id);
    expect(s.sub.status).toBe('canceled');
    expect(s.invoices).toEqual([{ status: 'void', payment_status: 'failed', total: 2900, amount_paid: 0 }]);
    // A redelivered event changes nothing more.
    const failed = gateway.stripe.deliveries.find((d) => d.event.type === 'payment_intent.payment_failed' && (d.event.data as { object: { id: string } }).object.id === c.pi)!;
    expect((await gateway.h.request('/webhooks/stripe', { method: 'POST', headers: { 'Stripe-Signature': failed.signature }, body: failed.payload })).status).toBe(200);
    const notes = await gateway.h.deps.db.all('SELECT id FROM credit_notes WHERE merchant_id = ?', [gateway.m.id]);
    expect(notes).toHaveLength(1);
  });

  it('completes from payment_intent.succeeded when the page never posts back', async () => {
    const c = await open();
    const details = { email: 'gone-pi@example.com', first_name: 'Sam', last_name: 'Lee', line1: '1 Main St', postal_code: '10115', city: 'Berlin', country: 'DE', csrf: c.csrf };
    const saved = await gateway.h.request(`/checkout/${c.id}/details`, { method: 'POST', headers: { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(details).toString() });
    expect(saved.status).toBe(200);
    await browserConfirm(c.pi, c.clientSecret, { payment_method: 'pm_card_visa' });
    await gateway.stripe.flushEvents();
    const s = await state(c.id);
    expect(s.session.status).toBe('complete');
    expect(s.invoices).toEqual([{ status: 'paid', payment_status: 'succeeded', total: 2900, amount_paid: 2900 }]);
  });
});
