import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type Harness, type HarnessFactory } from '../harness/types.ts';

/** What every API client meets first: health, docs, request ids, list bounds. Same on both runtimes. */
export function appSuite(factory: HarnessFactory): void {
  let h: Harness;
  beforeAll(async () => {
    h = await factory();
  });
  afterAll(async () => h?.close());

  describe('the app around the API', () => {
    it('answers GET /healthz with {"ok":true}', async () => {
      const res = await h.request('/healthz');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
    });

    it('renders /docs from the OpenAPI document, under a CSP, without a key', async () => {
      const res = await h.request('/docs');
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Security-Policy')).toMatch(/script-src 'nonce-/);
      expect(await res.text()).toContain('/v1/openapi.json');
      const doc = (await (await h.request('/v1/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/customers/{id}/anonymize', '/v1/checkout_sessions', '/v1/webhook_endpoints']));
    });

    it('echoes X-Request-Id and puts the request id in every error body', async () => {
      const m = await h.merchant();
      const res = await h.request('/v1/customers/cus_missing', { headers: { Authorization: `Bearer ${m.secretKey}`, 'X-Request-Id': 'req-from-client-42' } });
      expect(res.status).toBe(404);
      expect(res.headers.get('X-Request-Id')).toBe('req-from-client-42');
      expect((await res.json()).error.request_id).toBe('req-from-client-42');
      const generated = await h.request('/v1/customers', { headers: { Authorization: 'Bearer nope' } });
      const id = generated.headers.get('X-Request-Id');
      expect(id).toMatch(/^req_[0-9a-f]{32}$/);
      expect((await generated.json()).error.request_id).toBe(id);
    });

    it('keeps list limits between 1 and 100, naming the parameter', async () => {
      const m = await h.merchant();
      const api = client(h, m.secretKey);
      for (const limit of ['0', '101', 'ten']) {
        const res = await api('GET', `/v1/customers?limit=${limit}`);
        expect(res.status, limit).toBe(400);
        expect(res.body.error.param).toBe('limit');
      }
      expect((await api('GET', '/v1/customers?limit=100')).status).toBe(200);
    });
  });
}
