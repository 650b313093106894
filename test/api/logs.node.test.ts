// Request and error logs never carry the bearer tokens of portal, invoice, invitation or setup
// links: whoever reads the logs must not be able to open them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nodeHarness } from '../harness/node.ts';
import { client } from '../harness/types.ts';

const entries: Record<string, unknown>[] = [];
let h: Awaited<ReturnType<typeof nodeHarness>>;
beforeAll(async () => {
  h = await nodeHarness({ log: (entry) => entries.push(entry) });
});
afterAll(async () => h.close());

it('logs the route pattern, not the token in the path or the query', async () => {
  const m = await h.merchant();
  const api = client(h, m.secretKey);
  const customer = await api('POST', '/v1/customers', { email: 'logs@example.com' });
  const portalPath = new URL((await api('POST', `/v1/customers/${customer.body.id}/portal_links`)).body.url).pathname;
  const token = decodeURIComponent(portalPath.split('/')[2] ?? '');
  expect(token.length).toBeGreaterThan(20);
  const invite = 'inv0123456789abcdefABCDEF0123456789';
  const setup = 'setupTOKEN0123456789abcdef';
  const invoice = 'in_tok.0123456789abcdefABCDEF';

  entries.length = 0;
  expect((await h.request(portalPath)).status).toBe(200);
  await h.request(`${portalPath}/billing_address`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'line1=x' });
  await h.request(`${portalPath}/payment_method`);
  await h.request(`/admin/invite/${invite}`);
  await h.request(`/admin/setup?token=${setup}`);
  await h.request(`/invoice/${invoice}`);
  // Answered by a middleware (body too large) before any route: segments are redacted instead.
  await h.request(`${portalPath}/billing_address`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'x'.repeat(200 * 1024) });
  await h.request(`/v1/customers/${customer.body.id}`, { headers: { Authorization: `Bearer ${m.secretKey}` } });

  const requests = entries.filter((e) => e.msg === 'request');
  expect(requests).toHaveLength(8);
  const text = JSON.stringify(entries);
  for (const secret of [token, encodeURIComponent(token), invite, setup, invoice, m.secretKey]) expect(text).not.toContain(secret);
  const paths = requests.map((e) => e.path);
  expect(paths.slice(0, 4)).toEqual(['/portal/:token', '/portal/:token/billing_address', '/portal/:token/payment_method', '/admin/invite/:token']);
  expect(paths[4]).toBe('/admin/setup');
  expect(paths[6]).toBe('/portal/:redacted/billing_address');
  expect(requests[6]?.status).toBe(413);
  expect(paths[7]).toBe('/v1/customers/:id');
});
