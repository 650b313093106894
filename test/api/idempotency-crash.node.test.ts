import { expect, it } from 'vitest';
import type { Database } from '../../server/db/port.ts';
import { nodeHarness } from '../harness/node.ts';
import { client } from '../harness/types.ts';

// The window a crash can open: the customer is written, then the process dies before the
// Idempotency-Key's response is stored. Simulated by failing the "store the response" write.
async function setup() {
  let now = Date.now();
  const failures = { storeResponse: false, write: false };
  const h = await nodeHarness();
  const real = h.deps.db;
  const db: Database = {
    ...real,
    run: async (sql, params) => {
      if (failures.storeResponse && sql.includes("SET status = 'done'")) {
        failures.storeResponse = false;
        throw new Error('simulated crash after the write');
      }
      return real.run(sql, params);
    },
    batch: async (statements) => {
      if (failures.write) {
        failures.write = false;
        throw new Error('simulated crash before the write');
      }
      return real.batch(statements);
    },
  };
  Object.assign(h.deps, { db, clock: () => new Date(now) });
  const m = await h.merchant();
  return { h, api: client(h, m.secretKey), failures, later: (ms: number) => (now += ms) };
}

it('never applies a request twice when its response was lost after the write', async () => {
  const { h, api, failures, later } = await setup();
  failures.storeResponse = true;
  const key = { 'Idempotency-Key': 'crash-after-write' };
  expect((await api('POST', '/v1/customers', { email: 'once@example.com' }, key)).status).toBe(500);
  expect((await api('POST', '/v1/customers', { email: 'once@example.com' }, key)).body.error.code).toBe('idempotency_key_in_use');
  later(61_000);
  const retry = await api('POST', '/v1/customers', { email: 'once@example.com' }, key);
  expect(retry.status).toBe(409);
  expect(retry.body.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_applied', param: 'Idempotency-Key' });
  expect((await api('GET', '/v1/customers?query=once')).body.data).toHaveLength(1);
  await h.close();
});

it('runs the request again when nothing had been written', async () => {
  const { h, api, failures } = await setup();
  failures.write = true;
  const key = { 'Idempotency-Key': 'crash-before-write' };
  expect((await api('POST', '/v1/customers', { email: 'retry@example.com' }, key)).status).toBe(500);
  const retry = await api('POST', '/v1/customers', { email: 'retry@example.com' }, key);
  expect(retry.status).toBe(201);
  const replay = await api('POST', '/v1/customers', { email: 'retry@example.com' }, key);
  expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
  expect(replay.body.id).toBe(retry.body.id);
  expect((await api('GET', '/v1/customers?query=retry')).body.data).toHaveLength(1);
  await h.close();
});
