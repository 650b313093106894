// 3-D Secure on the hosted invoice page with the Stripe gateway, through the real `stripe` SDK and
// the local Stripe-protocol server: a renewal charged off-session on 4000 0027 6000 3184 is declined
// with authentication_required; the page loads Stripe.js (CSP allows it there only), Stripe.js
// confirms the PaymentIntent on-session (played here by posting to the fake server with the
// publishable key and client secret, as Stripe.js does), the bank approves, and the server reads the
// PaymentIntent before marking the invoice paid. Counted at Stripe: one succeeded charge.
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../stripe/fake-stripe-server.ts';
import { STRIPE_ORIGIN as ORIGIN, STRIPE_PK as PK, useStripeGatewayMerchant } from '../stripe/stripe-gateway.ts';

const DAY = 86_400_000;
const gateway = useStripeGatewayMerchant();
const { api } = gateway;
const props = (html: string) => JSON.parse(/<script type="application\/json" id="porte-props"[^>]*>(.*?)<\/script>/s.exec(html)?.[1] ?? 'null');

async function stripeJs(path: string, form: Record<string, string>): Promise<JsonObject> {
  const res = await fetch(`${gateway.stripe.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${PK}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  return (await res.json()) as JsonObject;
}

const post = (path: string, fields: Record<string, string>) =>
  gateway.h.request(path, { method: 'POST', headers: { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });

/** Signs up on the free trial with the card that asks for authentication on every charge. */
async function signupWithAuthCard(email: string): Promise<string> {
  const s = await api('POST', '/v1/checkout_sessions', { offer: 'pro-trial', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/no' });
  const view = props(await (await gateway.h.request(`/checkout/${s.body.id}`)).text());
  const seti = /^(seti_[^_]+)/.exec(view.gateway.clientSecret)?.[1] ?? '';
  const confirmed = await stripeJs(`/v1/setup_intents/${seti}/confirm`, { client_secret: view.gateway.clientSecret, payment_method: 'pm_card_authenticationRequired' });
  if (confirmed.status === 'requires_action') gateway.stripe.authenticate(seti, 'succeed');
  const fields = { email, first_name: 'Sam', last_name: 'Lee', line1: '1 Main St', postal_code: '75002', city: 'Paris', country: 'FR', csrf: view.csrf, setup_intent: seti };
  expect((await post(`/checkout/${s.body.id}`, fields)).status).toBe(303);
  return (await api('GET', `/v1/checkout_sessions/${s.body.id}`)).body.subscription;
}

/** Past the trial end: the renewal is charged off-session and waits for the customer. */
async function invoiceWaitingForCustomer(email: string) {
  const subscription = await signupWithAuthCard(email);
  const trialEnd = (await api('GET', `/v1/subscriptions/${subscription}`)).body.trial_end as string;
  const advanced = await api('POST', '/v1/test_clock/advance', { to: new Date(Date.parse(trialEnd) + 60_000).toISOString() });
  expect(advanced.status).toBe(200);
  const [inv] = (await api('GET', `/v1/invoices?subscription=${subscription}`)).body.data;
  expect(inv).toMatchObject({ status: 'open', payment_status: 'requires_action', total: 2900 });
  return { inv, subscription, path: new URL(inv.hosted_invoice_url).pathname };
}

const succeededFor = (invoice: string) => gateway.stripe.objects('payment_intent').filter((pi) => (pi.metadata as JsonObject).porte_invoice === invoice && pi.status === 'succeeded');

describe('hosted invoice page: Stripe 3-D Secure', () => {
  it('loads Stripe.js with the PaymentIntent’s client secret, then marks the invoice paid only once Stripe says so', async () => {
    const { inv, subscription, path } = await invoiceWaitingForCustomer('sca-stripe@example.com');
    const res = await gateway.h.request(path);
    expect(res.status).toBe(200);
    const csp = res.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain('script-src');
    expect(csp).toMatch(/script-src 'nonce-[^']+' https:\/\/js\.stripe\.com/);
    expect(csp).toContain('frame-src https://js.stripe.com https://hooks.stripe.com');
    const html = await res.text();
    expect(html).toContain('src="https://js.stripe.com/v3/"');
    expect(html).toContain('/assets/invoice.js');
    const p = props(html);
    const pi = gateway.stripe.objects('payment_intent').find((o) => (o.metadata as JsonObject).porte_invoice === inv.id);
    expect(pi).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'authentication_required' } });
    expect(p).toEqual({ publishableKey: PK, clientSecret: pi?.client_secret, paymentMethod: expect.stringMatching(/^pm_/) });
    expect(html).not.toContain('sk_test_');
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

    // Before the customer acts, claiming success changes nothing: the server asks Stripe.
    const early = await post(`${path}/stripe`, { csrf, payment_intent: String(pi?.id) });
    expect(early.headers.get('Location')).toContain('done=action');
    // Another PaymentIntent id, or no CSRF token: refused, nothing recorded.
    expect((await post(`${path}/stripe`, { csrf, payment_intent: 'pi_someone_else' })).headers.get('Location')).toContain('done=failed');
    expect((await post(`${path}/stripe`, { payment_intent: String(pi?.id) })).status).toBe(403);
    expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'open', payment_status: 'requires_action' });

    // Stripe.js: confirmCardPayment(clientSecret, {payment_method}) → the bank's challenge → approved.
    const confirmed = await stripeJs(`/v1/payment_intents/${pi?.id}/confirm`, { client_secret: p.clientSecret, payment_method: p.paymentMethod });
    expect(confirmed.status).toBe('requires_action');
    gateway.stripe.dropEvents(true); // the page's post must settle it on its own, without Stripe's event
    gateway.stripe.authenticate(String(pi?.id), 'succeed');
    const done = await post(`${path}/stripe`, { csrf, payment_intent: String(pi?.id) });
    gateway.stripe.dropEvents(false);
    expect(done.status).toBe(303);
    expect(done.headers.get('Location')).toContain('done=paid');
    expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'paid', amount_paid: 2900, attempt_count: 1 });
    expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.status).toBe('active');
    expect(succeededFor(inv.id)).toHaveLength(1);
    // Paid: no Stripe.js on the page any more, and the CSP says so.
    const after = await gateway.h.request(path);
    expect(after.headers.get('Content-Security-Policy')).not.toContain('js.stripe.com');
    expect(await after.text()).toContain('Paid on');
    // A second post (reload, double click) records nothing more.
    expect((await post(`${path}/stripe`, { csrf, payment_intent: String(pi?.id) })).headers.get('Location')).toContain('done=failed');
    expect(succeededFor(inv.id)).toHaveLength(1);
  });

  it('the browser closes after the challenge: Stripe’s payment_intent.succeeded settles the invoice', async () => {
    const { inv, path } = await invoiceWaitingForCustomer('closed-tab@example.com');
    const p = props(await (await gateway.h.request(path)).text());
    const pi = /^(pi_[^_]+)/.exec(p.clientSecret)?.[1] ?? '';
    await stripeJs(`/v1/payment_intents/${pi}/confirm`, { client_secret: p.clientSecret, payment_method: p.paymentMethod });
    gateway.stripe.authenticate(pi, 'succeed');
    await gateway.stripe.flushEvents();
    expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'paid', amount_paid: 2900 });
    expect(succeededFor(inv.id)).toHaveLength(1);
  });

  it('a failed challenge is recorded as a failed attempt (retried later), not as paid', async () => {
    const { inv, path } = await invoiceWaitingForCustomer('failed-sca@example.com');
    const html = await (await gateway.h.request(path)).text();
    const p = props(html);
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const pi = /^(pi_[^_]+)/.exec(p.clientSecret)?.[1] ?? '';
    await stripeJs(`/v1/payment_intents/${pi}/confirm`, { client_secret: p.clientSecret, payment_method: p.paymentMethod });
    gateway.stripe.authenticate(pi, 'fail');
    const done = await post(`${path}/stripe`, { csrf, payment_intent: pi });
    expect(done.headers.get('Location')).toContain('done=failed');
    const after = (await api('GET', `/v1/invoices/${inv.id}`)).body;
    expect(after).toMatchObject({ status: 'open', payment_status: 'failed' });
    expect(Date.parse(after.next_payment_attempt)).toBeGreaterThan(Date.parse(after.finalized_at) + DAY / 2);
    expect(succeededFor(inv.id)).toHaveLength(0);
  });
});
