// The back-office on both runtimes (Node + SQLite, workerd + D1): "same routes, same behaviour".
// Through the app's own request function, as a browser would post its forms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type Harness, type HarnessFactory, type TestMerchant } from '../harness/types.ts';

const ORIGIN = 'http://porte.test';

class Agent {
  private cookies = new Map<string, string>();
  constructor(private readonly h: Harness) {}

  async send(path: string, form?: Record<string, string>): Promise<Response> {
    const headers = new Headers();
    if (this.cookies.size > 0) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (form) {
      headers.set('Content-Type', 'application/x-www-form-urlencoded');
      headers.set('Origin', ORIGIN);
    }
    const res = await this.h.request(path, { method: form ? 'POST' : 'GET', headers, body: form && new URLSearchParams(form).toString(), redirect: 'manual' });
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
}

export function adminSuite(factory: HarnessFactory): void {
  describe('back-office', () => {
    let h: Harness;
    let m: TestMerchant;
    let agent: Agent;

    beforeAll(async () => {
      h = await factory();
      m = await h.merchant();
      agent = new Agent(h);
      const _csrf = await agent.token('/admin/login');
      const res = await agent.send('/admin/login', { _csrf, email: `${m.slug}@example.com`, password: 'correct horse battery staple' });
      expect(res.headers.get('location')).toBe('/admin/customers');
    }, 60_000);
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

    it('rolls the secret key in one batch: the old one stops working, the new one works', async () => {
      const _csrf = await agent.token('/admin/settings');
      const page = await (await agent.send('/admin/settings/secret-key/roll', { _csrf })).text();
      const fresh = /id="new-secret" type="text" value="(porte_sk_test_\w+)"/.exec(page)?.[1] ?? '';
      expect(fresh).toMatch(/^porte_sk_test_/);
      expect((await client(h, m.secretKey)('GET', '/v1/customers')).status).toBe(401);
      expect((await client(h, fresh)('GET', '/v1/customers')).status).toBe(200);
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
      expect((await new Agent(h).send(link)).status).toBe(410);
    });
  });
}
