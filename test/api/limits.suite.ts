import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyLimitFor } from '../../server/http/body-limit.ts';
import { client, type Harness, type HarnessFactory } from '../harness/types.ts';

const KB = 1024;

/** A body streamed in 1 KB chunks without a Content-Length: the shape a chunked upload has. */
const chunked = (bytes: number): ReadableStream<Uint8Array> => {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const size = Math.min(KB, bytes - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
};

/** Body size limits in front of every route, counted in bytes as the body streams in. Same on both runtimes. */
export function limitsSuite(factory: HarnessFactory): void {
  let h: Harness;
  beforeAll(async () => {
    h = await factory();
  });
  afterAll(async () => h?.close());

  const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
    h.request(path, { method: 'POST', body, headers, duplex: 'half', redirect: 'manual' } as RequestInit);

  describe('request body limits', () => {
    it('answers 413 body_too_large to a chunked body over the limit on every route that reads one', async () => {
      const m = await h.merchant();
      const api = client(h, m.secretKey);
      await api('POST', '/v1/offers', { reference: 'basic', name: 'Basic', currency: 'EUR', recurring: { amount: 900, interval: 'month' } });
      const session = await api('POST', '/v1/checkout_sessions', { offer: 'basic', success_url: 'http://localhost:3000/ok', cancel_url: 'http://localhost:3000/back' });
      expect(session.status).toBe(201);
      const customer = await api('POST', '/v1/customers', { email: 'limits@example.com' });
      const portal = new URL((await api('POST', `/v1/customers/${customer.body.id}/portal_links`)).body.url).pathname;
      const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
      const json = { 'Content-Type': 'application/json' };
      for (const [path, headers] of [
        [`/checkout/${session.body.id}`, form],
        [`/checkout/${session.body.id}/details`, form],
        ['/webhooks/stripe', json],
        [`/widget/v1/checkout_sessions?key=${m.publishableKey}`, { ...json, Origin: 'http://localhost:3000' }],
        [`${portal}/billing_address`, form],
        ['/admin/login', form],
        ['/v1/customers', { ...json, Authorization: `Bearer ${m.secretKey}` }],
      ] as const) {
        // Just over the route's limit: workerd resets the connection when a large unread remainder
        // is still in flight (the 50 MB case is test/reliability/body-limit.test.ts, on Node).
        const limit = bodyLimitFor(new URL(path, 'http://x').pathname);
        const res = await post(path, chunked(limit + 4 * KB), headers);
        expect(res.status, path).toBe(413);
        expect((await res.json()).error.code, path).toBe('body_too_large');
        // At the limit, the route gets the body (whatever it then thinks of it).
        const at = await post(path, new Uint8Array(limit).fill(0x61), headers);
        expect(at.status, path).not.toBe(413);
      }
    });

    it('counts bytes, not characters: a 60 KB body of 2-byte characters is over the API limit', async () => {
      const m = await h.merchant();
      const api = client(h, m.secretKey);
      // 60 000 "é" are 60 000 characters but 120 000 bytes, above the API's 100 KB.
      const over = await api('POST', '/v1/customers', { email: 'wide@example.com', metadata: { note: 'é'.repeat(60_000) } });
      expect(over.status).toBe(413);
      expect(over.body.error.code).toBe('body_too_large');
      // A normal body still passes, streamed or not.
      const ok = await post('/v1/customers', new Blob([JSON.stringify({ email: 'fine@example.com' })]).stream(), {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${m.secretKey}`,
      });
      expect(ok.status).toBe(201);
      expect((await api('GET', '/v1/customers?query=fine@example.com')).body.data).toHaveLength(1);
    });
  });
}
