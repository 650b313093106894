import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type Harness, type HarnessFactory } from '../harness/types.ts';

/** Webhook endpoints API and the merchant API's refusal of browsers: the same on Node and workerd. */
export function webhooksSuite(factory: HarnessFactory): void {
  let h: Harness;
  beforeAll(async () => {
    h = await factory();
  });
  afterAll(async () => h?.close());

  describe('webhook endpoints', () => {
    it('creates an endpoint, shows its whsec_ secret once, lists it without the secret', async () => {
      const m = await h.merchant();
      const api = client(h, m.secretKey);
      const created = await api('POST', '/v1/webhook_endpoints', { url: 'https://hooks.example/porte', events: ['customer.created', 'subscription.created'] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ object: 'webhook_endpoint', url: 'https://hooks.example/porte', status: 'enabled' });
      expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
      const list = await api('GET', '/v1/webhook_endpoints');
      expect(list.body.data).toHaveLength(1);
      expect(list.body.data[0].secret).toBeUndefined();
      const one = await api('GET', `/v1/webhook_endpoints/${created.body.id}`);
      expect(one.body.secret).toBeUndefined();
    });

    it('refuses bad input naming the field, and writes nothing', async () => {
      const m = await h.merchant();
      const api = client(h, m.secretKey);
      for (const [body, param] of [
        [{ url: 'not a url', events: ['customer.created'] }, 'url'],
        [{ url: 'https://x.example', events: ['customer.exploded'] }, 'events.0'],
        [{ url: 'https://x.example', events: [] }, 'events'],
        [{ url: 'https://x.example' }, 'events'],
        [[], 'body'],
      ] as const) {
        const res = await api('POST', '/v1/webhook_endpoints', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.param).toBe(param);
      }
      expect((await api('GET', '/v1/webhook_endpoints')).body.data).toHaveLength(0);
    });

    it('refuses loopback, private, link-local and unique-local destinations naming url, and writes nothing', async () => {
      const m = await h.merchant();
      const api = client(h, m.secretKey);
      for (const url of [
        'http://127.0.0.1:8080/hook',
        'http://127.8.9.10/hook',
        'http://localhost:3000/hook',
        'http://api.localhost/hook',
        'http://LOCALHOST.:3000/hook',
        'http://10.0.0.7/hook',
        'http://172.16.5.4/hook',
        'http://172.31.255.254/hook',
        'https://192.168.1.20/hook',
        'http://169.254.169.254/latest/meta-data/',
        'http://0.0.0.0:8787/',
        'http://[::1]:8080/hook',
        'http://[::]/hook',
        'http://[fc00::1]/hook',
        'http://[fd12:3456::1]/hook',
        'http://[fe80::1]/hook',
        'http://[::ffff:127.0.0.1]/hook',
        'http://[::ffff:10.0.0.1]/hook',
        'http://2130706433/hook',
        'http://0x7f.1/hook',
        'http://100.64.0.1/hook',
      ]) {
        const res = await api('POST', '/v1/webhook_endpoints', { url, events: ['*'] });
        expect(res.status, url).toBe(400);
        expect(res.body.error.param, url).toBe('url');
        expect(res.body.error.code, url).toBe('url_private');
      }
      expect((await api('GET', '/v1/webhook_endpoints')).body.data).toHaveLength(0);
      // Public addresses next to those ranges are fine.
      for (const url of ['http://172.32.0.1/hook', 'https://[2606:4700::1111]/hook', 'https://93.184.216.34/hook']) {
        expect((await api('POST', '/v1/webhook_endpoints', { url, events: ['*'] })).status, url).toBe(201);
      }
    });

    it("keeps each merchant's endpoints to itself", async () => {
      const a = await h.merchant();
      const b = await h.merchant();
      const created = await client(h, a.secretKey)('POST', '/v1/webhook_endpoints', { url: 'https://a.example/hook', events: ['*'] });
      const asB = client(h, b.secretKey);
      expect((await asB('GET', `/v1/webhook_endpoints/${created.body.id}`)).status).toBe(404);
      expect((await asB('DELETE', `/v1/webhook_endpoints/${created.body.id}`)).status).toBe(404);
      expect((await asB('GET', `/v1/webhook_endpoints/${created.body.id}/deliveries`)).status).toBe(404);
      expect((await asB('GET', '/v1/webhook_endpoints')).body.data).toHaveLength(0);
      expect((await client(h, a.secretKey)('GET', `/v1/webhook_endpoints/${created.body.id}`)).status).toBe(200);
    });

    it('never answers a browser origin with CORS on secret-key routes', async () => {
      const m = await h.merchant();
      const preflight = await h.request('/v1/customers', {
        method: 'OPTIONS',
        headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
      });
      expect(preflight.headers.get('Access-Control-Allow-Origin')).toBeNull();
      const get = await h.request('/v1/customers', { headers: { Origin: 'https://shop.example', Authorization: `Bearer ${m.secretKey}` } });
      expect(get.headers.get('Access-Control-Allow-Origin')).toBeNull();
    });
  });
}
