import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type Harness, type HarnessFactory } from '../harness/types.ts';
import { APP_ORIGIN, CARDS, card, fieldLabels, formFields, hides, openCheckout, postCheckout, shows, TEST_IBAN } from './checkout.suite.ts';

type Client = ReturnType<typeof client>;
const DAY_S = 86_400;
export const XSS_NAME = '<img src=x onerror=alert(1)>';

/** The portal page at a link's URL (path only: both harnesses serve http://porte.test). */
export async function openPortal(h: Harness, url: string, init: RequestInit = {}) {
  const u = new URL(url, APP_ORIGIN);
  const res = await h.request(`${u.pathname}${u.search}`, { redirect: 'manual', ...init });
  const html = await res.text();
  const csrf = (form: string) => new RegExp(`action="[^"]*/${form}[^"]*"[^>]*>\\s*<input type="hidden" name="csrf" value="([^"]+)"`).exec(html)?.[1] ?? '';
  return { status: res.status, headers: res.headers, html, csrf, location: res.headers.get('Location') };
}

/** A customer with a subscription, made the way customers get one: a completed checkout. */
export async function subscribedCustomer(h: Harness, api: Client, email: string, offer = 'pro-monthly'): Promise<{ customer: string; subscription: string }> {
  const s = await api('POST', '/v1/checkout_sessions', { offer, success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/back' });
  expect(s.status).toBe(201);
  const page = await openCheckout(h, s.body.id);
  expect((await postCheckout(h, `/checkout/${s.body.id}`, { csrf: page.csrf, ...formFields(email) })).status).toBe(303);
  const done = (await api('GET', `/v1/checkout_sessions/${s.body.id}`)).body;
  return { customer: done.customer, subscription: done.subscription };
}

export async function portalShop(h: Harness) {
  const merchant = await h.merchant();
  const api = client(h, merchant.secretKey);
  const offers = [
    { reference: 'pro-monthly', name: 'Pro', currency: 'EUR', recurring: { amount: 2900, interval: 'month' }, trial: { days: 14 } },
    { reference: 'basic-monthly', name: 'Basic', currency: 'EUR', recurring: { amount: 900, interval: 'month' } },
  ];
  for (const body of offers) expect((await api('POST', '/v1/offers', body)).status).toBe(201);
  return { merchant, api };
}

export async function link(api: Client, customer: string, body: Record<string, unknown> = {}): Promise<{ url: string; expires_at: string }> {
  const res = await api('POST', `/v1/customers/${customer}/portal_links`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Posts one of the portal's forms with its CSRF token, as a browser on Porte's origin would. */
export const postPortal = (h: Harness, url: string, path: string, fields: Record<string, string>, origin: string | null = APP_ORIGIN) =>
  postCheckout(h, `${new URL(url).pathname}${path}`, fields, origin);

/** CONTRACT "portal_links", "revoke_links", GET /portal/{token}: the same on Node and in workerd. */
export function portalSuite(factory: HarnessFactory): void {
  describe('portal links and the customer portal', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await factory();
    });
    afterAll(async () => h?.close());

    it('creates a link (201, default 24 h, or expires_in and locale) and validates the body', async () => {
      const { api } = await portalShop(h);
      const c = (await api('POST', '/v1/customers', { email: 'link@example.com' })).body;
      const before = Date.now();
      const res = await api('POST', `/v1/customers/${c.id}/portal_links`);
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['expires_at', 'object', 'url']);
      expect(res.body.object).toBe('portal_link');
      expect(res.body.url).toMatch(/^http:\/\/porte\.test\/portal\/[\w-]+\.[\w-]{43}$/);
      expect(Math.abs(Date.parse(res.body.expires_at) - (before + DAY_S * 1000))).toBeLessThan(10_000);
      const week = await link(api, c.id, { expires_in: 604_800, locale: 'fr' });
      expect(Math.abs(Date.parse(week.expires_at) - (before + 7 * DAY_S * 1000))).toBeLessThan(10_000);
      expect(week.url).not.toBe(res.body.url);
      for (const body of [{ expires_in: 299 }, { expires_in: 604_801 }, { expires_in: 600.5 }, { expires_in: '600' }, { locale: 'de' }, { nope: 1 }, [1]]) {
        const bad = await api('POST', `/v1/customers/${c.id}/portal_links`, body);
        expect({ body, status: bad.status, type: bad.body.error?.type }).toEqual({ body, status: 400, type: 'invalid_request_error' });
      }
      const openapi = await (await h.request('/v1/openapi.json')).text();
      expect(openapi).toContain('/v1/customers/{id}/portal_links');
    });

    it('404 for an unknown customer and for another merchant’s customer; 401 without the key', async () => {
      const { api } = await portalShop(h);
      const other = await portalShop(h);
      const theirs = (await other.api('POST', '/v1/customers', { email: 'theirs@example.com' })).body;
      for (const id of [theirs.id, 'cus_nope']) {
        const res = await api('POST', `/v1/customers/${id}/portal_links`, {});
        expect(res.status).toBe(404);
        expect(res.body.error.type).toBe('not_found');
      }
      expect((await h.request(`/v1/customers/${theirs.id}/portal_links`, { method: 'POST' })).status).toBe(401);
    });

    it('renders the customer’s plan, payment method and address forms with labels, a nonce’d script and frame-ancestors none', async () => {
      const { api } = await portalShop(h);
      const { customer } = await subscribedCustomer(h, api, 'ada@example.com');
      const page = await openPortal(h, (await link(api, customer)).url);
      expect(page.status).toBe(200);
      const policy = page.headers.get('Content-Security-Policy') ?? '';
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("form-action 'self'");
      const nonce = /'nonce-([\w-]+)'/.exec(policy)?.[1];
      expect(nonce).toBeTruthy();
      for (const tag of [...page.html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])) expect(tag).toContain(`nonce="${nonce}"`);
      shows(page.html, 'src="/assets/portal.js"');
      expect(page.headers.get('Cache-Control')).toBe('no-store');
      shows(page.html, 'Account of Ada Lovelace');
      shows(page.html, 'Pro');
      shows(page.html, '€29.00 / month');
      shows(page.html, 'Trial ends');
      shows(page.html, 'Visa •••• 4242');
      shows(page.html, 'Cancel subscription');
      expect(fieldLabels(page.html)).toEqual(['Card number', 'Expiry', 'CVC', 'IBAN', 'Address', 'Address line 2', 'Postal code', 'City', 'Region or state', 'Country', 'Phone', 'VAT number']);
      shows(page.html, 'value="12 rue de la Paix"');
      shows(page.html, /<option value="FR" selected/);
      expect(page.csrf('payment_method')).toMatch(/^[\w-]{43}$/);
      expect(page.csrf('billing_address')).not.toBe(page.csrf('payment_method'));
    });

    it('speaks French from the link’s locale, ?locale= or Accept-Language', async () => {
      const { api } = await portalShop(h);
      const c = (await api('POST', '/v1/customers', { first_name: 'Jeanne', billing_address: { country: 'FR' } })).body;
      const fr = (await link(api, c.id, { locale: 'fr' })).url;
      const en = (await link(api, c.id)).url;
      for (const [url, init] of [[fr, {}], [`${en}?locale=fr`, {}], [en, { headers: { 'Accept-Language': 'fr-FR,fr;q=0.9' } }]] as const) {
        const page = await openPortal(h, url, init);
        shows(page.html, '<html lang="fr">');
        shows(page.html, 'Votre compte');
        expect(fieldLabels(page.html)).toEqual(['Numéro de carte', 'Expiration', 'CVC', 'IBAN', 'Adresse', "Complément d'adresse", 'Code postal', 'Ville', 'Région ou État', 'Pays', 'Téléphone', 'Numéro de TVA']);
        shows(page.html, '>France</option>');
      }
      shows((await openPortal(h, `${fr}?locale=en`)).html, '<html lang="en">');
    });

    it('refuses a tampered, truncated or forged link with a 403 page', async () => {
      const { api } = await portalShop(h);
      const a = (await api('POST', '/v1/customers', { first_name: 'Alice' })).body;
      const b = (await api('POST', '/v1/customers', { first_name: 'Bob' })).body;
      const url = (await link(api, a.id)).url;
      const [payload = '', sig = ''] = new URL(url).pathname.split('/').at(-1)?.split('.') ?? [];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...claims, c: b.id })).toString('base64url');
      const later = Buffer.from(JSON.stringify({ ...claims, e: claims.e + 3600 })).toString('base64url');
      const flip = (s: string) => (s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`);
      for (const token of [`${forged}.${sig}`, `${later}.${sig}`, `${payload}.${flip(sig)}`, `${payload}.${sig.slice(0, -1)}`, payload, `${payload}.`, 'x', 'a.b', `${payload}.${sig}.${sig}`]) {
        const page = await openPortal(h, `/portal/${token}`);
        expect({ token, status: page.status }).toEqual({ token, status: 403 });
        shows(page.html, 'This link is not valid');
        hides(page.html, 'Alice');
        hides(page.html, 'Bob');
      }
      expect((await openPortal(h, url)).status).toBe(200);
    });

    it('revoke_links turns every earlier link into a 403; a new link works', async () => {
      const { api } = await portalShop(h);
      const c = (await api('POST', '/v1/customers', { first_name: 'Rita' })).body;
      const old = (await link(api, c.id)).url;
      const page = await openPortal(h, old);
      expect(page.status).toBe(200);
      expect((await api('POST', `/v1/customers/${c.id}/revoke_links`)).status).toBe(200);
      const revoked = await openPortal(h, old);
      expect(revoked.status).toBe(403);
      hides(revoked.html, 'Rita');
      // Forms of a page loaded before the revocation are refused too.
      const post = await postPortal(h, old, '/billing_address', { csrf: page.csrf('billing_address'), line1: '1 Main St', postal_code: '1000', city: 'Brussels', country: 'BE' });
      expect(post.status).toBe(403);
      expect((await api('GET', `/v1/customers/${c.id}`)).body.billing_address).toBeNull();
      const fresh = await openPortal(h, (await link(api, c.id)).url);
      expect(fresh.status).toBe(200);
      shows(fresh.html, 'Rita');
    });

    it('refuses a link for an anonymized customer (409), and its earlier links stop working', async () => {
      const { api } = await portalShop(h);
      const c = (await api('POST', '/v1/customers', { first_name: 'Gone', email: 'gone@example.com' })).body;
      const old = (await link(api, c.id)).url;
      expect((await api('POST', `/v1/customers/${c.id}/anonymize`)).status).toBe(200);
      const res = await api('POST', `/v1/customers/${c.id}/portal_links`, {});
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('customer_anonymized');
      expect((await openPortal(h, old)).status).toBe(403);
    });

    it('shows its own customer only: A’s link never shows B, nor cancels B’s subscription', async () => {
      const { api } = await portalShop(h);
      const a = await subscribedCustomer(h, api, 'alice@example.com', 'pro-monthly');
      const b = await subscribedCustomer(h, api, 'bob@example.com', 'basic-monthly');
      await api('PATCH', `/v1/customers/${b.customer}`, { first_name: 'Bobby', billing_address: { line1: '9 Secret Road', city: 'Lyon', postal_code: '69001', country: 'FR' } });
      const url = (await link(api, a.customer)).url;
      const page = await openPortal(h, url);
      shows(page.html, 'Pro');
      for (const secret of ['bob@example.com', 'Bobby', '9 Secret Road', b.customer, b.subscription, 'Basic']) hides(page.html, secret);
      shows(page.html, a.subscription);
      const cancel = await openPortal(h, `${url}/subscriptions/${b.subscription}/cancel`);
      expect(cancel.status).toBe(404);
      const mine = await openPortal(h, `${url}/subscriptions/${a.subscription}/cancel`);
      const post = await postPortal(h, url, `/subscriptions/${b.subscription}/cancel`, { csrf: mine.csrf('cancel'), confirm: 'yes' });
      expect(post.status).toBe(404);
      expect((await api('GET', `/v1/subscriptions/${b.subscription}`)).body.cancel_at_period_end).toBe(false);
    });

    it('changes the payment method with a test card, SEPA, and through 3-D Secure; a decline changes nothing', async () => {
      const { api } = await portalShop(h);
      const c = (await api('POST', '/v1/customers', { email: 'pay@example.com', auto_billing: true })).body;
      const url = (await link(api, c.id)).url;
      let page = await openPortal(h, url);
      shows(page.html, 'None');
      const declined = await postPortal(h, url, '/payment_method', { csrf: page.csrf('payment_method'), ...card(CARDS.declined) });
      expect(declined.status).toBe(422);
      shows(declined.html, 'Your card was declined. Try another payment method.');
      shows(declined.html, /id="f-card_number"[^>]*aria-invalid="true"/);
      hides(declined.html, '4000 0000 0000 0002');
      expect((await api('GET', `/v1/customers/${c.id}`)).body.payment_method).toEqual({ type: 'none' });

      const ok = await postPortal(h, url, '/payment_method', { csrf: page.csrf('payment_method'), ...card(CARDS.ok) });
      expect(ok.status).toBe(303);
      expect(ok.location).toMatch(/\/portal\/[\w.-]+\?locale=en&done=payment_method$/);
      expect((await api('GET', `/v1/customers/${c.id}`)).body).toMatchObject({ auto_billing: true, payment_method: { type: 'card', card: { brand: 'visa', last4: '4242' } } });
      page = await openPortal(h, ok.location ?? '');
      shows(page.html, 'Your payment method has been updated.');
      shows(page.html, 'Visa •••• 4242');

      const sepa = await postPortal(h, url, '/payment_method', { csrf: page.csrf('payment_method'), payment_type: 'sepa_debit', iban: TEST_IBAN });
      expect(sepa.status).toBe(303);
      expect((await api('GET', `/v1/customers/${c.id}`)).body.payment_method).toEqual({ type: 'sepa_debit', sepa_debit: { last4: '3000', country: 'DE' } });

      const challenge = await postPortal(h, url, '/payment_method', { csrf: page.csrf('payment_method'), ...card(CARDS.challenge) });
      expect(challenge.status).toBe(303);
      const step = await openPortal(h, challenge.location ?? '');
      expect(step.status).toBe(200);
      shows(step.html, '3-D Secure verification');
      expect(step.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
      const csrf = /name="csrf" value="([^"]+)"/.exec(step.html)?.[1] ?? '';
      const pending = /name="pending" value="([^"]+)"/.exec(step.html)?.[1] ?? '';
      expect((await postPortal(h, url, '/challenge', { pending, outcome: 'approved' })).status).toBe(403);
      const approved = await postPortal(h, url, '/challenge', { csrf, pending, outcome: 'approved' });
      expect(approved.status).toBe(303);
      expect((await api('GET', `/v1/customers/${c.id}`)).body.payment_method).toMatchObject({ type: 'card', card: { last4: '3184' } });
      // The answered challenge cannot be replayed.
      expect((await postPortal(h, url, '/challenge', { csrf, pending, outcome: 'approved' })).status).toBe(422);
    });

    it('edits the billing address (validated, visible through the API); refuses posts without the CSRF token or from elsewhere', async () => {
      const { api } = await portalShop(h);
      const c = (await api('POST', '/v1/customers', { email: 'addr@example.com' })).body;
      const url = (await link(api, c.id)).url;
      const page = await openPortal(h, url);
      const csrf = page.csrf('billing_address');
      const address = { line1: '5 Avenue Louise', line2: 'Bte 3', postal_code: '1050', city: 'Ixelles', region: 'Bruxelles', country: 'be', phone: '+32 2 123 45 67', tax_id: 'BE 0417.497.106' };
      const bad = await postPortal(h, url, '/billing_address', { csrf, ...address, city: '', country: 'ZZ', phone: 'call me' });
      expect(bad.status).toBe(422);
      shows(bad.html, 'Please correct the highlighted fields.');
      shows(bad.html, /id="f-city"[^>]*aria-invalid="true"/);
      shows(bad.html, 'Choose a country from the list.');
      shows(bad.html, 'value="5 Avenue Louise"');
      // A Belgian number whose check digits are wrong (97 − 04174971 mod 97 = 06, not 07) is refused, nothing saved.
      const badVat = await postPortal(h, url, '/billing_address', { csrf, ...address, tax_id: 'BE0417497107' });
      expect(badVat.status).toBe(422);
      shows(badVat.html, 'This is not a valid VAT number for the chosen country');
      shows(badVat.html, /id="f-tax_id"[^>]*aria-invalid="true"/);
      for (const attempt of [
        await postPortal(h, url, '/billing_address', address),
        await postPortal(h, url, '/billing_address', { csrf: page.csrf('payment_method'), ...address }),
        await postPortal(h, url, '/billing_address', { csrf, ...address }, 'https://evil.example'),
      ]) expect(attempt.status).toBe(403);
      expect((await api('GET', `/v1/customers/${c.id}`)).body.billing_address).toBeNull();

      const ok = await postPortal(h, url, '/billing_address', { csrf, ...address });
      expect(ok.status).toBe(303);
      expect((await api('GET', `/v1/customers/${c.id}`)).body.billing_address).toEqual({ ...address, country: 'BE', tax_id: 'BE0417497106' });
      shows((await openPortal(h, ok.location ?? '')).html, 'Your billing address has been updated.');
    });

    it('cancels at period end after a confirmation step; a second confirmation changes nothing more', async () => {
      const { api } = await portalShop(h);
      const { customer, subscription } = await subscribedCustomer(h, api, 'cancel@example.com', 'basic-monthly');
      const url = (await link(api, customer, { locale: 'fr' })).url;
      const confirm = await openPortal(h, `${url}/subscriptions/${subscription}/cancel`);
      expect(confirm.status).toBe(200);
      shows(confirm.html, 'Résilier votre abonnement ?');
      shows(confirm.html, 'Basic');
      expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.cancel_at_period_end).toBe(false);
      const csrf = /name="csrf" value="([^"]+)"/.exec(confirm.html)?.[1] ?? '';
      const keep = await postPortal(h, url, `/subscriptions/${subscription}/cancel`, { csrf, confirm: 'no' });
      expect(keep.status).toBe(303);
      expect(keep.location).not.toContain('done=');
      expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.cancel_at_period_end).toBe(false);
      const res = await postPortal(h, url, `/subscriptions/${subscription}/cancel`, { csrf, confirm: 'yes' });
      expect(res.status).toBe(303);
      const sub = (await api('GET', `/v1/subscriptions/${subscription}`)).body;
      expect(sub).toMatchObject({ status: 'active', cancel_at_period_end: true });
      const after = await openPortal(h, res.location ?? '');
      shows(after.html, "Votre abonnement prendra fin à l'issue de la période en cours.");
      shows(after.html, 'Résiliation à la fin de la période en cours');
      hides(after.html, `/subscriptions/${subscription}/cancel`);
      expect((await postPortal(h, url, `/subscriptions/${subscription}/cancel`, { csrf, confirm: 'yes' })).status).toBe(303);
      expect((await api('GET', `/v1/subscriptions/${subscription}`)).body).toEqual(sub);
    });

    it('resumes a pending cancellation with "Resume subscription"; a forged post (no token, other origin) changes nothing', async () => {
      const { api } = await portalShop(h);
      const { customer, subscription } = await subscribedCustomer(h, api, 'resume@example.com', 'basic-monthly');
      const url = (await link(api, customer)).url;
      hides((await openPortal(h, url)).html, 'Resume subscription');
      expect((await api('POST', `/v1/subscriptions/${subscription}/cancel`, { at_period_end: true })).body.cancel_at_period_end).toBe(true);
      const page = await openPortal(h, url);
      shows(page.html, 'Cancels at the end of the current period');
      shows(page.html, 'Resume subscription');
      const csrf = page.csrf('resume');
      expect(csrf).not.toBe('');

      const forged = [
        await postPortal(h, url, `/subscriptions/${subscription}/resume`, {}),
        await postPortal(h, url, `/subscriptions/${subscription}/resume`, { csrf: 'x'.repeat(43) }),
        await postPortal(h, url, `/subscriptions/${subscription}/resume`, { csrf }, 'https://evil.example'),
      ];
      expect(forged.map((r) => r.status)).toEqual([403, 403, 403]);
      expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.cancel_at_period_end).toBe(true);

      const res = await postPortal(h, url, `/subscriptions/${subscription}/resume`, { csrf });
      expect(res.status).toBe(303);
      const sub = (await api('GET', `/v1/subscriptions/${subscription}`)).body;
      expect(sub).toMatchObject({ status: 'active', cancel_at_period_end: false });
      const after = await openPortal(h, res.location ?? '');
      shows(after.html, 'Your subscription continues: it will renew as usual.');
      hides(after.html, 'Cancels at the end of the current period');
      hides(after.html, 'Resume subscription');
      shows(after.html, `/subscriptions/${subscription}/cancel`);
      // A second click changes nothing more; another customer's link cannot resume this one.
      expect((await postPortal(h, url, `/subscriptions/${subscription}/resume`, { csrf })).status).toBe(303);
      expect((await api('GET', `/v1/subscriptions/${subscription}`)).body).toEqual(sub);
      await api('POST', `/v1/subscriptions/${subscription}/cancel`, { at_period_end: true });
      const other = await subscribedCustomer(h, api, 'other-resume@example.com', 'basic-monthly');
      await api('POST', `/v1/subscriptions/${other.subscription}/cancel`, { at_period_end: true });
      const otherUrl = (await link(api, other.customer)).url;
      const otherCsrf = (await openPortal(h, otherUrl)).csrf('resume');
      expect(otherCsrf).not.toBe('');
      expect((await postPortal(h, otherUrl, `/subscriptions/${subscription}/resume`, { csrf: otherCsrf })).status).toBe(404);
      expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.cancel_at_period_end).toBe(true);
      // In French too.
      shows((await openPortal(h, `${url}?locale=fr`)).html, "Reprendre l'abonnement");
    });

    it('shows a customer named like HTML as text, in the page and in the hydration props', async () => {
      const { api } = await portalShop(h);
      const c = (await api('POST', '/v1/customers', { first_name: XSS_NAME, last_name: '</script><script>alert(2)</script>' })).body;
      const page = await openPortal(h, (await link(api, c.id)).url);
      expect(page.status).toBe(200);
      hides(page.html, '<img src=x');
      hides(page.html, '<script>alert(2)');
      shows(page.html, 'Account of &lt;img src=x onerror=alert(1)> &lt;/script>');
      shows(page.html, '\\u003cimg src=x onerror=alert(1)>');
    });

    it('grey-lists after 5 failures on the portal’s payment form: restricted, even with a good card', async () => {
      const { api } = await portalShop(h);
      const c = (await api('POST', '/v1/customers', { email: 'grey-portal@example.com' })).body;
      const url = (await link(api, c.id)).url;
      const page = await openPortal(h, url);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await postPortal(h, url, '/payment_method', { csrf: page.csrf('payment_method'), ...card(CARDS.declined) })).status);
      expect(statuses).toEqual([422, 422, 422, 422, 403]);
      expect((await api('GET', `/v1/customers/${c.id}`)).body.grey_listed).toBe(true);
      const good = await postPortal(h, url, '/payment_method', { csrf: page.csrf('payment_method'), ...card(CARDS.ok) });
      expect(good.status).toBe(403);
      shows(good.html, 'Access to the payment form has been restricted');
      const now = await openPortal(h, url);
      shows(now.html, 'Access to the payment form has been restricted');
      hides(now.html, 'name="card_number"');
      shows(now.html, 'name="line1"');
      expect((await api('GET', `/v1/customers/${c.id}`)).body.payment_method).toEqual({ type: 'none' });
    });

    it('does not count mistyped card details towards the grey list: after seven typos a good card is saved', async () => {
      const { api } = await portalShop(h);
      const c = (await api('POST', '/v1/customers', { email: 'typo-portal@example.com' })).body;
      const url = (await link(api, c.id)).url;
      const page = await openPortal(h, url);
      for (let i = 0; i < 7; i++) {
        const typo = await postPortal(h, url, '/payment_method', { csrf: page.csrf('payment_method'), ...card(CARDS.ok), card_expiry: '13/99' });
        expect({ i, status: typo.status }).toEqual({ i, status: 422 });
        shows(typo.html, 'Enter a future expiry date as MM/YY.');
      }
      expect((await postPortal(h, url, '/payment_method', { csrf: page.csrf('payment_method'), ...card(CARDS.ok) })).status).toBe(303);
      expect((await api('GET', `/v1/customers/${c.id}`)).body).toMatchObject({ grey_listed: false, payment_method: { type: 'card', card: { last4: '4242' } } });
    });
  });
}
