import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { client, type Harness } from '../harness/types.ts';
import { workerdHarness } from '../harness/workerd.ts';

// On Workers the outbox is drained by the cron trigger, with the same code as the Node loop.
let h: Harness;
let server: Server;
const received: { id: string; type: string; body: string; headers: Record<string, string> }[] = [];

beforeAll(async () => {
  // The receiver is on loopback: the operator allowed private destinations.
  h = await workerdHarness({ PORTE_WEBHOOK_ALLOW_PRIVATE: '1' });
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((k) => [k, String(req.headers[k])]));
      received.push({ id: headers['webhook-id'] ?? '', type: (JSON.parse(body) as { type: string }).type, body, headers });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => server.close(resolve));
});

it('the cron trigger delivers outbox events, signed, to the endpoint', async () => {
  const m = await h.merchant();
  const api = client(h, m.secretKey);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const endpoint = await api('POST', '/v1/webhook_endpoints', { url, events: ['customer.created'] });
  expect(endpoint.status).toBe(201);
  const customer = await api('POST', '/v1/customers', { email: 'cron@example.com' });
  expect(received).toHaveLength(0);
  for (let i = 0; i < 20 && received.length === 0; i++) {
    await h.scheduled?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(received).toHaveLength(1);
  const [event] = received;
  expect(event?.type).toBe('customer.created');
  expect(JSON.parse(event?.body ?? '{}').data.id).toBe(customer.body.id);
  expect(() => new Webhook(endpoint.body.secret).verify(event?.body ?? '', event?.headers ?? {})).not.toThrow();
});
