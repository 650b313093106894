import { beforeEach, describe, expect, it } from 'vitest';
import { STRIPE_ORIGIN as ORIGIN, STRIPE_PK as PK, useStripeGatewayMerchant } from '../stripe/stripe-gateway.ts';

// Checkout with the Stripe gateway, end to end through the real `stripe` SDK pointed at a local
// Stripe-protocol server: the page's Stripe.js part is played by posting to the fake server the
// way Stripe.js does (publishable key + client secret).
const gateway = useStripeGatewayMerchant();
const { api } = gateway;
beforeEach(() => gateway.stripe.failRatio(0, 'http500'));

async function openSession() {
  const s = await api('POST', '/v1/checkout_sessions', { offer: 'pro-trial', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/no' });
  expect(s.status).toBe(201);
  return s.body.id as string;
}

async function page(id: string) {
  const res = await gateway.h.request(`/checkout/${id}`);
  const html = await res.text();
  const props = JSON.parse(/<script type="application\/json" id="porte-props"[^>]*>(.*?)<\/script>/s.exec(html)?.[1] ?? 'null');
  return { res, html, props };
}

const details = { email: 'sam@example.com', first_name: 'Sam', last_name: 'Lee', line1: '1 Main St', postal_code: '10001', city: 'Paris', country: 'FR' };

function post(path: string, fields: Record<string, string>) {
  return gateway.h.request(path, { method: 'POST', headers: { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
}

async function browserConfirm(setupIntent: string, clientSecret: string, paymentMethod: string) {
  const res = await fetch(`${gateway.stripe.url}/v1/setup_intents/${setupIntent}/confirm`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PK}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_secret: clientSecret, payment_method: paymentMethod }),
  });
  return res.status;
}

/** What the fake Stripe server delivered to the app about one object. */
const deliveriesOf = (objectId: string, type: string) =>
  gateway.stripe.deliveries.filter((d) => d.event.type === type && (d.event.data as { object: { id: string } }).object.id === objectId);

describe('checkout with the Stripe gateway', () => {
  it('mounts the Payment Element, verifies the SetupIntent server-side, then creates customer and subscription', async () => {
    const id = await openSession();
    const { res, html, props } = await page(id);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Security-Policy')).toContain('https://js.stripe.com');
    expect(html).toContain('https://js.stripe.com/v3/');
    expect(props.gateway).toMatchObject({ kind: 'stripe', publishableKey: PK });
    // Re-rendering the page reuses the same Stripe customer and SetupIntent.
    const before = gateway.stripe.objects('setup_intent').length;
    await page(id);
    expect(gateway.stripe.objects('setup_intent').length).toBe(before);

    const seti = /^(seti_[^_]+)/.exec(props.gateway.clientSecret)?.[1] ?? '';
    expect(await browserConfirm(seti, props.gateway.clientSecret, 'pm_card_visa')).toBe(200);
    const done = await post(`/checkout/${id}`, { ...details, csrf: props.csrf, setup_intent: seti });
    expect(done.status).toBe(303);
    expect(done.headers.get('Location')).toBe(`https://shop.example/ok?checkout_session_id=${id}`);
    const session = (await api('GET', `/v1/checkout_sessions/${id}`)).body;
    expect(session.status).toBe('complete');
    const customer = (await api('GET', `/v1/customers/${session.customer}`)).body;
    expect(customer.payment_method).toMatchObject({ type: 'card', card: { brand: 'visa', last4: '4242' } });
    expect((await api('GET', `/v1/subscriptions?customer=${session.customer}`)).body.data).toHaveLength(1);
  });

  it('refuses a declined card and creates nothing', async () => {
    const id = await openSession();
    const { props } = await page(id);
    const seti = /^(seti_[^_]+)/.exec(props.gateway.clientSecret)?.[1] ?? '';
    expect(await browserConfirm(seti, props.gateway.clientSecret, 'pm_card_chargeDeclined')).toBe(402);
    const res = await post(`/checkout/${id}`, { ...details, email: 'declined@example.com', csrf: props.csrf, setup_intent: seti });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Your card was declined');
    expect((await api('GET', '/v1/customers?query=declined')).body.data).toHaveLength(0);
    expect((await api('GET', `/v1/checkout_sessions/${id}`)).body.status).toBe('open');
  });

  it('completes from Stripe’s own signed setup_intent.succeeded when the browser never comes back', async () => {
    const id = await openSession();
    const { props } = await page(id);
    const seti = /^(seti_[^_]+)/.exec(props.gateway.clientSecret)?.[1] ?? '';
    expect((await post(`/checkout/${id}/details`, { ...details, email: 'gone@example.com', csrf: props.csrf })).status).toBe(200);
    // Stripe.js confirms, then the tab closes: only Stripe's event can finish the signup.
    expect(await browserConfirm(seti, props.gateway.clientSecret, 'pm_card_visa')).toBe(200);
    await gateway.stripe.flushEvents();
    const delivered = deliveriesOf(seti, 'setup_intent.succeeded');
    expect(delivered.map((d) => d.status)).toEqual([200]);
    const session = (await api('GET', `/v1/checkout_sessions/${id}`)).body;
    expect(session.status).toBe('complete');
    expect((await api('GET', '/v1/customers?query=gone')).body.data).toHaveLength(1);

    // Stripe may deliver twice: the same bytes again change nothing.
    const again = await gateway.h.request('/webhooks/stripe', { method: 'POST', headers: { 'Stripe-Signature': delivered[0]!.signature }, body: delivered[0]!.payload });
    expect(again.status).toBe(200);
    // The browser's late form post lands on the success URL without a second subscription.
    const late = await post(`/checkout/${id}`, { ...details, email: 'gone@example.com', csrf: props.csrf, setup_intent: seti });
    expect(late.status).toBe(303);
    expect((await api('GET', `/v1/subscriptions?customer=${session.customer}`)).body.data).toHaveLength(1);
  });

  it('refuses a real Stripe event whose body was altered, and completes nothing', async () => {
    const id = await openSession();
    const { props } = await page(id);
    const seti = /^(seti_[^_]+)/.exec(props.gateway.clientSecret)?.[1] ?? '';
    expect((await post(`/checkout/${id}/details`, { ...details, email: 'forged@example.com', csrf: props.csrf })).status).toBe(200);
    // The card asks for 3-D Secure and the customer never answers: Stripe says requires_action.
    expect(await browserConfirm(seti, props.gateway.clientSecret, 'pm_card_authenticationRequired')).toBe(200);
    await gateway.stripe.flushEvents();
    const [pending] = deliveriesOf(seti, 'setup_intent.requires_action');
    const forged = pending!.payload.replace('"setup_intent.requires_action"', '"setup_intent.succeeded"').replace('"status": "requires_action"', '"status": "succeeded"');
    expect(forged).not.toBe(pending!.payload);
    const res = await gateway.h.request('/webhooks/stripe', { method: 'POST', headers: { 'Stripe-Signature': pending!.signature }, body: forged });
    expect(res.status).toBe(400);
    expect((await api('GET', `/v1/checkout_sessions/${id}`)).body.status).toBe('open');
  });

  it('shows a retryable page when Stripe fails, and the retry reuses the same Stripe objects', async () => {
    const id = await openSession();
    const customersBefore = gateway.stripe.objects('customer').length;
    gateway.stripe.failNext(3, 'http500', { path: '/v1/customers' });
    const failed = await page(id);
    expect(failed.res.status).toBe(503);
    expect(failed.html).toContain('Payment temporarily unavailable');
    const ok = await page(id);
    expect(ok.res.status).toBe(200);
    expect(gateway.stripe.objects('customer').length).toBe(customersBefore + 1);
  });
});
