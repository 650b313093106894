import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type Harness, type HarnessFactory } from '../harness/types.ts';
import { formFields, openCheckout, postCheckout } from './checkout.suite.ts';

const ORIGIN = 'https://shop.example';

/** The widget's public endpoints, as a merchant's page calls them (publishable key + Origin): Node and workerd. */
export function widgetApiSuite(factory: HarnessFactory): void {
let h: Harness;
beforeAll(async () => {
  h = await factory();
});
afterAll(async () => h?.close());

async function merchantWithOffer(mode: 'test' | 'live') {
  const m = await h.merchant({ mode });
  const offer = await client(h, m.secretKey)('POST', '/v1/offers', { reference: 'pro', name: 'Pro', currency: 'EUR', recurring: { amount: 2900, interval: 'month' } });
  expect(offer.status).toBe(201);
  return m;
}

function openSession(key: string, body: unknown, origin = ORIGIN) {
  return h.request(`/widget/v1/checkout_sessions?key=${key}`, { method: 'POST', headers: { Origin: origin, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

describe('widget API', () => {
  it('in live mode, a customer reference needs its hash; a wrong hash is refused; the right one is accepted', async () => {
    const m = await merchantWithOffer('live');
    const noHash = await openSession(m.publishableKey, { offer: 'pro', customer: { reference: 'acct-1' }, page_url: `${ORIGIN}/pricing` });
    expect(noHash.status).toBe(400);
    expect((await noHash.json()).error).toMatchObject({ param: 'customer.hash', code: 'customer_hash_required' });
    const wrong = await openSession(m.publishableKey, { offer: 'pro', customer: { reference: 'acct-1', hash: 'a'.repeat(64) }, page_url: `${ORIGIN}/pricing` });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toMatchObject({ param: 'customer.hash', code: 'customer_hash_invalid' });
    const hash = createHmac('sha256', m.embedSecret).update('acct-1').digest('hex');
    const ok = await openSession(m.publishableKey, { offer: 'pro', customer: { reference: 'acct-1', hash }, page_url: `${ORIGIN}/pricing` });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    const session = await client(h, m.secretKey)('GET', `/v1/checkout_sessions/${(await ok.json()).id}`);
    expect(session.body).toMatchObject({ customer_reference: 'acct-1', success_url: `${ORIGIN}/pricing` });
  });

  it('refuses a secret key, an unknown origin, and a success_url off the allowed origins', async () => {
    const m = await merchantWithOffer('test');
    // (A GET: one middleware guards every widget route, and undici in front of workerd turns a 401
    // answer to a POST with a streamed body into a network error.)
    const secret = await h.request(`/widget/v1/offers/pro?key=${m.secretKey}`, { headers: { Origin: ORIGIN } });
    expect(secret.status).toBe(401);
    expect((await secret.json()).error.type).toBe('authentication_error');
    const foreign = await openSession(m.publishableKey, { offer: 'pro', page_url: 'https://evil.example/' }, 'https://evil.example');
    expect(foreign.status).toBe(403);
    // The refusal (and nothing else) is readable by the page, so the widget can say which origin to add.
    expect(foreign.headers.get('Access-Control-Allow-Origin')).toBe('*');
    const refusal = await foreign.json();
    expect(Object.keys(refusal)).toEqual(['error']);
    expect(refusal.error).toMatchObject({ code: 'origin_not_allowed', message: expect.stringContaining('Add https://evil.example in Settings → Allowed origins') });
    const offsite = await openSession(m.publishableKey, { offer: 'pro', success_url: 'https://evil.example/thanks', page_url: `${ORIGIN}/` });
    expect(offsite.status).toBe(400);
    expect((await offsite.json()).error.param).toBe('success_url');
  });

  it('serves the pricing table with an ETag that revalidates to 304', async () => {
    const m = await merchantWithOffer('test');
    await client(h, m.secretKey)('POST', '/v1/pricing_tables', { reference: 'default', offers: ['pro'], highlighted: 'pro' });
    const first = await h.request(`/widget/v1/pricing_tables/default?key=${m.publishableKey}`, { headers: { Origin: ORIGIN } });
    expect(first.status).toBe(200);
    expect((await first.json()).offers.map((o: { reference: string }) => o.reference)).toEqual(['pro']);
    const etag = first.headers.get('ETag');
    expect(etag).toBeTruthy();
    const again = await h.request(`/widget/v1/pricing_tables/default?key=${m.publishableKey}`, { headers: { Origin: ORIGIN, 'If-None-Match': etag ?? '' } });
    expect(again.status).toBe(304);
  });

  it('never serves a grid painted before an edit: a new price, French words, or offer list shows at once, under a new ETag', async () => {
    const m = await merchantWithOffer('test');
    const api = client(h, m.secretKey);
    expect((await api('POST', '/v1/offers', { reference: 'team', name: 'Team', currency: 'EUR', recurring: { amount: 9900, interval: 'month' } })).status).toBe(201);
    expect((await api('POST', '/v1/pricing_tables', { reference: 'default', offers: ['pro'], highlighted: 'pro' })).status).toBe(201);
    const table = async (locale: string, ifNoneMatch?: string) => {
      const res = await h.request(`/widget/v1/pricing_tables/default?key=${m.publishableKey}&locale=${locale}`, {
        headers: { Origin: ORIGIN, ...(ifNoneMatch ? { 'If-None-Match': ifNoneMatch } : {}) },
      });
      return { status: res.status, etag: res.headers.get('ETag') ?? '', body: res.status === 200 ? await res.json() : undefined };
    };
    // Asked twice, as every visitor's page does: the same grid and the same ETag.
    const first = await table('en');
    expect(first.body.html).toMatch(/€29\.00/);
    expect(await table('en')).toEqual(first);

    // The price changes: the next visitor sees it, and a browser holding the old ETag gets the new body, not a 304.
    expect((await api('PATCH', '/v1/offers/pro', { recurring: { amount: 3900, interval: 'month' } })).status).toBe(200);
    const repriced = await table('en', first.etag);
    expect(repriced.status).toBe(200);
    expect(repriced.body.html).toMatch(/€39\.00/);
    expect(repriced.body.html).not.toMatch(/€29\.00/);
    expect(repriced.body.offers[0].recurring.amount).toBe(3900);
    expect(repriced.etag).not.toBe(first.etag);
    expect((await table('en', repriced.etag)).status).toBe(304);

    // French words: the French grid follows them; the English one keeps its own.
    const frBefore = await table('fr');
    expect(frBefore.body.html).toMatch(/39,00\s€/);
    await api('PATCH', '/v1/offers/pro', { translations: { fr: { name: 'Formule Pro' } } });
    const frAfter = await table('fr', frBefore.etag);
    expect(frAfter.status).toBe(200);
    expect(frAfter.body.html).toContain('Formule Pro');
    expect((await table('en')).body.html).not.toContain('Formule Pro');

    // The table itself: another offer added, the highlight moved.
    expect((await api('PATCH', '/v1/pricing_tables/default', { offers: ['pro', 'team'], highlighted: 'team' })).status).toBe(200);
    const widened = await table('en', repriced.etag);
    expect(widened.status).toBe(200);
    expect(widened.body.offers.map((o: { reference: string }) => o.reference)).toEqual(['pro', 'team']);
    expect(widened.body.highlighted).toBe('team');
    expect(widened.body.html.match(/<button /g)).toHaveLength(2);
    expect(widened.body.html).toMatch(/€99\.00/);
  });

  it('sends the grid painted on the server: merchant words escaped, in data-locale or else the browser language, a bad locale named', async () => {
    const m = await h.merchant({ mode: 'test' });
    const api = client(h, m.secretKey);
    const hostile = '<img src=x onerror=alert(1)>';
    const offer = await api('POST', '/v1/offers', {
      reference: 'pro',
      name: hostile,
      description: 'Fish & "chips"',
      currency: 'EUR',
      recurring: { amount: 2900, interval: 'month' },
      features: ['</li><script>alert(2)</script>'],
      translations: { fr: { name: 'Pro (fr)' } },
    });
    expect(offer.status).toBe(201);
    expect((await api('POST', '/v1/pricing_tables', { reference: 'default', offers: ['pro'], highlighted: 'pro' })).status).toBe(201);
    const table = (query: string, headers: Record<string, string> = {}) =>
      h.request(`/widget/v1/pricing_tables/default?key=${m.publishableKey}${query}`, { headers: { Origin: ORIGIN, ...headers } });

    const en = await table('&locale=en');
    expect(en.status).toBe(200);
    const body = await en.json();
    // The merchant's words arrive as text, never as markup the page would parse.
    // (Every "<" and "&" escaped is enough for text: a ">" alone starts nothing.)
    expect(body.html).toContain('&lt;img src=x onerror=alert(1)');
    expect(body.html).toContain('&lt;/li>&lt;script>alert(2)&lt;/script>');
    expect(body.html).toContain('Fish &amp; &quot;chips&quot;');
    expect(body.html).not.toMatch(/<img|<script/i);
    // One button per offer, named by its reference for the loader's click listener; the price in English.
    expect(body.html.match(/<button /g)).toHaveLength(1);
    expect(body.html).toContain('data-offer="pro"');
    expect(body.html).toMatch(/€29\.00/);
    expect(body.html).toContain('Most popular');
    // The stylesheet the loader adopts, with the theming custom properties.
    expect(body.css).toMatch(/var\(--porte-accent/);

    const fr = await (await table('&locale=fr')).json();
    expect(fr.html).toContain('Pro (fr)');
    expect(fr.html).toMatch(/29,00\s€/);
    expect(fr.html).toContain('Le plus choisi');
    // Without data-locale: the browser's language, and caches told so.
    const browserFr = await table('&locale=', { 'Accept-Language': 'fr-CA,fr;q=0.9,en;q=0.5' });
    expect((await browserFr.json()).html).toContain("S'abonner");
    expect(browserFr.headers.get('Vary')).toMatch(/Accept-Language/);
    expect((await (await table('', { 'Accept-Language': 'de-DE' })).json()).html).toContain('Subscribe');

    const bad = await table('&locale=de');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.param).toBe('locale');
  });

  it('answers the preflight for allowed origins only, and hides hidden offers', async () => {
    const m = await merchantWithOffer('test');
    const preflight = (origin: string) =>
      h.request(`/widget/v1/checkout_sessions?key=${m.publishableKey}`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
    const ok = await preflight(ORIGIN);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    // A foreign origin's preflight is answered (no credentials, no data) so that its POST reaches
    // the refusal above instead of failing as a bare CORS error; the origin itself is never echoed.
    const evil = await preflight('https://evil.example');
    expect(evil.status).toBe(204);
    expect(evil.headers.get('Access-Control-Allow-Origin')).toBe('*');

    expect((await h.request(`/widget/v1/offers/pro?key=${m.publishableKey}`, { headers: { Origin: ORIGIN } })).status).toBe(200);
    await client(h, m.secretKey)('PATCH', '/v1/offers/pro', { visible: false });
    expect((await h.request(`/widget/v1/offers/pro?key=${m.publishableKey}`, { headers: { Origin: ORIGIN } })).status).toBe(404);
  });

  it('tells the page a session’s result only once complete, as ids; the customer email is prefilled', async () => {
    const m = await merchantWithOffer('test');
    const created = await openSession(m.publishableKey, { offer: 'pro', customer: { email: 'widget@example.com' }, page_url: `${ORIGIN}/pricing` });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    const result = (key: string) => h.request(`/widget/v1/checkout_sessions/${id}?key=${key}`, { headers: { Origin: ORIGIN } });
    expect(await (await result(m.publishableKey)).json()).toEqual({ id, status: 'open' });

    const page = await openCheckout(h, id);
    expect(page.html).toContain('value="widget@example.com"');
    expect((await postCheckout(h, `/checkout/${id}`, { csrf: page.csrf, ...formFields('widget@example.com') })).status).toBe(303);
    const done = await (await result(m.publishableKey)).json();
    const session = (await client(h, m.secretKey)('GET', `/v1/checkout_sessions/${id}`)).body;
    expect(done).toMatchObject({ id, status: 'complete', customer: { id: session.customer }, subscription: { id: session.subscription } });
    expect(JSON.stringify(done)).not.toContain('widget@example.com');
    // Another merchant's key learns nothing of it.
    const other = await merchantWithOffer('test');
    expect((await result(other.publishableKey)).status).toBe(404);
  });
});
}
