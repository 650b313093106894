import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type Harness, type HarnessFactory } from '../harness/types.ts';
import { APP_ORIGIN, CARDS, card, counts, followLink, formFields, hides, offerBodies, openCheckout, shows } from './checkout.suite.ts';

type Client = ReturnType<typeof client>;
const SHOP = 'https://shop.example';

/** The database, for what no API shows (rows a GET must not create). */
export function sqlOf(h: Harness) {
  const sql = h.sql;
  if (!sql) throw new Error('this harness has no database access');
  return sql;
}

/** POST the checkout form from a given client address (both runtimes' way of telling the app). */
export async function postFrom(h: Harness, ip: string, path: string, fields: Record<string, string>) {
  const res = await h.request(path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: APP_ORIGIN, 'x-porte-client-ip': ip, 'CF-Connecting-IP': ip },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, location: res.headers.get('Location'), html: await res.text() };
}

/**
 * Issue 9: what checkout may sell to whom (hidden offers, anonymized customers, prefill), the
 * shareable link's GET creating nothing, and a grey list that blocks attackers but not customers.
 */
export function checkoutRulesSuite(factory: HarnessFactory): void {
  describe('checkout rules: hidden offers, erased customers, prefill, shareable links, grey list', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await factory();
    });
    afterAll(async () => h?.close());

    async function shop() {
      const merchant = await h.merchant();
      const api = client(h, merchant.secretKey);
      for (const body of Object.values(offerBodies)) expect((await api('POST', '/v1/offers', body)).status).toBe(201);
      return { merchant, api };
    }
    const apiSession = async (api: Client, extra: Record<string, unknown> = {}) => {
      const res = await api('POST', '/v1/checkout_sessions', { offer: 'pro-monthly', success_url: `${SHOP}/ok`, cancel_url: `${SHOP}/back`, ...extra });
      return res;
    };
    const widgetSession = (key: string, body: Record<string, unknown>) =>
      h.request(`/widget/v1/checkout_sessions?key=${key}`, {
        method: 'POST',
        headers: { Origin: SHOP, 'Content-Type': 'application/json' },
        body: JSON.stringify({ page_url: `${SHOP}/pricing`, ...body }),
      });
    const sessionRows = async (merchantId: string) =>
      (await sqlOf(h)<{ n: number }>('SELECT COUNT(*) AS n FROM checkout_sessions WHERE merchant_id = ?', [merchantId]))[0]?.n ?? -1;
    const complete = async (id: string, fields: Record<string, string>, ip = '198.51.100.1') => {
      const page = await openCheckout(h, id);
      return postFrom(h, ip, `/checkout/${id}`, { csrf: page.csrf, ...fields });
    };

    it('a hidden offer is sold through a secret-key session only: the widget and the shareable link refuse it, by reference or id', async () => {
      const { merchant, api } = await shop();
      const hidden = await api('PATCH', '/v1/offers/basic-monthly', { visible: false });
      expect(hidden.body.visible).toBe(false);
      for (const offer of ['basic-monthly', hidden.body.id]) {
        const res = await widgetSession(merchant.publishableKey, { offer });
        expect({ offer, status: res.status }).toEqual({ offer, status: 400 });
        expect((await res.json()).error).toMatchObject({ param: 'offer', code: 'resource_missing' });
      }
      // The link's form was shown while the offer was visible, then the merchant hid it: refused.
      await api('PATCH', '/v1/offers/pro-monthly', { visible: true });
      const page = await h.request(`/subscribe/${merchant.slug}/pro-monthly`);
      const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      await api('PATCH', '/v1/offers/pro-monthly', { visible: false });
      const late = await h.request(`/subscribe/${merchant.slug}/pro-monthly`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: APP_ORIGIN },
        body: new URLSearchParams({ csrf }).toString(),
      });
      expect(late.status).toBe(404);
      expect((await h.request(`/subscribe/${merchant.slug}/pro-monthly`)).status).toBe(404);
      expect(await sessionRows(merchant.id)).toBe(0);

      // The merchant's own server may still sell it, and that session completes.
      const s = await apiSession(api, { offer: 'basic-monthly' });
      expect(s.status).toBe(201);
      expect((await complete(s.body.id, formFields('hidden@example.com'))).status).toBe(303);
      expect(await counts(api)).toEqual({ customers: 1, subscriptions: 1 });
    });

    it('the shareable link’s GET creates nothing (100 visits, 0 rows); its form creates one session, reused on return', async () => {
      const { merchant, api } = await shop();
      for (let i = 0; i < 100; i++) {
        const res = await h.request(`/subscribe/${merchant.slug}/pro-monthly?email=scan${i}@example.com`, { redirect: 'manual' });
        expect(res.status).toBe(200);
        await res.text();
      }
      expect(await sessionRows(merchant.id)).toBe(0);

      const path = `/subscribe/${merchant.slug}/pro-monthly?email=ada@example.com`;
      const first = await followLink(h, path);
      shows(first.html, 'Pro');
      shows(first.html, 'src="/assets/subscribe-link.js"');
      const id = /^\/checkout\/(cs_\w+)$/.exec(first.location)?.[1] ?? '';
      expect((await api('GET', `/v1/checkout_sessions/${id}`)).body).toMatchObject({ status: 'open', customer_email: 'ada@example.com' });
      expect(first.cookie).toMatch(/^porte_link=cs_/);
      // Back or reload with the cookie: straight to the same session, nothing written.
      const again = await h.request(path, { redirect: 'manual', headers: { Cookie: first.cookie } });
      expect(again.status).toBe(303);
      expect(again.headers.get('Location')).toBe(`/checkout/${id}`);
      // Another visitor (no cookie) gets a session of their own.
      expect((await followLink(h, path)).location).not.toBe(first.location);
      expect(await sessionRows(merchant.id)).toBe(2);

      // The form's POST is ours only: no token, or another site posting, creates nothing.
      const forged = [
        { Origin: APP_ORIGIN, body: 'csrf=' },
        { Origin: 'https://evil.example', body: `csrf=${first.csrf}` },
      ];
      for (const f of forged) {
        const res = await h.request(path, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: f.Origin }, body: f.body });
        expect(res.status).toBe(403);
      }
      expect(await sessionRows(merchant.id)).toBe(2);
    });

    it('the shareable link’s POST is rate-limited per address, like the widget’s sessions', async () => {
      const { merchant } = await shop();
      const path = `/subscribe/${merchant.slug}/pro-monthly`;
      const csrf = /name="csrf" value="([^"]+)"/.exec(await (await h.request(path)).text())?.[1] ?? '';
      const post = async (ip: string) => {
        const res = await h.request(path, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: APP_ORIGIN, 'x-porte-client-ip': ip, 'CF-Connecting-IP': ip },
          body: new URLSearchParams({ csrf }).toString(),
        });
        return { status: res.status, html: await res.text() };
      };
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await post('192.0.2.20')).status);
      expect(statuses).toEqual(Array(20).fill(303));
      const limited = await post('192.0.2.20');
      expect(limited.status).toBe(429);
      shows(limited.html, 'Too many attempts');
      expect((await post('192.0.2.21')).status).toBe(303);
      expect(await sessionRows(merchant.id)).toBe(21);
    });

    it('a concurrent burst of 30 widget sessions from one address opens exactly 20 (the rest 429), as a sequence would', async () => {
      const { merchant } = await shop();
      const burst = await Promise.all(
        Array.from({ length: 30 }, () =>
          h.request(`/widget/v1/checkout_sessions?key=${merchant.publishableKey}`, {
            method: 'POST',
            headers: { Origin: SHOP, 'Content-Type': 'application/json', 'x-porte-client-ip': '192.0.2.30', 'CF-Connecting-IP': '192.0.2.30' },
            body: JSON.stringify({ page_url: `${SHOP}/pricing`, offer: 'pro-monthly' }),
          }),
        ),
      );
      const statuses = burst.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array(20).fill(201), ...Array(10).fill(429)]);
      expect(await sessionRows(merchant.id)).toBe(20);
    });

    it('never reattaches an anonymized customer’s reference: new sessions are refused, open ones end on a clear page, the erasure stays', async () => {
      const { merchant, api } = await shop();
      const customer = (await api('POST', '/v1/customers', { reference: 'gone-1', email: 'gone@example.com', first_name: 'Gone' })).body;
      const open = await apiSession(api, { customer_reference: 'gone-1' });
      const page = await openCheckout(h, open.body.id);
      expect((await api('POST', `/v1/customers/${customer.id}/anonymize`)).status).toBe(200);

      const refused = await apiSession(api, { customer_reference: 'gone-1' });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'customer_anonymized', param: 'customer_reference' });
      const viaWidget = await widgetSession(merchant.publishableKey, { offer: 'pro-monthly', customer: { reference: 'gone-1' } });
      expect(viaWidget.status).toBe(409);
      expect((await viaWidget.json()).error).toMatchObject({ code: 'customer_anonymized', param: 'customer.reference' });

      const shown = await openCheckout(h, open.body.id);
      expect(shown.status).toBe(409);
      shows(shown.html, 'This checkout cannot be completed');
      hides(shown.html, 'name="card_number"');
      const posted = await postFrom(h, '198.51.100.2', `/checkout/${open.body.id}`, { csrf: page.csrf, ...formFields('back@example.com') });
      expect(posted.status).toBe(409);
      const after = (await api('GET', `/v1/customers/${customer.id}`)).body;
      expect(after).toMatchObject({ status: 'anonymized', email: null, first_name: null, payment_method: { type: 'none' } });
      expect(await counts(api)).toEqual({ customers: 1, subscriptions: 0 });
      expect((await api('GET', `/v1/checkout_sessions/${open.body.id}`)).body.status).toBe('open');
      // The database itself refuses to undo the erasure, whoever writes (a race, a future feature).
      await expect(sqlOf(h)("UPDATE customers SET email = 'back@example.com' WHERE id = ? RETURNING id", [customer.id])).rejects.toThrow(/customer_anonymized/);
      expect(await sqlOf(h)('UPDATE customers SET grey_listed = 1 WHERE id = ? RETURNING id', [customer.id])).toHaveLength(1);
    });

    it('prefills a known customer’s details only for a verified reference (secret key or identity hash)', async () => {
      const { merchant, api } = await shop();
      await api('POST', '/v1/customers', { reference: 'acct-7', email: 'private@example.com', first_name: 'Secret', billing_address: { line1: '1 Hidden Lane', city: 'Lyon', country: 'FR' } });
      const guessed = await widgetSession(merchant.publishableKey, { offer: 'pro-monthly', customer: { reference: 'acct-7' } });
      expect(guessed.status).toBe(201);
      const stranger = await openCheckout(h, (await guessed.json()).id);
      expect(stranger.status).toBe(200);
      for (const secret of ['private@example.com', 'Secret', '1 Hidden Lane']) hides(stranger.html, secret);

      const hash = createHmac('sha256', merchant.embedSecret).update('acct-7').digest('hex');
      const vouched = await widgetSession(merchant.publishableKey, { offer: 'pro-monthly', customer: { reference: 'acct-7', hash } });
      const owner = await openCheckout(h, (await vouched.json()).id);
      for (const known of ['value="private@example.com"', 'value="Secret"', 'value="1 Hidden Lane"']) shows(owner.html, known);
      const server = await openCheckout(h, (await apiSession(api, { customer_reference: 'acct-7' })).body.id);
      shows(server.html, 'value="private@example.com"');
    });

    it('grey list: mistyped details are not attempts; an address full of declines blocks strangers but not a known customer', async () => {
      const { merchant, api } = await shop();
      const s = (await apiSession(api)).body;
      for (let i = 0; i < 7; i++) {
        const typo = await complete(s.id, formFields('typo@example.com', { ...card(CARDS.ok), card_expiry: '13/99' }));
        expect({ i, status: typo.status }).toEqual({ i, status: 422 });
        shows(typo.html, 'Enter a future expiry date as MM/YY.');
      }
      expect((await complete(s.id, formFields('typo@example.com'))).status).toBe(303);

      // Five strangers decline from one office address: the next stranger there is restricted…
      const office = '203.0.113.50';
      await api('POST', '/v1/customers', { reference: 'loyal-1', email: 'loyal@example.com' });
      for (let i = 1; i <= 5; i++) {
        const declined = await complete((await apiSession(api)).body.id, formFields(`stranger${i}@example.com`, card(CARDS.declined)), office);
        expect(declined.status).toBe(i < 5 ? 422 : 403);
      }
      const next = await complete((await apiSession(api)).body.id, formFields('newcomer@example.com'), office);
      expect(next.status).toBe(403);
      shows(next.html, 'Access to the payment form has been restricted');
      // …but the merchant's existing customer, with no failure of their own, subscribes from there.
      const loyal = await complete((await apiSession(api, { customer_reference: 'loyal-1' })).body.id, formFields('loyal@example.com'), office);
      expect(loyal.status).toBe(303);
      // And elsewhere, strangers are not affected.
      expect((await complete((await apiSession(api)).body.id, formFields('elsewhere@example.com'), '198.51.100.77')).status).toBe(303);
      // A grey-listed customer stays restricted even behind an unverified reference (test mode, no hash).
      const listed = (await api('POST', '/v1/customers', { reference: 'listed-1', email: 'listed@example.com' })).body;
      expect((await api('PATCH', `/v1/customers/${listed.id}`, { grey_listed: true })).body.grey_listed).toBe(true);
      const unverified = await widgetSession(merchant.publishableKey, { offer: 'pro-monthly', customer: { reference: 'listed-1' } });
      expect((await complete((await unverified.json()).id, formFields('other@example.com'), '198.51.100.78')).status).toBe(403);
    });

    it('pages subscriptions with limit and starting_after; another merchant’s subscription is 404', async () => {
      const { api } = await shop();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const s = (await apiSession(api, { offer: 'basic-monthly' })).body;
        expect((await complete(s.id, formFields(`page${i}@example.com`), `198.51.100.${10 + i}`)).status).toBe(303);
        ids.push((await api('GET', `/v1/checkout_sessions/${s.id}`)).body.subscription);
      }
      const seen: string[] = [];
      let after: string | undefined;
      const pages: boolean[] = [];
      for (;;) {
        const res = await api('GET', `/v1/subscriptions?limit=2${after ? `&starting_after=${after}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.data.map((s: { id: string }) => s.id));
        pages.push(res.body.has_more);
        if (!res.body.has_more) break;
        after = res.body.data.at(-1).id;
      }
      expect(pages).toEqual([true, true, false]);
      expect(new Set(seen)).toEqual(new Set(ids));
      expect(seen).toHaveLength(5);

      const stranger = await shop();
      const cross = await stranger.api('GET', `/v1/subscriptions/${ids[0]}`);
      expect(cross.status).toBe(404);
      expect(cross.body.error.type).toBe('not_found');
      expect((await stranger.api('GET', `/v1/subscriptions?starting_after=${ids[0]}`)).status).toBe(404);
      expect((await stranger.api('GET', '/v1/subscriptions')).body.data).toEqual([]);
    });
  });
}
