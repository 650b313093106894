import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type Harness, type HarnessFactory, type TestMerchant } from '../harness/types.ts';

type Client = ReturnType<typeof client>;

const DAY = 24 * 60 * 60 * 1000;
/** The public origin both harnesses serve the app under (PORTE_PUBLIC_URL). */
export const APP_ORIGIN = 'http://porte.test';

export const CARDS = { ok: '4242 4242 4242 4242', declined: '4000 0000 0000 0002', challenge: '4000 0027 6000 3184' } as const;
export const TEST_IBAN = 'DE89 3704 0044 0532 0130 00';
const nextYear = String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0');

/** What a customer types in the form (address and names), plus a card. */
export const formFields = (email: string, payment: Record<string, string> = card(CARDS.ok)): Record<string, string> => ({
  email,
  first_name: 'Ada',
  last_name: 'Lovelace',
  company: 'Analytical Engines',
  line1: '12 rue de la Paix',
  postal_code: '75002',
  city: 'Paris',
  country: 'FR',
  ...payment,
});
export const card = (number: string): Record<string, string> => ({ payment_type: 'card', card_number: number, card_expiry: `12/${nextYear}`, card_cvc: '123' });

export const offerBodies = {
  trial: { reference: 'pro-monthly', name: 'Pro', currency: 'EUR', recurring: { amount: 2900, interval: 'month' }, trial: { days: 14 }, features: ['Priority support'] },
  plain: { reference: 'basic-monthly', name: 'Basic', currency: 'EUR', recurring: { amount: 900, interval: 'month' } },
  setup: { reference: 'business-yearly', name: 'Business', currency: 'EUR', amount_upfront: 4900, recurring: { amount: 29000, interval: 'year' } },
};

/** GET the hosted page; returns the HTML and the form's CSRF token. */
export async function openCheckout(h: Harness, id: string, init: RequestInit = {}) {
  const res = await h.request(`/checkout/${id}`, { redirect: 'manual', ...init });
  const html = await res.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return { status: res.status, headers: res.headers, html, csrf };
}

/** POST the form as a browser would (urlencoded, Origin = Porte's public origin). */
export async function postCheckout(h: Harness, path: string, fields: Record<string, string>, origin: string | null = APP_ORIGIN) {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (origin) headers.Origin = origin;
  const res = await h.request(path, { method: 'POST', headers, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
  return { status: res.status, location: res.headers.get('Location'), html: await res.text() };
}

/**
 * A visitor following a shareable link: the GET shows the offer and a form (it creates nothing),
 * the form's POST creates the session and redirects to it. Returns where it went and the cookie.
 */
export async function followLink(h: Harness, path: string, cookie?: string) {
  const page = await h.request(path, { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
  expect(page.status).toBe(200);
  const html = await page.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? '';
  expect(action).toBe(path);
  const res = await h.request(action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: APP_ORIGIN, ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams({ csrf }).toString(),
  });
  expect(res.status).toBe(303);
  return { html, csrf, location: res.headers.get('Location') ?? '', cookie: res.headers.get('Set-Cookie')?.split(';')[0] ?? '' };
}

/** Customers and subscriptions the merchant can see: "nothing created" means both empty. */
export async function counts(api: Client): Promise<{ customers: number; subscriptions: number }> {
  const customers = await api('GET', '/v1/customers?limit=100');
  const subscriptions = await api('GET', '/v1/subscriptions?limit=100');
  return { customers: customers.body.data.length, subscriptions: subscriptions.body.data.length };
}

/** Page assertions that print what was looked for, not 100 KB of HTML. */
export const shows = (html: string, what: string | RegExp): void => {
  expect(typeof what === 'string' ? html.includes(what) : what.test(html), `the page should show ${what}`).toBe(true);
};
export const hides = (html: string, what: string | RegExp): void => {
  expect(typeof what === 'string' ? html.includes(what) : what.test(html), `the page should not show ${what}`).toBe(false);
};

/** The visible text of each field's <label> (without the "(optional)" hint). */
export const fieldLabels = (html: string): string[] => [...html.matchAll(/<label for="f-[\w-]+">([^<]*)/g)].map((m) => m[1] ?? '');

const close = (iso: string, expectedMs: number, toleranceMs = 60_000) => Math.abs(Date.parse(iso) - expectedMs) < toleranceMs;

/** CONTRACT "Checkout sessions", "Subscriptions", "Hosted pages": the same on Node and in workerd. */
export function checkoutSuite(factory: HarnessFactory): void {
  describe('checkout sessions and the hosted checkout form', () => {
    let h: Harness;

    beforeAll(async () => {
      h = await factory();
    });
    afterAll(async () => h?.close());

    /** A fresh merchant (its own grey-list counters) with the three kinds of offer. */
    async function shop(): Promise<{ merchant: TestMerchant; api: Client; offers: Record<keyof typeof offerBodies, { id: string; reference: string }> }> {
      const merchant = await h.merchant();
      const api = client(h, merchant.secretKey);
      const offers = {} as Record<keyof typeof offerBodies, { id: string; reference: string }>;
      for (const [key, body] of Object.entries(offerBodies) as [keyof typeof offerBodies, unknown][]) {
        const res = await api('POST', '/v1/offers', body);
        expect(res.status).toBe(201);
        offers[key] = res.body;
      }
      return { merchant, api, offers };
    }

    const session = async (api: Client, extra: Record<string, unknown> = {}) => {
      const res = await api('POST', '/v1/checkout_sessions', {
        offer: 'pro-monthly',
        success_url: 'https://shop.example/thanks?plan=pro',
        cancel_url: 'https://shop.example/pricing',
        ...extra,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as { id: string; url: string; status: string; expires_at: string; created_at: string };
    };

    /** Opens the page and posts the form with its CSRF token. */
    const complete = async (id: string, fields: Record<string, string>) => {
      const page = await openCheckout(h, id);
      expect(page.status).toBe(200);
      return postCheckout(h, `/checkout/${id}`, { csrf: page.csrf, ...fields });
    };

    it('creates an open session by offer reference or id, valid 24 hours, with its hosted URL', async () => {
      const { api, offers } = await shop();
      const before = Date.now();
      const byRef = await session(api);
      expect(byRef.id).toMatch(/^cs_/);
      expect(byRef).toMatchObject({ object: 'checkout_session', status: 'open', offer: offers.trial.id, customer: null, subscription: null });
      expect(byRef.url).toBe(`${APP_ORIGIN}/checkout/${byRef.id}`);
      expect(close(byRef.expires_at, before + DAY, 10_000)).toBe(true);
      expect(Date.parse(byRef.expires_at) - Date.parse(byRef.created_at)).toBe(DAY);

      const byId = await session(api, { offer: offers.plain.id, customer_email: 'ada@example.com', locale: 'fr' });
      expect(byId).toMatchObject({ offer: offers.plain.id, customer_email: 'ada@example.com', locale: 'fr', status: 'open' });
      expect(byId.id).not.toBe(byRef.id);
    });

    it('refuses an unknown offer, another merchant’s offer, and redirect URLs off the allowed origins, naming the field', async () => {
      const { api } = await shop();
      const other = await shop();
      const base = { offer: 'pro-monthly', success_url: 'http://localhost:3000/ok', cancel_url: 'http://127.0.0.1:8080/back' };
      expect((await api('POST', '/v1/checkout_sessions', base)).status).toBe(201);
      expect((await api('POST', '/v1/checkout_sessions', { ...base, success_url: 'https://shop.example/ok' })).status).toBe(201);

      const cases: [Record<string, unknown>, string][] = [
        [{ offer: 'nope' }, 'offer'],
        [{ offer: other.offers.trial.id }, 'offer'],
        [{ success_url: 'https://evil.example/ok' }, 'success_url'],
        [{ success_url: 'https://shop.example.evil.example/ok' }, 'success_url'],
        [{ success_url: 'http://shop.example/ok' }, 'success_url'],
        [{ cancel_url: 'https://evil.example/back' }, 'cancel_url'],
        [{ cancel_url: 'javascript:alert(1)' }, 'cancel_url'],
        [{ success_url: 'not a url' }, 'success_url'],
      ];
      for (const [patch, param] of cases) {
        const res = await api('POST', '/v1/checkout_sessions', { ...base, ...patch });
        expect({ patch, status: res.status, type: res.body.error?.type, param: res.body.error?.param }).toEqual({
          patch, status: 400, type: 'invalid_request_error', param,
        });
      }
      expect(await counts(api)).toEqual({ customers: 0, subscriptions: 0 });
    });

    it('retrieves a session for its merchant only', async () => {
      const { api } = await shop();
      const s = await session(api, { customer_reference: 'acct-1' });
      const got = await api('GET', `/v1/checkout_sessions/${s.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ id: s.id, status: 'open', customer: null, subscription: null, customer_reference: 'acct-1', expires_at: s.expires_at });
      const stranger = await shop();
      const cross = await stranger.api('GET', `/v1/checkout_sessions/${s.id}`);
      expect(cross.status).toBe(404);
      expect(cross.body.error.type).toBe('not_found');
      expect((await api('GET', '/v1/checkout_sessions/cs_missing')).status).toBe(404);
    });

    it('renders the hosted page with labels, the offer, a nonce’d script and frame-ancestors limited to the merchant', async () => {
      const { api } = await shop();
      const s = await session(api, { customer_email: 'prefilled@example.com' });
      const page = await openCheckout(h, s.id);
      expect(page.status).toBe(200);
      expect(page.headers.get('Content-Type')).toMatch(/^text\/html/);
      const policy = page.headers.get('Content-Security-Policy') ?? '';
      const directives = new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
      expect(directives.get('frame-ancestors')?.sort()).toEqual(['http://127.0.0.1:*', 'http://localhost:*', 'https://shop.example']);
      const scriptSrc = directives.get('script-src') ?? [];
      expect(scriptSrc).toHaveLength(1);
      const nonce = /^'nonce-([\w-]+)'$/.exec(scriptSrc[0] ?? '')?.[1];
      expect(nonce).toBeTruthy();
      const scripts = [...page.html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.some((tag) => tag.includes('src="/assets/checkout.js"'))).toBe(true);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
      // A fresh nonce on every response.
      const again = await openCheckout(h, s.id);
      expect(again.headers.get('Content-Security-Policy')).not.toContain(`'nonce-${nonce}'`);

      expect(fieldLabels(page.html)).toEqual(['Email', 'First name', 'Last name', 'Company', 'Address', 'Postal code', 'City', 'Country', 'Card number', 'Expiry', 'CVC', 'IBAN']);
      shows(page.html, /<button[^>]*type="submit"[^>]*>Subscribe<\/button>/);
      shows(page.html, 'Pro');
      shows(page.html, '€29.00');
      shows(page.html, '14-day free trial');
      shows(page.html, 'value="prefilled@example.com"');
      expect(page.csrf).toMatch(/^[0-9a-f]{32,}$/);
      shows(page.html, 'href="https://shop.example/pricing"');

      const missing = await openCheckout(h, 'cs_doesnotexist');
      expect(missing.status).toBe(404);
      shows(missing.html, 'Checkout not found');
    });

    it('renders the page in French from ?locale=fr or Accept-Language', async () => {
      const { api } = await shop();
      const s = await session(api);
      const ways: { path: string; headers: Record<string, string> }[] = [
        { path: `/checkout/${s.id}?locale=fr`, headers: { 'Accept-Language': 'en-US' } },
        { path: `/checkout/${s.id}`, headers: { 'Accept-Language': 'fr-FR,fr;q=0.9' } },
      ];
      for (const init of ways) {
        const res = await h.request(init.path, { headers: init.headers });
        const html = await res.text();
        shows(html, '<html lang="fr">');
        expect(fieldLabels(html)).toEqual(['E-mail', 'Prénom', 'Nom', 'Société', 'Adresse', 'Code postal', 'Ville', 'Pays', 'Numéro de carte', 'Expiration', 'CVC', 'IBAN']);
        expect(/>S(?:'|&#39;|&#x27;)abonner<\/button>/.test(html)).toBe(true);
        expect(/<p class="price">29,00[\u00a0\u202f ]€ \/ mois<\/p>/.test(html)).toBe(true);
      }

      // Completed in French, the new customer's language is French (the session set none).
      const page = await openCheckout(h, s.id, { headers: { 'Accept-Language': 'fr' } });
      const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1] ?? '';
      expect(action).toBe(`/checkout/${s.id}?locale=fr`);
      expect((await postCheckout(h, action, { csrf: page.csrf, ...formFields('francais@example.com') })).status).toBe(303);
      const done = await api('GET', `/v1/checkout_sessions/${s.id}`);
      expect((await api('GET', `/v1/customers/${done.body.customer}`)).body.language).toBe('fr');
    });

    it('completes with a test card: 303 to success_url with checkout_session_id, a trialing subscription, the customer with card details', async () => {
      const { api, offers } = await shop();
      const s = await session(api);
      const before = Date.now();
      const form = await openCheckout(h, s.id);
      const res = await postCheckout(h, `/checkout/${s.id}`, { csrf: form.csrf, ...formFields('ada@example.com') });
      expect(res.status).toBe(303);
      expect(res.location).toBe(`https://shop.example/thanks?plan=pro&checkout_session_id=${s.id}`);

      const done = await api('GET', `/v1/checkout_sessions/${s.id}`);
      expect(done.body.status).toBe('complete');
      expect(done.body.customer).toMatch(/^cus_/);
      expect(done.body.subscription).toMatch(/^sub_/);

      const customer = await api('GET', `/v1/customers/${done.body.customer}`);
      expect(customer.body).toMatchObject({
        email: 'ada@example.com',
        first_name: 'Ada',
        last_name: 'Lovelace',
        company: 'Analytical Engines',
        billing_address: { line1: '12 rue de la Paix', postal_code: '75002', city: 'Paris', country: 'FR' },
        auto_billing: true,
        grey_listed: false,
        payment_method: { type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2000 + Number(nextYear) } },
      });
      expect(JSON.stringify(customer.body)).not.toContain('4242424242424242');

      const subs = await api('GET', `/v1/subscriptions?customer=${done.body.customer}`);
      expect(subs.body.data).toHaveLength(1);
      const sub = subs.body.data[0];
      expect(sub).toMatchObject({ id: done.body.subscription, customer: done.body.customer, offer: offers.trial.id, status: 'trialing' });
      expect(close(sub.trial_end, before + 14 * DAY)).toBe(true);
      expect(sub.current_period_end).toBe(sub.trial_end);
      expect((await api('GET', `/v1/subscriptions/${sub.id}`)).body).toEqual(sub);

      // The page is now a clear "already subscribed" page; posting the form again (back button,
      // double click) lands on the success URL again and creates nothing.
      const after = await openCheckout(h, s.id);
      expect(after.status).toBe(200);
      shows(after.html, 'You are subscribed');
      hides(after.html, 'name="card_number"');
      const replay = await postCheckout(h, `/checkout/${s.id}`, { csrf: form.csrf, ...formFields('ada@example.com') });
      expect(replay.status).toBe(303);
      expect(replay.location).toBe(res.location);
      expect(await counts(api)).toEqual({ customers: 1, subscriptions: 1 });
    });

    it('starts an offer without trial as active, one interval long', async () => {
      const { api, offers } = await shop();
      const s = await session(api, { offer: 'basic-monthly' });
      expect((await complete(s.id, formFields('grace@example.com'))).status).toBe(303);
      const done = await api('GET', `/v1/checkout_sessions/${s.id}`);
      const sub = (await api('GET', `/v1/subscriptions?customer=${done.body.customer}`)).body.data[0];
      expect(sub).toMatchObject({ status: 'active', offer: offers.plain.id, trial_end: null });
      const start = new Date(sub.current_period_start);
      const end = new Date(sub.current_period_end);
      expect(close(sub.current_period_start, Date.now())).toBe(true);
      expect((end.getUTCMonth() - start.getUTCMonth() + 12) % 12).toBe(1);
      expect(end.getTime() - start.getTime()).toBeGreaterThanOrEqual(28 * DAY);
      expect(end.getTime() - start.getTime()).toBeLessThanOrEqual(31 * DAY);
    });

    it('pays by SEPA Direct Debit with the test IBAN (last4 and country only)', async () => {
      const { api } = await shop();
      const s = await session(api, { offer: 'business-yearly' });
      const bad = await complete(s.id, formFields('sepa@example.com', { payment_type: 'sepa_debit', iban: 'DE00 1234' }));
      expect(bad.status).toBe(422);
      shows(bad.html, 'This IBAN is not valid.');
      const res = await complete(s.id, formFields('sepa@example.com', { payment_type: 'sepa_debit', iban: TEST_IBAN }));
      expect(res.status).toBe(303);
      const done = await api('GET', `/v1/checkout_sessions/${s.id}`);
      const customer = await api('GET', `/v1/customers/${done.body.customer}`);
      expect(customer.body.payment_method).toEqual({ type: 'sepa_debit', sepa_debit: { last4: '3000', country: 'DE' } });
      expect(JSON.stringify(customer.body)).not.toContain('DE89370400440532013000');
    });

    it('reuses the existing customer of customer_reference, and creates one with a new reference', async () => {
      const { api } = await shop();
      const existing = await api('POST', '/v1/customers', { reference: 'acct-42', email: 'known@example.com', first_name: 'Known' });
      expect(existing.status).toBe(201);
      const s = await session(api, { customer_reference: 'acct-42' });
      // The returning customer finds their details already filled in.
      expect((await openCheckout(h, s.id)).html).toContain('value="known@example.com"');
      expect((await complete(s.id, formFields('typed@example.com'))).status).toBe(303);
      const done = await api('GET', `/v1/checkout_sessions/${s.id}`);
      expect(done.body.customer).toBe(existing.body.id);
      const customers = (await api('GET', '/v1/customers?limit=100')).body.data;
      expect(customers).toHaveLength(1);
      expect(customers[0]).toMatchObject({ id: existing.body.id, reference: 'acct-42', payment_method: { type: 'card', card: { last4: '4242' } } });
      // What they typed on the page (their corrected details) is kept, not thrown away.
      expect(customers[0].email).toBe('typed@example.com');
      expect(customers[0].billing_address).toMatchObject({ line1: formFields('x').line1, city: formFields('x').city, country: formFields('x').country });
      expect((await api('GET', `/v1/subscriptions?customer=${existing.body.id}`)).body.data).toHaveLength(1);

      const fresh = await session(api, { customer_reference: 'acct-43', offer: 'basic-monthly' });
      expect((await complete(fresh.id, formFields('new@example.com'))).status).toBe(303);
      const created = await api('GET', `/v1/checkout_sessions/${fresh.id}`);
      expect(created.body.customer).not.toBe(existing.body.id);
      expect((await api('GET', `/v1/customers/${created.body.customer}`)).body).toMatchObject({ reference: 'acct-43', email: 'new@example.com' });
      expect(await counts(api)).toEqual({ customers: 2, subscriptions: 2 });
    });

    it('refuses a post without the CSRF token, with a wrong one, or from another origin (403), creating nothing', async () => {
      const { api } = await shop();
      const s = await session(api);
      const page = await openCheckout(h, s.id);
      const attempts = [
        await postCheckout(h, `/checkout/${s.id}`, formFields('csrf@example.com')),
        await postCheckout(h, `/checkout/${s.id}`, { csrf: 'a'.repeat(64), ...formFields('csrf@example.com') }),
        await postCheckout(h, `/checkout/${s.id}`, { csrf: page.csrf, ...formFields('csrf@example.com') }, 'https://shop.example'),
        await postCheckout(h, `/checkout/${s.id}`, { csrf: page.csrf, ...formFields('csrf@example.com') }, 'https://evil.example'),
      ];
      for (const attempt of attempts) {
        expect(attempt.status).toBe(403);
        expect(attempt.location).toBeNull();
      }
      // Another session's token does not fit this one.
      const other = await openCheckout(h, (await session(api)).id);
      expect((await postCheckout(h, `/checkout/${s.id}`, { csrf: other.csrf, ...formFields('csrf@example.com') })).status).toBe(403);
      expect(await counts(api)).toEqual({ customers: 0, subscriptions: 0 });
      expect((await api('GET', `/v1/checkout_sessions/${s.id}`)).body.status).toBe('open');
    });

    it('shows a declined card as a 422 page with the error by the card field, keeps what was typed, creates nothing', async () => {
      const { api } = await shop();
      const s = await session(api);
      const res = await complete(s.id, formFields('declined@example.com', card(CARDS.declined)));
      expect(res.status).toBe(422);
      shows(res.html, 'Your card was declined. Try another payment method.');
      shows(res.html, /id="f-card_number"[^>]*aria-invalid="true"/);
      shows(res.html, 'id="f-card_number-error"');
      shows(res.html, 'value="declined@example.com"');
      shows(res.html, 'value="Lovelace"');
      hides(res.html, '4000 0000 0000 0002');
      hides(res.html, '4000000000000002');
      expect(await counts(api)).toEqual({ customers: 0, subscriptions: 0 });
      expect((await api('GET', `/v1/checkout_sessions/${s.id}`)).body.status).toBe('open');

      // Missing fields: 422 with "required" by each, nothing created either.
      const empty = await complete(s.id, { email: 'not-an-email', ...card(CARDS.ok) });
      expect(empty.status).toBe(422);
      shows(empty.html, 'Enter a valid email address.');
      shows(empty.html, 'This field is required.');
      expect(await counts(api)).toEqual({ customers: 0, subscriptions: 0 });
    });

    it('grey-lists an email after 5 declines: the form is then restricted (403) even with a good card', async () => {
      const { api } = await shop();
      const s = await session(api);
      for (let i = 1; i <= 4; i++) {
        const res = await complete(s.id, formFields('Greedy@Example.com', card(CARDS.declined)));
        expect({ i, status: res.status }).toEqual({ i, status: 422 });
      }
      const fifth = await complete(s.id, formFields('greedy@example.com', card(CARDS.declined)));
      expect(fifth.status).toBe(403);
      shows(fifth.html, 'Access to the payment form has been restricted');
      const sixth = await complete(s.id, formFields('greedy@example.com', card(CARDS.ok)));
      expect(sixth.status).toBe(403);
      shows(sixth.html, 'Access to the payment form has been restricted');
      expect(sixth.location).toBeNull();
      // A new session does not escape it either.
      const again = await session(api, { offer: 'basic-monthly' });
      expect((await complete(again.id, formFields('greedy@example.com', card(CARDS.ok)))).status).toBe(403);
      expect(await counts(api)).toEqual({ customers: 0, subscriptions: 0 });
      expect((await api('GET', `/v1/checkout_sessions/${s.id}`)).body.status).toBe('open');
    });

    it('grey-lists an existing customer (grey_listed: true) after 5 failures on its sessions', async () => {
      const { api } = await shop();
      const existing = await api('POST', '/v1/customers', { reference: 'risky-1', email: 'risky@example.com' });
      const s = await session(api, { customer_reference: 'risky-1' });
      const statuses: number[] = [];
      for (let i = 1; i <= 5; i++) statuses.push((await complete(s.id, formFields(`risky+${i}@example.com`, card(CARDS.declined)))).status);
      expect(statuses).toEqual([422, 422, 422, 422, 403]);
      const listed = await api('GET', `/v1/customers/${existing.body.id}`);
      expect(listed.body.grey_listed).toBe(true);
      expect(listed.body.payment_method).toEqual(existing.body.payment_method);

      const later = await session(api, { customer_reference: 'risky-1', offer: 'basic-monthly' });
      const res = await complete(later.id, formFields('someone-else@example.com', card(CARDS.ok)));
      expect(res.status).toBe(403);
      shows(res.html, 'Access to the payment form has been restricted');
      expect((await api('GET', `/v1/subscriptions?customer=${existing.body.id}`)).body.data).toHaveLength(0);

      // The merchant removes it from the grey list: the customer can subscribe again at once.
      expect((await api('PATCH', `/v1/customers/${existing.body.id}`, { grey_listed: false })).body.grey_listed).toBe(false);
      const cleared = await complete(later.id, formFields('risky@example.com', card(CARDS.ok)));
      expect(cleared.status).toBe(303);
      expect((await api('GET', `/v1/subscriptions?customer=${existing.body.id}`)).body.data).toHaveLength(1);
    });

    it('counts failed 3-D Secure verifications against the existing customer too, grey-listing it at 5', async () => {
      const { api } = await shop();
      const existing = await api('POST', '/v1/customers', { reference: 'risky-3ds', email: 'risky3ds@example.com' });
      const statuses: number[] = [];
      for (let i = 1; i <= 5; i++) {
        const s = await session(api, { customer_reference: 'risky-3ds' });
        const page = await openCheckout(h, s.id);
        expect((await postCheckout(h, `/checkout/${s.id}`, { csrf: page.csrf, ...formFields(`risky3ds+${i}@example.com`, card(CARDS.challenge)) })).status).toBe(303);
        statuses.push((await postCheckout(h, `/checkout/${s.id}/challenge`, { csrf: page.csrf, outcome: 'failed' })).status);
      }
      expect(statuses).toEqual([422, 422, 422, 422, 403]);
      expect((await api('GET', `/v1/customers/${existing.body.id}`)).body.grey_listed).toBe(true);
      expect(await counts(api)).toEqual({ customers: 1, subscriptions: 0 });
    });

    it('counts ten concurrent submissions of one session once: one customer, one subscription', async () => {
      const { api } = await shop();
      const s = await session(api);
      const page = await openCheckout(h, s.id);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => postCheckout(h, `/checkout/${s.id}`, { csrf: page.csrf, ...formFields('race@example.com') })),
      );
      for (const r of results) {
        expect(r.status).toBe(303);
        expect(r.location).toBe(`https://shop.example/thanks?plan=pro&checkout_session_id=${s.id}`);
      }
      expect(await counts(api)).toEqual({ customers: 1, subscriptions: 1 });
      const done = await api('GET', `/v1/checkout_sessions/${s.id}`);
      expect(done.body.status).toBe('complete');
    });

    it('passes through the 3-D Secure challenge: approve completes, fail returns to the form with nothing created', async () => {
      const { api } = await shop();
      const failed = await session(api);
      const first = await complete(failed.id, formFields('3ds@example.com', card(CARDS.challenge)));
      expect(first.status).toBe(303);
      expect(first.location).toMatch(new RegExp(`^(${APP_ORIGIN})?/checkout/${failed.id}/challenge\\?locale=en$`));
      const challenge = await h.request(`${new URL(first.location ?? '', APP_ORIGIN).pathname}?locale=en`);
      const challengeHtml = await challenge.text();
      expect(challenge.status).toBe(200);
      expect(challengeHtml).toContain('3-D Secure verification');
      const csrf = /name="csrf" value="([^"]+)"/.exec(challengeHtml)?.[1] ?? '';
      const fail = await postCheckout(h, `/checkout/${failed.id}/challenge?locale=en`, { csrf, outcome: 'failed' });
      expect(fail.status).toBe(422);
      shows(fail.html, 'The card’s authentication failed.');
      shows(fail.html, 'value="3ds@example.com"');
      expect(await counts(api)).toEqual({ customers: 0, subscriptions: 0 });
      // The challenge cannot be answered twice.
      expect((await h.request(`/checkout/${failed.id}/challenge`)).status).toBe(404);

      const approved = await session(api);
      expect((await complete(approved.id, formFields('3ds-ok@example.com', card(CARDS.challenge)))).status).toBe(303);
      const page = await (await h.request(`/checkout/${approved.id}/challenge`)).text();
      const token = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
      expect((await postCheckout(h, `/checkout/${approved.id}/challenge`, { outcome: 'approved' })).status).toBe(403);
      const ok = await postCheckout(h, `/checkout/${approved.id}/challenge`, { csrf: token, outcome: 'approved' });
      expect(ok.status).toBe(303);
      expect(ok.location).toBe(`https://shop.example/thanks?plan=pro&checkout_session_id=${approved.id}`);
      const done = await api('GET', `/v1/checkout_sessions/${approved.id}`);
      expect((await api('GET', `/v1/customers/${done.body.customer}`)).body).toMatchObject({ email: '3ds-ok@example.com', payment_method: { card: { last4: '3184' } } });
      expect(await counts(api)).toEqual({ customers: 1, subscriptions: 1 });
    });

    it('/subscribe/{slug}/{offer}: the page’s form creates a session (email and locale prefilled) and redirects to it', async () => {
      const { merchant, api, offers } = await shop();
      const { location } = await followLink(h, `/subscribe/${merchant.slug}/pro-monthly?email=link@example.com&locale=fr`);
      const id = /\/checkout\/(cs_\w+)(\?locale=fr)?$/.exec(location)?.[1];
      expect(id).toBeTruthy();
      const s = await api('GET', `/v1/checkout_sessions/${id}`);
      expect(s.body).toMatchObject({ status: 'open', offer: offers.trial.id, customer_email: 'link@example.com', locale: 'fr' });
      const page = await openCheckout(h, id ?? '');
      shows(page.html, '<html lang="fr">');
      shows(page.html, 'value="link@example.com"');

      // Without a configured success URL, the customer lands on Porte's own thank-you page.
      const done = await postCheckout(h, `/checkout/${id}`, { csrf: page.csrf, ...formFields('link@example.com') });
      expect(done.status).toBe(303);
      const thanks = new URL(done.location ?? '', APP_ORIGIN);
      expect(thanks.pathname).toBe('/checkout/thanks');
      expect(thanks.searchParams.get('checkout_session_id')).toBe(id);
      const thanksPage = await h.request(`${thanks.pathname}${thanks.search}`);
      expect(thanksPage.status).toBe(200);
      expect(await thanksPage.text()).toContain('Vous êtes abonné');

      await api('PATCH', '/v1/offers/basic-monthly', { visible: false });
      for (const path of [`/subscribe/${merchant.slug}/basic-monthly`, `/subscribe/${merchant.slug}/nope`, '/subscribe/no-such-merchant/pro-monthly']) {
        const missing = await h.request(path, { redirect: 'manual' });
        expect({ path, status: missing.status }).toEqual({ path, status: 404 });
      }
    });
  });
}
