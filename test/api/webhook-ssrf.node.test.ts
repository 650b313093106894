// Webhook destinations on Node, where host names are resolved: a name that resolves to a private
// address is refused at creation, and at delivery time (DNS may change in between); the request
// goes to the very address that was checked. All traffic stays on loopback: the resolver and the
// "connection" are test doubles except in the last test, which connects to a loopback receiver.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Egress } from '../../server/deps.ts';
import { nodeEgress } from '../../server/entry/node-egress.ts';
import { deliverDue, deliveryOptions } from '../../server/webhooks/delivery.ts';
import { allowsPrivateWebhooks } from '../../server/webhooks/destination.ts';
import { nodeHarness } from '../harness/node.ts';
import { client } from '../harness/types.ts';

/** DNS as the test says, and connections recorded instead of made. */
function fakeEgress(dns: Record<string, string[]>) {
  const sent: { address: string; url: string; host: string | undefined }[] = [];
  const lookups: string[] = [];
  const egress: Egress = {
    async resolve(host) {
      lookups.push(host);
      const found = dns[host];
      if (!found) throw new Error(`ENOTFOUND ${host}`);
      return found;
    },
    async fetchVia(address, url) {
      sent.push({ address, url, host: new URL(url).host });
      return new Response(null, { status: 204 });
    },
  };
  return { egress, sent, lookups, dns };
}

describe('webhook destinations that resolve to private addresses (Node)', () => {
  const net = fakeEgress({ 'hooks.shop.example': ['93.184.216.34'], 'intranet.shop.example': ['203.0.113.10', '10.1.2.3'], 'v6.shop.example': ['fd00::5'] });
  let h: Awaited<ReturnType<typeof nodeHarness>>;
  beforeAll(async () => {
    h = await nodeHarness({ egress: net.egress });
  });
  afterAll(async () => h.close());

  it('refuses at creation a name any of whose addresses is private, naming url; accepts a public one', async () => {
    const m = await h.merchant();
    const api = client(h, m.secretKey);
    for (const url of ['https://intranet.shop.example/hook', 'https://v6.shop.example/hook']) {
      const res = await api('POST', '/v1/webhook_endpoints', { url, events: ['*'] });
      expect(res.status, url).toBe(400);
      expect(res.body.error).toMatchObject({ param: 'url', code: 'url_private' });
      expect(res.body.error.message).toContain(new URL(url).hostname);
    }
    expect((await api('GET', '/v1/webhook_endpoints')).body.data).toHaveLength(0);
    expect((await api('POST', '/v1/webhook_endpoints', { url: 'https://hooks.shop.example/hook', events: ['*'] })).status).toBe(201);
  });

  it('connects to the address it checked, and refuses to send once the name resolves to a private address', async () => {
    const m = await h.merchant();
    const api = client(h, m.secretKey);
    const ep = await api('POST', '/v1/webhook_endpoints', { url: 'https://hooks.shop.example/hook', events: ['customer.created'] });
    expect(ep.status).toBe(201);
    await api('POST', '/v1/customers', { email: 'first@example.com' });
    expect(await deliverDue(h.deps.db, h.deps.clock, deliveryOptions(h.deps))).toBe(1);
    expect(net.sent).toEqual([{ address: '93.184.216.34', url: 'https://hooks.shop.example/hook', host: 'hooks.shop.example' }]);

    // DNS rebinding: the same name now points at the host itself.
    net.dns['hooks.shop.example'] = ['127.0.0.1'];
    await api('POST', '/v1/customers', { email: 'second@example.com' });
    expect(await deliverDue(h.deps.db, h.deps.clock, deliveryOptions(h.deps))).toBe(0);
    const history = await api('GET', `/v1/webhook_endpoints/${ep.body.id}/deliveries`);
    expect(history.body.data[0]).toMatchObject({ status: 'pending', attempts: 1, last_status: null });
    expect(history.body.data[0].last_error).toMatch(/^Not sent: hooks\.shop\.example resolves to 127\.0\.0\.1/);
    expect(net.sent).toHaveLength(1);
  });

  it('allows private destinations by default only when Porte itself runs on localhost, or when the operator says so', () => {
    expect(allowsPrivateWebhooks({ publicUrl: 'http://localhost:8787' })).toBe(true);
    expect(allowsPrivateWebhooks({ publicUrl: 'http://127.0.0.1:8787' })).toBe(true);
    expect(allowsPrivateWebhooks({ publicUrl: 'https://billing.shop.example' })).toBe(false);
    expect(allowsPrivateWebhooks({ publicUrl: 'https://billing.shop.example', webhookAllowPrivate: true })).toBe(true);
    expect(allowsPrivateWebhooks({ publicUrl: 'http://localhost:8787', webhookAllowPrivate: false })).toBe(false);
  });
});

describe("Node's pinned connection", () => {
  let server: Server;
  const hosts: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hosts.push(String(req.headers.host));
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => new Promise((resolve) => server.close(resolve)));

  it('sends to the given address without looking the URL host up again, keeping the Host header', async () => {
    const { port } = server.address() as AddressInfo;
    // `.invalid` never resolves (RFC 6761): reaching the receiver proves no second lookup happened.
    const url = `http://webhooks.invalid:${port}/hook`;
    const res = await nodeEgress.fetchVia('127.0.0.1', url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(204);
    expect(hosts).toEqual([`webhooks.invalid:${port}`]);
  });
});
