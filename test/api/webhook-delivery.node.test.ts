import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKOFF_SECONDS, deliverDue, deliveryOptions } from '../../server/webhooks/delivery.ts';
import { nodeHarness } from '../harness/node.ts';
import { startReceiver } from '../harness/receiver.ts';
import { client } from '../harness/types.ts';

interface Received {
  id: string;
  type: string;
  verified: boolean;
}

/** A merchant's receiver on loopback that refuses its first `failFirst` requests. */
function receiver(secret: () => string, failFirst: number) {
  const received: Received[] = [];
  let calls = 0;
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => resolve(body));
    });
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    calls++;
    if (calls <= failFirst) {
      res.writeHead(503).end();
      return;
    }
    let verified = false;
    try {
      // The library's own verifier: the receiver a merchant would write.
      new Webhook(secret()).verify(body, {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      });
      verified = true;
    } catch {
      verified = false;
    }
    received.push({ id: String(req.headers['webhook-id']), type: (JSON.parse(body) as { type: string }).type, verified });
    res.writeHead(204).end();
  });
  return { server, received, calls: () => calls };
}

describe('webhook delivery from the outbox', () => {
  let now = new Date('2026-11-25T10:00:00Z');
  const clock = () => now;
  let h: Awaited<ReturnType<typeof nodeHarness>>;
  let secret = '';
  const r = receiver(() => secret, 3);
  let url = '';

  beforeAll(async () => {
    // The receiver is on loopback: the operator allowed private destinations (PORTE_WEBHOOK_ALLOW_PRIVATE=1).
    h = await nodeHarness({ clock, config: { publicUrl: 'http://porte.test', webhookAllowPrivate: true } });
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => {
    await h.close();
    await new Promise((resolve) => r.server.close(resolve));
  });

  it('delivers every event exactly once (after de-duplicating by webhook-id), signed, despite three failures', async () => {
    const m = await h.merchant();
    const api = client(h, m.secretKey);
    const ep = await api('POST', '/v1/webhook_endpoints', { url, events: ['*'] });
    secret = ep.body.secret;
    const cus = await api('POST', '/v1/customers', { email: 'ada@example.com' });
    await api('PATCH', `/v1/customers/${cus.body.id}`, { first_name: 'Ada' });
    await api('DELETE', `/v1/customers/${cus.body.id}`);

    // Walk the clock through the backoff schedule until everything is delivered.
    for (let i = 0; i < 10 && r.received.length < 3; i++) {
      await deliverDue(h.deps.db, clock, deliveryOptions(h.deps));
      now = new Date(now.getTime() + (BACKOFF_SECONDS[i] ?? 60) * 1000 + 1000);
    }
    const unique = new Map(r.received.map((e) => [e.id, e]));
    expect([...unique.values()].map((e) => e.type)).toEqual(['customer.created', 'customer.updated', 'customer.deleted']);
    expect(r.received.every((e) => e.verified)).toBe(true);
    expect(r.calls()).toBeGreaterThanOrEqual(6);

    // Nothing more to send; the history shows each delivery delivered.
    await deliverDue(h.deps.db, clock, deliveryOptions(h.deps));
    expect(new Set(r.received.map((e) => e.id)).size).toBe(3);
    const history = await api('GET', `/v1/webhook_endpoints/${ep.body.id}/deliveries`);
    expect(history.body.data.map((d: { status: string }) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);

    // Resend: delivered again with the same webhook-id, so a de-duplicating receiver ignores it.
    const first = history.body.data[2];
    expect((await api('POST', `/v1/webhook_endpoints/${ep.body.id}/deliveries/${first.id}/resend`)).status).toBe(200);
    await deliverDue(h.deps.db, clock, deliveryOptions(h.deps));
    expect(r.received.at(-1)?.id).toBe(first.event);
  });

  it("puts the event's own time in the body's timestamp, not the time it was sent", async () => {
    const m = await h.merchant();
    const api = client(h, m.secretKey);
    const hook = await startReceiver();
    try {
      hook.secret = (await api('POST', '/v1/webhook_endpoints', { url: hook.url, events: ['customer.created'] })).body.secret;
      const happened = new Date(now.getTime());
      const customer = await api('POST', '/v1/customers', { email: 'when@example.com' });
      // Delivered ten minutes later (the receiver was down, the loop was busy…).
      now = new Date(now.getTime() + 10 * 60 * 1000);
      await deliverDue(h.deps.db, clock, deliveryOptions(h.deps));
      expect(await hook.waitFor([...hook.events.keys()], Date.now() + 5000)).toEqual([]);
      const [event] = hook.events.values();
      if (!event) throw new Error('no event delivered');
      expect(event).toMatchObject({ type: 'customer.created', timestamp: happened.toISOString() });
      expect((event.data as { id: string }).id).toBe(customer.body.id);
    } finally {
      await hook.close();
    }
  });

  it('gives up after about three days and marks the endpoint failing', async () => {
    const m = await h.merchant();
    const api = client(h, m.secretKey);
    const dead = await api('POST', '/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/nothing-listens-here', events: ['customer.created'] });
    await api('POST', '/v1/customers', { email: 'lost@example.com' });
    const start = now.getTime();
    for (const wait of [0, ...BACKOFF_SECONDS]) {
      now = new Date(now.getTime() + wait * 1000 + 1000);
      await deliverDue(h.deps.db, clock, deliveryOptions(h.deps));
    }
    const days = (now.getTime() - start) / 86_400_000;
    expect(days).toBeGreaterThan(2.5);
    expect(days).toBeLessThan(4);
    const endpoint = await api('GET', `/v1/webhook_endpoints/${dead.body.id}`);
    expect(endpoint.body.status).toBe('failing');
    const history = await api('GET', `/v1/webhook_endpoints/${dead.body.id}/deliveries`);
    expect(history.body.data[0]).toMatchObject({ status: 'failed', attempts: BACKOFF_SECONDS.length + 1 });
  });
});
