// The back-office on both runtimes (Node + SQLite, workerd + D1): "same routes, same behaviour".
// Through the app's own request function, as a browser would post its forms.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type Harness, type HarnessFactory, type TestMerchant } from '../harness/types.ts';
import { CARDS, card, formFields, openCheckout, postCheckout } from './checkout.suite.ts';

const ORIGIN = 'http://porte.test';

export class Agent {
  private cookies = new Map<string, string>();
  /** `ip`: the client address, as each runtime's entry would set it (from the socket, or CF-Connecting-IP on Workers). */
  constructor(
    private readonly h: Harness,
    private readonly ip?: string,
  ) {}

  /** GET without a form; POST with one (an array value repeats the field, as checkboxes do). */
  async send(path: string, form?: Record<string, string | string[]>): Promise<Response> {
    const headers = new Headers();
    if (this.ip) {
      headers.set('x-porte-client-ip', this.ip);
      headers.set('CF-Connecting-IP', this.ip);
    }
    if (this.cookies.size > 0) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (form) {
      headers.set('Content-Type', 'application/x-www-form-urlencoded');
      headers.set('Origin', ORIGIN);
    }
    const body = form && new URLSearchParams(Object.entries(form).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, x]))).toString();
    const res = await this.h.request(path, { method: form ? 'POST' : 'GET', headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [name = '', value = ''] = (line.split(';')[0] ?? '').split('=');
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    return res;
  }

  async token(path: string): Promise<string> {
    return /name="_csrf" value="([^"]+)"/.exec(await (await this.send(path)).text())?.[1] ?? '';
  }

  async login(email: string, password: string, _csrf?: string): Promise<Response> {
    return this.send('/admin/login', { _csrf: _csrf ?? (await this.token('/admin/login')), email, password });
  }
}

export const PASSWORD = 'correct horse battery staple';
export const WRONG = 'Email or password is incorrect.';

/** A back-office session for the merchant's owner (every test merchant has one, with this password). */
async function signIn(h: Harness, m: TestMerchant): Promise<Agent> {
  const agent = new Agent(h);
  const _csrf = await agent.token('/admin/login');
  const res = await agent.send('/admin/login', { _csrf, email: `${m.slug}@example.com`, password: 'correct horse battery staple' });
  expect(res.headers.get('location')).toBe('/admin/customers');
  return agent;
}

export function adminSuite(factory: HarnessFactory): void {
  describe('back-office', () => {
    let h: Harness;
    let m: TestMerchant;
    let agent: Agent;

    beforeAll(async () => {
      h = await factory();
      m = await h.merchant();
      agent = await signIn(h, m);
    }, 120_000); // workerd: wrangler migrations + Miniflare start take ~45 s on a loaded 2-core machine
    afterAll(() => h?.close());

    it('creates a customer from the form, shows it in the list and gives a portal link; the API agrees', async () => {
      const _csrf = await agent.token('/admin/customers/new');
      const form = { _csrf, first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', reference: 'ADA-1', language: 'fr', line1: '1 rue X', postal_code: '75001', city: 'Paris', country: 'FR', billing: 'manual', manual_method: 'check' };
      expect((await agent.send('/admin/customers', form)).status).toBe(303);
      const list = await (await agent.send('/admin/customers')).text();
      expect(list).toContain('Customer Ada Lovelace created.');
      const id = /data-customer="(cus_\w+)"/.exec(list)?.[1];
      const customer = (await client(h, m.secretKey)('GET', `/v1/customers/${id}`)).body;
      expect(customer).toMatchObject({ reference: 'ADA-1', language: 'fr', payment_method: { type: 'check' }, billing_address: { country: 'FR' } });
      expect((await agent.send(`/admin/customers/${id}/portal-link`, { _csrf })).status).toBe(303);
      expect(await (await agent.send(`/admin/customers/${id}`)).text()).toMatch(/value="http:\/\/porte\.test\/portal\/[^"]+"/);
      // The same reference again: said beside the field, nothing created.
      const again = await agent.send('/admin/customers', { ...form, email: 'other@example.com' });
      expect(again.status).toBe(409);
      expect(await again.text()).toContain('Another customer already has this reference.');
    });

    it('pages the list 25 at a time, newest first, and edits a customer (address, manual → automatic)', async () => {
      const api = client(h, m.secretKey);
      for (let i = 0; i < 26; i++) expect((await api('POST', '/v1/customers', { email: `page${i}@example.com`, last_name: `Page${i}` })).status).toBe(201);
      const first = await (await agent.send('/admin/customers')).text();
      expect(first.match(/data-customer=/g)).toHaveLength(25);
      expect(first.indexOf('Page25')).toBeLessThan(first.indexOf('Page24'));
      const next = /href="(\/admin\/customers\?after=cus_\w+)" rel="next"/.exec(first)?.[1] ?? '';
      const second = await (await agent.send(next)).text();
      // 27 customers in all: 2 on page two (Page0 and the form-made Ada), and a way back.
      expect(second.match(/data-customer=/g)).toHaveLength(2);
      expect(second).toContain('Page0');
      expect(second).not.toContain('rel="next"');
      expect(second).toContain('First page');
      expect((await agent.send('/admin/customers?q=page1')).ok).toBe(true);

      const id = /data-customer="(cus_\w+)"/.exec(first)?.[1] ?? '';
      const _csrf = await agent.token(`/admin/customers/${id}/edit`);
      const edited = await agent.send(`/admin/customers/${id}`, { _csrf, last_name: 'Edited', email: 'edited@example.com', reference: 'EDITED-1', language: 'en', line1: '2 Main St', postal_code: '12345', city: 'Springfield', country: 'US', billing: 'auto' });
      expect(edited.headers.get('location')).toBe(`/admin/customers/${id}`);
      expect((await api('GET', `/v1/customers/${id}`)).body).toMatchObject({ last_name: 'Edited', reference: 'EDITED-1', auto_billing: true, payment_method: { type: 'none' }, billing_address: { city: 'Springfield', country: 'US' } });
      expect(await (await agent.send(`/admin/customers/${id}`)).text()).toContain('Changes saved.');
    });

    it("the subscribers list shows each customer's plan (current offer) and its status", async () => {
      const shop = await h.merchant();
      const owner = await signIn(h, shop);
      const api = client(h, shop.secretKey);
      expect((await api('POST', '/v1/offers', { reference: 'gold-monthly', name: 'Gold plan', currency: 'EUR', recurring: { amount: 1900, interval: 'month' }, trial: { days: 7 } })).status).toBe(201);
      const session = (await api('POST', '/v1/checkout_sessions', { offer: 'gold-monthly', success_url: 'http://localhost:3000/ok', cancel_url: 'http://localhost:3000/back' })).body;
      const { csrf } = await openCheckout(h, session.id);
      expect((await postCheckout(h, `/checkout/${session.id}`, { csrf, ...formFields('subscriber@example.com', card(CARDS.ok)) })).status).toBe(303);
      expect((await api('POST', '/v1/customers', { email: 'browser@example.com', last_name: 'Browser' })).status).toBe(201);

      const html = await (await owner.send('/admin/customers')).text();
      const head = /<thead>([\s\S]*?)<\/thead>/.exec(html)?.[1] ?? '';
      expect(head).toMatch(/<th scope="col">Plan<\/th><th scope="col">Status<\/th>/);
      const row = (email: string) => new RegExp(`<tr[^>]*data-customer="cus_\\w+">(?:(?!</tr>)[\\s\\S])*${email.replace('.', '\\.')}(?:(?!</tr>)[\\s\\S])*</tr>`).exec(html)?.[0] ?? '';
      const subscriber = row('subscriber@example.com');
      expect(subscriber).toContain('<td class="plan" data-label="Plan">Gold plan</td>');
      expect(subscriber).toContain('<td class="status" data-label="Status"><span class="badge okb">Trial</span></td>');
      expect(row('browser@example.com')).toContain('<td class="plan" data-label="Plan"><span class="muted">None</span></td><td class="status" data-label="Status"></td>');
      // In French too.
      const fr = await (await owner.send('/admin/customers?locale=fr')).text();
      expect(fr).toContain('<th scope="col">Formule</th><th scope="col">Statut</th>');
      expect(fr).toContain(`<span class="badge okb">À l'essai</span>`);
    });

    it('creates an offer and a pricing table from their forms, and rolls the embed secret', async () => {
      let _csrf = await agent.token('/admin/offers/new');
      const offer = { _csrf, name: 'Solo', reference: 'solo', currency: 'EUR', recurring_amount: '12,50', interval: 'year', interval_count: '1', amount_upfront: '', trial_days: '0', trial_amount: '', features: 'One\nTwo', visible: '1' };
      expect((await agent.send('/admin/offers', offer)).status).toBe(303);
      const api = client(h, m.secretKey);
      expect((await api('GET', '/v1/offers/solo')).body).toMatchObject({ recurring: { amount: 1250, interval: 'year' }, features: ['One', 'Two'] });
      const bad = await agent.send('/admin/offers', { ...offer, recurring_amount: '12.345' });
      expect(bad.status).toBe(422);
      expect(await bad.text()).toContain('Enter an amount such as 9.90.');
      _csrf = await agent.token('/admin/pricing-tables');
      expect((await agent.send('/admin/pricing-tables', { _csrf, reference: 'yearly', offer: 'solo' })).headers.get('location')).toBe('/admin/pricing-tables/yearly');
      expect((await api('GET', '/v1/pricing_tables/yearly')).body).toMatchObject({ offers: ['solo'], highlighted: null });
      expect(await (await agent.send('/admin/pricing-tables/yearly')).text()).toContain('€12.50');

      const before = /id="embed-secret" type="text" value="([^"]+)"/.exec(await (await agent.send('/admin/settings')).text())?.[1];
      _csrf = await agent.token('/admin/settings');
      await agent.send('/admin/settings/embed-secret/roll', { _csrf });
      const after = /id="embed-secret" type="text" value="([^"]+)"/.exec(await (await agent.send('/admin/settings')).text())?.[1];
      expect(after).toMatch(/^porte_es_/);
      expect(after).not.toBe(before);
    });

    it('settings name each section once: no visible label or legend repeats the heading above it', async () => {
      const html = await (await agent.send('/admin/settings')).text();
      const headings = [...html.matchAll(/<h2 id="h-[\w-]+">([^<]+)<\/h2>/g)].map((m) => m[1] ?? '');
      expect(headings).toEqual(expect.arrayContaining(['Allowed origins', 'Embed secret', 'Payment gateway']));
      for (const heading of headings) {
        const visible = [...html.matchAll(/<(label|legend)([^>]*)>([^<]*)</g)].filter((m) => (m[3] ?? '').trim() === heading && !(m[2] ?? '').includes('sr-only'));
        expect(visible.map((m) => m[0]), heading).toEqual([]);
      }
      // Still labelled for screen readers.
      expect(html).toMatch(/<label for="f-origins" class="sr-only">Allowed origins<\/label>/);
    });

    it('rolls the secret key in one batch: the old one stops working, the new one works', async () => {
      const _csrf = await agent.token('/admin/settings');
      const page = await (await agent.send('/admin/settings/secret-key/roll', { _csrf })).text();
      const fresh = /id="new-secret" type="text" value="(porte_sk_test_\w+)"/.exec(page)?.[1] ?? '';
      expect(fresh).toMatch(/^porte_sk_test_/);
      expect((await client(h, m.secretKey)('GET', '/v1/customers')).status).toBe(401);
      expect((await client(h, fresh)('GET', '/v1/customers')).status).toBe(200);
      m.secretKey = fresh; // for the tests below
    });

    it('webhook endpoints: errors beside the fields, the signing secret shown once, the same endpoint in the API, deletion', async () => {
      const api = client(h, m.secretKey);
      const _csrf = await agent.token('/admin/settings/webhooks/new');
      // No event and a non-http URL: both said beside their fields, what was typed kept.
      const bad = await agent.send('/admin/settings/webhooks', { _csrf, url: 'ftp://hooks.example/porte' });
      expect(bad.status).toBe(422);
      const badHtml = await bad.text();
      expect(badHtml).toMatch(/id="f-url" [^>]*aria-invalid="true"[^>]*value="ftp:\/\/hooks\.example\/porte"/);
      expect(badHtml).toContain('<p class="error" id="f-url-error">Enter a full http(s) address');
      expect(badHtml).toContain('<p class="error" id="f-events-error">Choose at least one event, or all events.</p>');
      const kept = await agent.send('/admin/settings/webhooks', { _csrf, url: 'not a url', events: ['customer.created', 'subscription.created'] });
      expect(kept.status).toBe(422);
      const keptHtml = await kept.text();
      expect(keptHtml).toMatch(/value="customer\.created" checked/);
      expect(keptHtml).toMatch(/value="subscription\.created" checked/);
      expect(keptHtml).not.toMatch(/value="customer\.deleted" checked/);
      expect((await api('GET', '/v1/webhook_endpoints')).body.data).toHaveLength(0);
      // The language switcher of a page answered from the POST: back to the list, in that language.
      expect(keptHtml).toContain('href="/admin/settings/webhooks?locale=fr"');
      expect((await agent.send('/admin/settings/webhooks?locale=fr')).headers.get('location')).toBe('/admin/settings#h-webhooks');
      await agent.send('/admin/settings?locale=en');

      const created = await agent.send('/admin/settings/webhooks', { _csrf, url: 'https://hooks.example/porte', events: ['customer.created', 'subscription.created'] });
      expect(created.status).toBe(201);
      const html = await created.text();
      const secret = /id="webhook-secret" type="text" value="(whsec_[^"]+)"/.exec(html)?.[1] ?? '';
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
      const id = /action="\/admin\/settings\/webhooks\/(we_\w+)\/delete"/.exec(html)?.[1] ?? '';
      expect((await api('GET', `/v1/webhook_endpoints/${id}`)).body).toMatchObject({ url: 'https://hooks.example/porte', events: ['customer.created', 'subscription.created'], status: 'enabled' });
      // Shown once: neither the endpoint's page nor the settings show it again.
      const again = await (await agent.send(`/admin/settings/webhooks/${id}`)).text();
      expect(again).not.toContain(secret);
      expect(again).not.toContain('whsec_');
      expect(again).toContain('No delivery yet');
      const settings = await (await agent.send('/admin/settings')).text();
      expect(settings).toContain(`href="/admin/settings/webhooks/${id}">https://hooks.example/porte</a>`);
      expect(settings).toContain('<span class="badge okb">Enabled</span>');
      expect(settings).not.toContain('whsec_');

      // "All events" wins over single choices.
      const all = await agent.send('/admin/settings/webhooks', { _csrf, url: 'https://all.example/hook', events: ['*', 'customer.created'] });
      const allId = /action="\/admin\/settings\/webhooks\/(we_\w+)\/delete"/.exec(await all.text())?.[1] ?? '';
      expect((await api('GET', `/v1/webhook_endpoints/${allId}`)).body.events).toEqual(['*']);

      // Another merchant's endpoint and unknown deliveries: not found, nothing changed.
      const other = await h.merchant();
      const theirs = (await client(h, other.secretKey)('POST', '/v1/webhook_endpoints', { url: 'https://theirs.example/hook', events: ['*'] })).body.id;
      expect((await agent.send(`/admin/settings/webhooks/${theirs}`)).status).toBe(404);
      expect((await agent.send(`/admin/settings/webhooks/${theirs}/delete`, { _csrf })).status).toBe(404);
      expect((await client(h, other.secretKey)('GET', `/v1/webhook_endpoints/${theirs}`)).status).toBe(200);
      expect((await agent.send(`/admin/settings/webhooks/${id}/deliveries/whd_nope/resend`, { _csrf })).status).toBe(404);
      // Without the form's token: refused.
      expect((await agent.send(`/admin/settings/webhooks/${id}/delete`, {})).status).toBe(403);

      const deleted = await agent.send(`/admin/settings/webhooks/${id}/delete`, { _csrf });
      expect(deleted.headers.get('location')).toBe('/admin/settings');
      expect(await (await agent.send('/admin/settings')).text()).toContain('Webhook endpoint https://hooks.example/porte deleted.');
      expect((await api('GET', `/v1/webhook_endpoints/${id}`)).status).toBe(404);
    });

    it('webhook endpoints of a live-mode merchant need https, said beside the URL', async () => {
      const live = await h.merchant({ mode: 'live' });
      const owner = await signIn(h, live);
      const _csrf = await owner.token('/admin/settings/webhooks/new');
      const res = await owner.send('/admin/settings/webhooks', { _csrf, url: 'http://hooks.example/porte', events: ['*'] });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('<p class="error" id="f-url-error">Live-mode endpoints must use https.</p>');
      expect((await client(h, live.secretKey)('GET', '/v1/webhook_endpoints')).body.data).toHaveLength(0);
    });

    it('refuses a webhook endpoint on a private or loopback address, said beside the URL, in English and French', async () => {
      const m = await h.merchant();
      const owner = await signIn(h, m);
      const _csrf = await owner.token('/admin/settings/webhooks/new');
      const res = await owner.send('/admin/settings/webhooks', { _csrf, url: 'http://169.254.169.254/latest/meta-data', events: ['*'] });
      expect(res.status).toBe(422);
      expect(await res.text()).toMatch(/<p class="error" id="f-url-error">This address is on a private, loopback or link-local network/);
      const fr = await owner.send('/admin/settings/webhooks?locale=fr', { _csrf, url: 'http://[::1]:8080/hook', events: ['*'] });
      expect(fr.status).toBe(422);
      expect(await fr.text()).toMatch(/<p class="error" id="f-url-error">Cette adresse est sur un réseau privé/);
      expect((await client(h, m.secretKey)('GET', '/v1/webhook_endpoints')).body.data).toHaveLength(0);
    });

    it('invites a member who sets a password once', async () => {
      const _csrf = await agent.token('/admin/team');
      await agent.send('/admin/team/invite', { _csrf, email: `member-${m.slug}@example.com` });
      const link = /value="http:\/\/porte\.test(\/admin\/invite\/[^"]+)"/.exec(await (await agent.send('/admin/team')).text())?.[1] ?? '';
      const member = new Agent(h);
      const csrf = await member.token(link);
      const done = await member.send(link, { _csrf: csrf, password: 'a long enough password', password_confirm: 'a long enough password' });
      expect(done.headers.get('location')).toBe('/admin/customers');
      expect((await member.send('/admin/settings')).status).toBe(403);
      // Webhook endpoints are settings: the owner's.
      expect((await member.send('/admin/settings/webhooks/new')).status).toBe(403);
      expect((await member.send('/admin/settings/webhooks', { _csrf: csrf, url: 'https://member.example/hook', events: ['*'] })).status).toBe(403);
      expect((await new Agent(h).send(link)).status).toBe(410);
    });

    it("a stranger's burst of 20 wrong passwords: at most 5 are checked, the rest wait (429); the owner elsewhere is not blocked", async () => {
      const owner = await h.merchant();
      const email = `${owner.slug}@example.com`;
      const stranger = new Agent(h, '203.0.113.7');
      const _csrf = await stranger.token('/admin/login');
      const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => stranger.login(email, `guess-${i}`, _csrf)));
      const answers = await Promise.all(burst.map(async (r) => ({ status: r.status, retryAfter: Number(r.headers.get('retry-after')), text: await r.text() })));
      // Every answer says whether the password was looked at: "incorrect" only when it was.
      expect(answers.filter((a) => a.text.includes(WRONG)).length).toBeLessThanOrEqual(5);
      const refused = answers.filter((a) => !a.text.includes(WRONG));
      expect(refused.length).toBeGreaterThanOrEqual(15);
      for (const a of refused) {
        expect(a.status).toBe(429);
        expect(a.retryAfter).toBeGreaterThan(0);
        expect(a.text).toContain('Too many failed attempts from your connection');
      }
      // Even the right password is not looked at from that address now.
      const right = await stranger.login(email, PASSWORD);
      expect(right.status).toBe(429);
      expect(right.headers.get('location')).toBeNull();
      // The owner, from their own address, signs in at once.
      expect((await new Agent(h, '198.51.100.20').login(email, PASSWORD)).headers.get('location')).toBe('/admin/customers');
    });

    it('one address trying password after password on many emails is slowed down too; other addresses are not', async () => {
      const agent = new Agent(h, '203.0.113.99');
      const _csrf = await agent.token('/admin/login');
      const statuses: number[] = [];
      for (let i = 0; i < 30 && !statuses.includes(429); i++) statuses.push((await agent.login(`nobody-${i}@example.com`, 'guess', _csrf)).status);
      expect(statuses).toContain(429);
      expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(5);
      const again = await agent.login('yet-another@example.com', 'guess', _csrf);
      expect(again.status).toBe(429);
      expect(await again.text()).not.toContain(WRONG);
      expect((await new Agent(h, '198.51.100.21').login('yet-another@example.com', 'guess')).status).toBe(401);
    });

    it('a password stored in the old format still signs in, and is stored again in the versioned format at the runtime cost', async () => {
      const sql = h.sql;
      if (!sql) throw new Error('the harness must expose its database');
      const member = await h.merchant();
      const email = `${member.slug}@example.com`;
      // The format every install wrote before: pbkdf2$<iterations>$<salt hex>$<hash hex>, at 100k.
      const salt = randomBytes(16);
      const legacy = `pbkdf2$100000$${salt.toString('hex')}$${pbkdf2Sync(PASSWORD, salt, 100_000, 32, 'sha256').toString('hex')}`;
      await sql('UPDATE users SET password_hash = ? WHERE email = ?', [legacy, email]);
      expect((await new Agent(h, '192.0.2.50').login(email, 'not it')).status).toBe(401);
      expect((await sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = ?', [email]))[0]?.password_hash).toBe(legacy);

      expect((await new Agent(h, '192.0.2.50').login(email, PASSWORD)).headers.get('location')).toBe('/admin/customers');
      const stored = (await sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = ?', [email]))[0]?.password_hash ?? '';
      const [scheme, iterations, saltHex, hash] = stored.split('$');
      // OWASP's 600k for PBKDF2-SHA256 where the runtime allows it; Workers refuses more than 100k.
      expect(scheme).toBe('pbkdf2-sha256');
      expect(Number(iterations)).toBe(h.runtime === 'node' ? 600_000 : 100_000);
      expect(saltHex).not.toBe(salt.toString('hex'));
      expect(pbkdf2Sync(PASSWORD, Buffer.from(saltHex ?? '', 'hex'), Number(iterations), 32, 'sha256').toString('hex')).toBe(hash);
      // The upgraded hash signs in, and is not rewritten again.
      expect((await new Agent(h, '192.0.2.51').login(email, PASSWORD)).headers.get('location')).toBe('/admin/customers');
      expect((await sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = ?', [email]))[0]?.password_hash).toBe(stored);
    });
  });
}
