import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerRepository } from '../../server/customers/repository.ts';
import { savePaymentMethod } from '../../server/portal/changes.ts';
import { createPortalLink } from '../../server/portal/links.ts';
import { nodeHarness } from '../harness/node.ts';
import { client } from '../harness/types.ts';
import { type FakeStripeServer, startFakeStripeServer } from '../stripe/fake-stripe-server.ts';
import { CARDS, card, hides, shows } from './checkout.suite.ts';
import { link, openPortal, portalShop, portalSuite, postPortal, subscribedCustomer } from './portal.suite.ts';

portalSuite(nodeHarness);

const HOUR = 60 * 60 * 1000;

// What needs the clock, the database itself or a Stripe stand-in: Node only.
describe('portal on Node: expiry, outbox and activity, atomicity', () => {
  let h: Awaited<ReturnType<typeof nodeHarness>>;
  let offset = 0;
  beforeAll(async () => {
    h = await nodeHarness({ clock: () => new Date(Date.now() + offset) });
  });
  afterAll(async () => h?.close());

  const rows = (table: 'events' | 'activity', merchantId: string) =>
    h.deps.db.all<{ type: string; data: string }>(`SELECT type, data FROM ${table} WHERE merchant_id = ? ORDER BY seq`, [merchantId]);

  it('answers 410 once the link has expired (en and fr), even to a page loaded before', async () => {
    offset = 0;
    const { api } = await portalShop(h);
    const c = (await api('POST', '/v1/customers', { first_name: 'Tick', email: 'tick@example.com' })).body;
    const { url, expires_at } = await link(api, c.id, { expires_in: 300, locale: 'fr' });
    const page = await openPortal(h, url);
    expect(page.status).toBe(200);
    offset = Date.parse(expires_at) - Date.now() - 5000;
    expect((await openPortal(h, url)).status).toBe(200);
    offset = Date.parse(expires_at) - Date.now() + 1;
    const expired = await openPortal(h, url);
    expect(expired.status).toBe(410);
    shows(expired.html, 'Ce lien a expiré');
    hides(expired.html, 'Tick');
    shows((await openPortal(h, `${url}?locale=en`)).html, 'This link has expired');
    const post = await postPortal(h, url, '/billing_address', { csrf: page.csrf('billing_address'), line1: 'x', postal_code: '1', city: 'y', country: 'FR' });
    expect(post.status).toBe(410);
    // A revoked link that has also expired says "expired": nothing more is revealed either way.
    await api('POST', `/v1/customers/${c.id}/revoke_links`);
    expect((await openPortal(h, url)).status).toBe(410);
    offset = 0;
    expect((await openPortal(h, url)).status).toBe(403);
  });

  it('writes each change with its activity and outbox event: payment method, address, cancel', async () => {
    offset = 0;
    const { merchant, api } = await portalShop(h);
    const { customer, subscription } = await subscribedCustomer(h, api, 'events@example.com', 'basic-monthly');
    const before = (await rows('events', merchant.id)).length;
    const url = (await link(api, customer)).url;
    const page = await openPortal(h, url);
    expect((await postPortal(h, url, '/payment_method', { csrf: page.csrf('payment_method'), ...card(CARDS.ok) })).status).toBe(303);
    const address = { line1: '1 Infinite Loop', postal_code: '95014', city: 'Cupertino', region: 'CA', country: 'US' };
    expect((await postPortal(h, url, '/billing_address', { csrf: page.csrf('billing_address'), ...address })).status).toBe(303);
    const confirm = await openPortal(h, `${url}/subscriptions/${subscription}/cancel`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(confirm.html)?.[1] ?? '';
    expect((await postPortal(h, url, `/subscriptions/${subscription}/cancel`, { csrf, confirm: 'yes' })).status).toBe(303);
    expect((await postPortal(h, url, `/subscriptions/${subscription}/cancel`, { csrf, confirm: 'yes' })).status).toBe(303);

    const events = (await rows('events', merchant.id)).slice(before);
    expect(events.map((e) => e.type)).toEqual(['customer.payment_method.updated', 'customer.updated', 'subscription.updated']);
    const [pm, updated, sub] = events.map((e) => JSON.parse(e.data));
    expect(pm).toMatchObject({ id: customer, payment_method: { type: 'card', card: { last4: '4242' } } });
    expect(updated).toMatchObject({ object: { id: customer, billing_address: { city: 'Cupertino', country: 'US' } }, previous_attributes: { billing_address: { city: 'Paris' } } });
    expect(sub).toMatchObject({ object: { id: subscription, cancel_at_period_end: true }, previous_attributes: { cancel_at_period_end: false } });
    const activity = (await rows('activity', merchant.id)).filter((a) => JSON.parse(a.data).source === 'portal');
    expect(activity.map((a) => a.type)).toEqual(['customer.payment_method.updated', 'customer.updated', 'subscription.updated']);
    const ref = await h.deps.db.get<{ gateway: string; payment_method_ref: string }>('SELECT gateway, payment_method_ref FROM customer_gateway_refs WHERE customer_id = ?', [customer]);
    expect(ref).toEqual({ gateway: 'test', payment_method_ref: 'test_pm_4242' });
  });

  it('"Resume subscription" writes the same subscription.updated event as the API\'s resume', async () => {
    offset = 0;
    const { merchant, api } = await portalShop(h);
    const { customer, subscription } = await subscribedCustomer(h, api, 'resume-events@example.com', 'basic-monthly');
    await api('POST', `/v1/subscriptions/${subscription}/cancel`, { at_period_end: true });
    const before = (await rows('events', merchant.id)).length;
    const url = (await link(api, customer)).url;
    const page = await openPortal(h, url);
    expect((await postPortal(h, url, `/subscriptions/${subscription}/resume`, { csrf: 'forged' })).status).toBe(403);
    expect((await rows('events', merchant.id)).length).toBe(before);
    expect((await postPortal(h, url, `/subscriptions/${subscription}/resume`, { csrf: page.csrf('resume') })).status).toBe(303);
    expect((await postPortal(h, url, `/subscriptions/${subscription}/resume`, { csrf: page.csrf('resume') })).status).toBe(303);
    const events = (await rows('events', merchant.id)).slice(before);
    expect(events.map((e) => e.type)).toEqual(['subscription.updated']);
    expect(JSON.parse(events[0]?.data ?? '{}')).toMatchObject({ object: { id: subscription, cancel_at_period_end: false }, previous_attributes: { cancel_at_period_end: true } });
    expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.cancel_at_period_end).toBe(false);
  });

  it('colours status badges by status: unpaid and overdue red, due amber, paid and active green, void grey', async () => {
    offset = 0;
    const { api } = await portalShop(h);
    const { customer, subscription } = await subscribedCustomer(h, api, 'badges@example.com', 'basic-monthly');
    const [paid] = (await api('GET', `/v1/invoices?customer=${customer}`)).body.data;
    const url = (await link(api, customer, { locale: 'fr' })).url;
    const badge = (html: string, text: string) => new RegExp(`class="badge ([a-z]+)">${text}<`).exec(html)?.[1];
    const first = await openPortal(h, url);
    expect(badge(first.html, 'Actif')).toBe('ok');
    expect(badge(first.html, 'Payée')).toBe('ok');
    // The states a customer reaches only after weeks of failed payments, set directly.
    await h.deps.db.run("UPDATE subscriptions SET status = 'past_due' WHERE id = ?", [subscription]);
    await h.deps.db.run("UPDATE invoices SET status = 'uncollectible' WHERE id = ?", [paid.id]);
    const late = await openPortal(h, url);
    expect(badge(late.html, 'Paiement en retard')).toBe('bad');
    expect(badge(late.html, 'Impayée')).toBe('bad');
    await h.deps.db.run("UPDATE invoices SET status = 'void' WHERE id = ?", [paid.id]);
    expect(badge((await openPortal(h, url)).html, 'Annulée')).toBe('off');
    // And the stylesheet paints those classes red and grey, not the default green.
    const css = /<style[^>]*>([\s\S]*?)<\/style>/.exec(late.html)?.[1] ?? '';
    expect(css).toMatch(/\.badge\.bad\{background:#fdecea;color:var\(--err\)\}/);
    expect(css).toMatch(/\.badge\.off\{background:#eceef3/);
  });

  it('writes nothing at all when the link is revoked between reading the customer and saving', async () => {
    offset = 0;
    const { merchant, api } = await portalShop(h);
    const c = (await api('POST', '/v1/customers', { email: 'race@example.com' })).body;
    const stale = await customerRepository(h.deps.db).byId(merchant.id, c.id);
    if (!stale) throw new Error('customer missing');
    await api('POST', `/v1/customers/${c.id}/revoke_links`);
    const before = { events: (await rows('events', merchant.id)).length, activity: (await rows('activity', merchant.id)).length };
    const method = { type: 'card' as const, card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2040 }, gatewayRef: 'test_pm_4242' };
    expect(await savePaymentMethod(h.deps, stale, method, null, 'test')).toBe(false);
    expect({ events: (await rows('events', merchant.id)).length, activity: (await rows('activity', merchant.id)).length }).toEqual(before);
    expect((await api('GET', `/v1/customers/${c.id}`)).body.payment_method).toEqual({ type: 'none' });
    expect(await h.deps.db.get('SELECT 1 FROM customer_gateway_refs WHERE customer_id = ?', [c.id])).toBeUndefined();
  });

  it('createPortalLink (for the back-office) validates its options like the API', async () => {
    offset = 0;
    const { merchant, api } = await portalShop(h);
    const c = (await api('POST', '/v1/customers', {})).body;
    const made = await createPortalLink(h.deps, merchant.id, c.id, { locale: 'fr', expiresIn: 3600 });
    expect(made.url.startsWith('http://porte.test/portal/')).toBe(true);
    await expect(createPortalLink(h.deps, merchant.id, c.id, { expiresIn: 10 })).rejects.toMatchObject({ status: 400 });
    await expect(createPortalLink(h.deps, 'mer_other', c.id)).rejects.toMatchObject({ status: 404 });
    shows((await openPortal(h, made.url)).html, '<html lang="fr">');
    offset = 2 * HOUR;
    expect((await openPortal(h, made.url)).status).toBe(410);
    offset = 0;
  });
});

describe('portal with the Stripe gateway (local Stripe-protocol server, real SDK)', () => {
  const PK = 'pk_test_porte';
  let stripe: FakeStripeServer;
  let h: Awaited<ReturnType<typeof nodeHarness>>;
  beforeAll(async () => {
    stripe = await startFakeStripeServer();
    h = await nodeHarness({
      config: { publicUrl: 'http://porte.test', stripe: { secretKey: 'sk_test_porte', publishableKey: PK }, stripeApi: { host: stripe.host, port: stripe.port, protocol: stripe.protocol } },
    });
  });
  afterAll(async () => {
    await h?.close();
    await stripe?.close();
  });

  /** What Stripe.js does in the page: confirm the SetupIntent with the publishable key. */
  const browserConfirm = async (clientSecret: string, paymentMethod: string) => {
    const seti = /^(seti_[^_]+)/.exec(clientSecret)?.[1] ?? '';
    const res = await fetch(`${stripe.url}/v1/setup_intents/${seti}/confirm`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PK}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_secret: clientSecret, payment_method: paymentMethod }),
    });
    return { seti, status: res.status };
  };
  const props = (html: string) => JSON.parse(/<script type="application\/json" id="porte-props"[^>]*>(.*?)<\/script>/s.exec(html)?.[1] ?? 'null');

  it('mounts the Payment Element, saves the verified card, and a sealed state the browser cannot swap', async () => {
    const m = await h.merchant();
    await h.deps.db.run("UPDATE merchants SET gateway = 'stripe' WHERE id = ?", [m.id]);
    const api = client(h, m.secretKey);
    const c = (await api('POST', '/v1/customers', { email: 'stripe@example.com', first_name: 'Sam' })).body;
    const url = (await link(api, c.id)).url;
    const page = await openPortal(h, url);
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Security-Policy')).toContain('https://js.stripe.com');
    const view = props(page.html);
    expect(view.payment.gateway).toMatchObject({ kind: 'stripe', publishableKey: PK });
    // A reload replays the same Stripe customer and SetupIntent (idempotency keys from the link).
    const counts = () => ({ customers: stripe.objects('customer').length, intents: stripe.objects('setup_intent').length });
    const before = counts();
    expect(props((await openPortal(h, url)).html).payment.gateway.clientSecret).toBe(view.payment.gateway.clientSecret);
    expect(counts()).toEqual(before);

    const { seti, status } = await browserConfirm(view.payment.gateway.clientSecret, 'pm_card_mastercard');
    expect(status).toBe(200);
    const forged = await postPortal(h, url, '/payment_method', { csrf: view.payment.csrf, setup_intent: seti, gateway_state: `${view.payment.gateway.state}x` });
    expect(forged.status).toBe(422);
    const ok = await postPortal(h, url, '/payment_method', { csrf: view.payment.csrf, setup_intent: seti, gateway_state: view.payment.gateway.state });
    expect(ok.status).toBe(303);
    expect((await api('GET', `/v1/customers/${c.id}`)).body.payment_method).toMatchObject({ type: 'card', card: { brand: 'mastercard', last4: '4444' } });
    const ref = await h.deps.db.get<{ gateway: string; gateway_customer_id: string }>('SELECT gateway, gateway_customer_id FROM customer_gateway_refs WHERE customer_id = ?', [c.id]);
    expect(ref?.gateway).toBe('stripe');

    // The next change gets a fresh SetupIntent on the same Stripe customer.
    const next = props((await openPortal(h, url)).html);
    expect(next.payment.gateway.clientSecret).not.toBe(view.payment.gateway.clientSecret);
    expect(counts().customers).toBe(before.customers);
    const again = await browserConfirm(next.payment.gateway.clientSecret, 'pm_card_chargeDeclined');
    expect(again.status).toBe(402);
    const declined = await postPortal(h, url, '/payment_method', { csrf: next.payment.csrf, setup_intent: again.seti, gateway_state: next.payment.gateway.state });
    expect(declined.status).toBe(422);
    expect((await api('GET', `/v1/customers/${c.id}`)).body.payment_method.card.last4).toBe('4444');
  });

  it('still serves the portal (address, cancel) when Stripe is down, with a retry message instead of the form', async () => {
    const m = await h.merchant();
    await h.deps.db.run("UPDATE merchants SET gateway = 'stripe' WHERE id = ?", [m.id]);
    const api = client(h, m.secretKey);
    const c = (await api('POST', '/v1/customers', { email: 'down@example.com' })).body;
    stripe.failNext(3, 'http500', { path: '/v1/customers' });
    const page = await openPortal(h, (await link(api, c.id)).url);
    expect(page.status).toBe(200);
    shows(page.html, 'The payment service did not answer.');
    shows(page.html, 'name="line1"');
    hides(page.html, 'payment-element');
  });
});
