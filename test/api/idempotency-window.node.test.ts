// The 24 h Idempotency-Key window, with the injected clock moved past it (Node: the clock is a
// dependency; the Workers entry uses the real one).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sha256Hex } from '../../server/lib/crypto.ts';
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

it('takes over a key left pending by a crash after the configured recovery time; an applied one is never run twice', async () => {
  const clock = { now: new Date('2026-11-25T10:00:00Z') };
  const fast = await nodeHarness({ clock: () => clock.now, config: { publicUrl: 'http://porte.test', recoveryMs: 5_000 } });
  try {
    const m = await fast.merchant();
    const api = client(fast, m.secretKey);
    const body = JSON.stringify({ email: 'crashed@example.com' });
    const hash = await sha256Hex(`POST /v1/customers\n${body}`);
    // What a server killed mid-request leaves: a pending key, written (applied) or not.
    for (const [key, applied] of [['never-written', 0], ['written', 1]] as const) {
      await fast.deps.db.run("INSERT INTO idempotency_keys (merchant_id, key, request_hash, status, applied, created_at) VALUES (?, ?, ?, 'pending', ?, ?)", [
        m.id,
        key,
        hash,
        applied,
        clock.now.toISOString(),
      ]);
    }
    const retry = (key: string) => api('POST', '/v1/customers', body, { 'Idempotency-Key': key });
    clock.now = new Date(clock.now.getTime() + 4_000);
    expect((await retry('never-written')).body.error.code).toBe('idempotency_key_in_use');
    expect((await retry('written')).body.error.code).toBe('idempotency_key_in_use');
    clock.now = new Date(clock.now.getTime() + 2_000);
    expect((await retry('never-written')).status).toBe(201);
    const applied = await retry('written');
    expect([applied.status, applied.body.error.code]).toEqual([409, 'idempotency_key_applied']);
    expect((await api('GET', '/v1/customers')).body.data).toHaveLength(1);
  } finally {
    await fast.close();
  }
});
