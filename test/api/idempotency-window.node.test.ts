// The 24 h Idempotency-Key window, with the injected clock moved past it (Node: the clock is a
// dependency; the Workers entry uses the real one).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nodeHarness } from '../harness/node.ts';
import { client } from '../harness/types.ts';

const HOUR = 60 * 60 * 1000;
let now = new Date('2026-11-25T10:00:00Z');
let h: Awaited<ReturnType<typeof nodeHarness>>;
beforeAll(async () => {
  h = await nodeHarness({ clock: () => now });
});
afterAll(async () => h.close());

it('replays within 24 h; after 24 h the same key is a fresh request, whatever its body', async () => {
  const m = await h.merchant();
  const api = client(h, m.secretKey);
  const headers = { 'Idempotency-Key': 'order-42' };
  const body = { email: 'window@example.com' };
  const first = await api('POST', '/v1/customers', body, headers);
  expect(first.status).toBe(201);

  now = new Date(now.getTime() + 23 * HOUR + 59 * 60 * 1000);
  const within = await api('POST', '/v1/customers', body, headers);
  expect(within.headers.get('Idempotent-Replayed')).toBe('true');
  expect(within.body.id).toBe(first.body.id);
  expect((await api('POST', '/v1/customers', { email: 'other@example.com' }, headers)).status).toBe(400);

  now = new Date(now.getTime() + 2 * 60 * 1000); // 24 h 1 min after the first request
  const after = await api('POST', '/v1/customers', body, headers);
  expect(after.status).toBe(201);
  expect(after.headers.get('Idempotent-Replayed')).toBeNull();
  expect(after.body.id).not.toBe(first.body.id);
  // The key now belongs to the new request: replayed again from here on.
  const again = await api('POST', '/v1/customers', body, headers);
  expect([again.headers.get('Idempotent-Replayed'), again.body.id]).toEqual(['true', after.body.id]);
  expect((await api('GET', '/v1/customers')).body.data).toHaveLength(2);
});
