// Accounts with two environments (issue 10), on both runtimes: the key decides the environment,
// the back-office switches between them, and the data of one is never shown in the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../harness/agent.ts';
import { client, type Harness, type HarnessFactory, type TestMerchant } from '../harness/types.ts';
import { CARDS, card, formFields, openCheckout, postCheckout } from './checkout.suite.ts';

export function accountsSuite(factory: HarnessFactory): void {
  describe('accounts and environments', () => {
    let h: Harness;
    let m: TestMerchant;

    beforeAll(async () => {
      h = await factory();
      m = await h.merchant();
    }, 120_000);
    afterAll(() => h?.close());

    it('a live key reads live data only, a test key test data only; a key cannot pass for the other mode', async () => {
      const live = await h.merchant({ mode: 'live', accountOf: m });
      const test = client(h, m.secretKey);
      const liveApi = client(h, live.secretKey);
      const offer = { reference: `env-${Date.now()}`, name: 'Pro', currency: 'EUR', amount_upfront: 0, recurring: { amount: 900, interval: 'month', interval_count: 1 }, trial: null, features: [], visible: true };
      expect((await test('POST', '/v1/offers', offer)).status).toBe(201);
      const inTest = await test('GET', '/v1/offers');
      const inLive = await liveApi('GET', '/v1/offers');
      expect(inTest.body.data.map((o: { reference: string }) => o.reference)).toContain(offer.reference);
      expect(inLive.body.data).toEqual([]);
      expect((await liveApi('GET', `/v1/offers/${inTest.body.data[0].id}`)).status).toBe(404);
      // The same random part under the other prefix is not a key.
      const forged = m.secretKey.replace('porte_sk_test_', 'porte_sk_live_');
      expect((await client(h, forged)('GET', '/v1/offers')).status).toBe(401);
    });

    it('the back-office toggles between test and live: a banner in test, the other environment’s data never shown', async () => {
      // An account as migrated from a single merchant: test only, live made on first use.
      const m = await h.merchant();
      const owner = await Agent.owner(h, m.slug);
      const ref = `ENV-${Date.now()}`;
      const created = await client(h, m.secretKey)('POST', '/v1/customers', { reference: ref, email: 'test-only@example.com' });
      expect(created.status).toBe(201);

      const testList = await owner.text('/admin/customers');
      expect(testList).toContain('data-test-mode');
      expect(testList).toContain('test-only@example.com');
      expect(testList).toMatch(/aria-pressed="true"[^>]*>Test mode</);

      const _csrf = await owner.token('/admin/customers');
      const toggled = await owner.send('/admin/mode', { _csrf, mode: 'live', next: '/admin/customers/cus_x' });
      expect(toggled.status).toBe(303);
      expect(toggled.headers.get('location')).toBe('/admin/customers');
      const liveList = await owner.text('/admin/customers');
      expect(liveList).not.toContain('data-test-mode');
      expect(liveList).not.toContain('test-only@example.com');
      expect(liveList).toMatch(/aria-pressed="false"[^>]*>Test mode</);
      // The test customer's own page is not reachable from live either.
      expect((await owner.send(`/admin/customers/${created.body.id}`)).status).toBe(404);

      // Keys are per environment: live has a live publishable key and no secret key until one is made.
      const settings = await owner.text('/admin/settings');
      expect(settings).toMatch(/value="porte_pk_live_[0-9A-Za-z]{32}"/);
      expect(settings).not.toContain(m.publishableKey);
      expect(settings).toContain('No secret key yet for this environment.');
      const made = await owner.send('/admin/settings/secret-key/roll', { _csrf });
      const liveSecret = /value="(porte_sk_live_[0-9A-Za-z]{32})"/.exec(await made.text())?.[1] ?? '';
      expect(liveSecret).not.toBe('');
      const liveCustomers = await client(h, liveSecret)('GET', '/v1/customers');
      expect(liveCustomers.status).toBe(200);
      expect(liveCustomers.body.data).toEqual([]);

      // The team is the account's: the same owner in both environments.
      expect(await owner.text('/admin/team')).toContain(`${m.slug}@example.com`);

      // The test gateway and Stripe test keys are refused in live, naming the field.
      const gw = await owner.send('/admin/settings/gateway', { _csrf, gateway: 'test' });
      expect(gw.status).toBe(422);
      const wrongKeys = await owner.send('/admin/settings/gateway', { _csrf, gateway: 'stripe', stripe_secret_key: `sk_test_${'a'.repeat(24)}` });
      expect(wrongKeys.status).toBe(422);
      expect(await wrongKeys.text()).toMatch(/id="f-stripe_secret_key-error"[^>]*>This key is for the other environment/);

      // Back to test: the banner and the test data again.
      await owner.send('/admin/mode', { _csrf, mode: 'test', next: '/admin/settings' });
      const back = await owner.text('/admin/customers');
      expect(back).toContain('data-test-mode');
      expect(back).toContain('test-only@example.com');
    });
  });
}

/** GET/PATCH /v1/account: the business profile, one per account, refusing bad input by field. */
export function profileSuite(factory: HarnessFactory): void {
  describe('business profile API', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await factory();
    }, 120_000);
    afterAll(() => h?.close());

    it('is shared by both environments; bad input names the field and changes nothing', async () => {
      const test = await h.merchant();
      const live = await h.merchant({ mode: 'live', accountOf: test });
      const other = await h.merchant();
      const api = client(h, test.secretKey);
      const profile = {
        legal_name: 'Atelier Dupont SAS',
        trading_name: 'Atelier Dupont',
        address: { line1: '12 rue de la Paix', postal_code: '75002', city: 'Paris' },
        country: 'fr',
        company_number: '303 265 045',
        vat_number: 'FR 40 303265045',
        support_email: 'help@atelier.example',
        support_url: 'https://atelier.example/help',
        brand_color: '#1D4ED8',
        default_locale: 'fr',
      };
      const saved = await api('PATCH', '/v1/account', profile);
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body).toMatchObject({ object: 'account', environment: 'test', country: 'FR', company_number: '303265045', vat_number: 'FR40303265045', brand_color: '#1d4ed8', address: { line2: null } });
      const fromLive = await client(h, live.secretKey)('GET', '/v1/account');
      expect(fromLive.body).toMatchObject({ environment: 'live', legal_name: 'Atelier Dupont SAS', id: saved.body.id });
      expect((await client(h, other.secretKey)('GET', '/v1/account')).body.legal_name).toBeNull();

      for (const [body, param] of [
        [{ vat_number: 'DE123456789' }, 'vat_number'], // a German number for a French business
        [{ vat_number: 'FR123' }, 'vat_number'],
        [{ brand_color: 'blue' }, 'brand_color'],
        [{ brand_color: '#ffcc00' }, 'brand_color'], // white text on yellow: 1.6:1
        [{ company_number: '12345' }, 'company_number'],
        [{ support_email: 'nope' }, 'support_email'],
        [{ country: 'XX' }, 'country'],
        [{ address: { line1: '' , postal_code: '1', city: 'x' } }, 'address.line1'],
        [{ logo: 'x' }, 'logo'],
      ] as const) {
        const res = await api('PATCH', '/v1/account', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.param, JSON.stringify(body)).toBe(param);
      }
      expect((await api('GET', '/v1/account')).body).toEqual(saved.body);
      // In the OpenAPI document, from the same schemas.
      const doc = await (await h.request('/v1/openapi.json')).json();
      expect(Object.keys(doc.paths['/v1/account'] ?? {})).toEqual(expect.arrayContaining(['get', 'patch']));
    });
  });
}

/** The business's brand on its customers' pages: checkout (and so the widget frame) and the restricted page. */
export function brandingSuite(factory: HarnessFactory): void {
  describe('branding on hosted pages', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await factory();
    }, 120_000);
    afterAll(() => h?.close());

    it('checkout shows the trading name and colour; the restricted page shows the support contact', async () => {
      const m = await h.merchant();
      const api = client(h, m.secretKey);
      expect((await api('PATCH', '/v1/account', { trading_name: 'Atelier Dupont', brand_color: '#0B5D3B', support_email: 'help@atelier.example', support_url: 'https://atelier.example/help' })).status).toBe(200);
      const offer = { reference: 'pro', name: 'Pro', currency: 'EUR', amount_upfront: 0, recurring: { amount: 900, interval: 'month', interval_count: 1 }, trial: null, features: [], visible: true };
      expect((await api('POST', '/v1/offers', offer)).status).toBe(201);
      const s = await api('POST', '/v1/checkout_sessions', { offer: 'pro', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/back' });
      const page = await (await h.request(`/checkout/${s.body.id}?embed=1`)).text();
      expect(page).toContain('--accent:#0b5d3b');
      expect(page).toMatch(/class="merchant">Atelier Dupont</);

      const customer = await api('POST', '/v1/customers', { reference: 'grey-1', email: 'grey@example.com' });
      expect((await api('PATCH', `/v1/customers/${customer.body.id}`, { grey_listed: true })).status).toBe(200);
      const grey = await api('POST', '/v1/checkout_sessions', { offer: 'pro', customer_reference: 'grey-1', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/back' });
      // A grey-listed customer reaches the restricted page on submitting the form.
      const opened = await openCheckout(h, grey.body.id);
      const restricted = await postCheckout(h, `/checkout/${grey.body.id}`, { csrf: opened.csrf, ...formFields('grey@example.com', card(CARDS.ok)) });
      expect(restricted.status).toBe(403);
      const html = restricted.html;
      expect(html).toContain('href="mailto:help@atelier.example"');
      expect(html).toContain('href="https://atelier.example/help"');
      expect(html).toContain('Questions? Contact Atelier Dupont:');
    });
  });
}

/** Offer translations: the visitor's language where the merchant gave words for it, the default elsewhere. */
export function translationsSuite(factory: HarnessFactory): void {
  describe('offer translations', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await factory();
    }, 120_000);
    afterAll(() => h?.close());

    it('checkout in fr shows the French words, in en the default; the grid gets both; bad input names the field', async () => {
      const m = await h.merchant();
      const api = client(h, m.secretKey);
      const offer = {
        reference: 'pro', name: 'Pro plan', description: 'For growing teams', currency: 'EUR', recurring: { amount: 900, interval: 'month' }, features: ['Priority support'],
        translations: { fr: { name: 'Formule Pro', description: 'Pour les équipes qui grandissent', features: ['Support prioritaire'] } },
      };
      const created = await api('POST', '/v1/offers', offer);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.translations).toEqual(offer.translations);
      expect((await api('POST', '/v1/offers', { ...offer, reference: 'x', translations: { de: { name: 'Profi' } } })).body.error.param).toBe('translations.de');
      expect((await api('PATCH', '/v1/offers/pro', { translations: { fr: { name: '' } } })).body.error.param).toBe('translations.fr.name');

      const s = await api('POST', '/v1/checkout_sessions', { offer: 'pro', success_url: 'https://shop.example/ok', cancel_url: 'https://shop.example/back' });
      const fr = await (await h.request(`/checkout/${s.body.id}?locale=fr`)).text();
      // What the page shows (the hydration props carry the offer with its translations: not checked here).
      expect(fr).toContain('<title>Formule Pro —');
      expect(fr).toContain('>Support prioritaire<');
      expect(fr).not.toContain('>Priority support<');
      const en = await (await h.request(`/checkout/${s.body.id}?locale=en`)).text();
      expect(en).toContain('<title>Pro plan —');
      expect(en).toContain('>Priority support<');
      expect(en).not.toContain('>Support prioritaire<');

      // Only a name in French: description and features fall back to the default.
      await api('PATCH', '/v1/offers/pro', { translations: { fr: { name: 'Formule Pro' } } });
      const partial = await (await h.request(`/checkout/${s.body.id}?locale=fr`)).text();
      expect(partial).toContain('<title>Formule Pro —');
      expect(partial).toContain('>Priority support<');

      await api('POST', '/v1/pricing_tables', { reference: 'default', offers: ['pro'] });
      const grid = await h.request(`/widget/v1/pricing_tables/default?key=${m.publishableKey}`, { headers: { Origin: 'https://shop.example' } });
      expect(grid.status).toBe(200);
      expect((await grid.json()).offers[0].translations).toEqual({ fr: { name: 'Formule Pro' } });
    });
  });
}
