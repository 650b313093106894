// 1,000 signups through the hosted form, one in ten submitted twice at the same time (the double
// click, the impatient reload): exactly 1,000 customers and subscriptions, never a 5xx. Then the
// same Idempotency-Key fired concurrently: one customer per key.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Database, UniqueViolation } from '../../server/db/port.ts';
import { formFields, openCheckout, postCheckout } from '../api/checkout.suite.ts';
import { nodeHarness } from '../harness/node.ts';
import { client, type TestMerchant } from '../harness/types.ts';

const SIGNUPS = 1000;
const CONCURRENCY = 16;
const SUCCESS_URL = 'https://shop.example/thanks';

let h: Awaited<ReturnType<typeof nodeHarness>>;
let m: TestMerchant;
let api: ReturnType<typeof client>;
/** Batches rolled back by a UNIQUE constraint: each one is a duplicate submission that lost the race. */
let racesLost = 0;

beforeAll(async () => {
  h = await nodeHarness();
  // Count the rollbacks without changing them: the app reads `deps.db` on every request.
  const db = h.deps.db;
  const counting: Database = {
    ...db,
    async batch(statements) {
      try {
        return await db.batch(statements);
      } catch (error) {
        if (error instanceof UniqueViolation) racesLost++;
        throw error;
      }
    },
  };
  (h.deps as { db: Database }).db = counting;
  m = await h.merchant();
  api = client(h, m.secretKey);
  const offer = await api('POST', '/v1/offers', { reference: 'pro', name: 'Pro', currency: 'EUR', recurring: { amount: 2900, interval: 'month' }, trial: { days: 14 } });
  expect(offer.status).toBe(201);
});
afterAll(async () => h?.close());

/** Runs `task(0..n-1)` with at most `width` in flight. */
async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

const one = <T>(rows: T[]): T => {
  expect(rows).toHaveLength(1);
  return rows[0] as T;
};

it('completes 1,000 checkouts with 10% double submissions: 1,000 customers, 1,000 subscriptions, no 5xx', async () => {
  const started = Date.now();
  const statuses = new Map<string, number>();
  const wrong: string[] = [];
  const tally = (what: string, status: number, ok: boolean) => {
    statuses.set(`${what} ${status}`, (statuses.get(`${what} ${status}`) ?? 0) + 1);
    if (!ok) wrong.push(`${what} → ${status}`);
  };
  const ids: string[] = [];

  await pool(SIGNUPS, CONCURRENCY, async (i) => {
    const s = await api('POST', '/v1/checkout_sessions', { offer: 'pro', success_url: SUCCESS_URL, cancel_url: SUCCESS_URL });
    tally('create session', s.status, s.status === 201);
    if (s.status !== 201) return;
    const id: string = s.body.id;
    ids.push(id);
    const page = await openCheckout(h, id);
    tally('open page', page.status, page.status === 200 && page.csrf !== '');
    const form = { csrf: page.csrf, ...formFields(`load-${i}@example.com`) };
    const posts = i % 10 === 0 ? [postCheckout(h, `/checkout/${id}`, form), postCheckout(h, `/checkout/${id}`, form)] : [postCheckout(h, `/checkout/${id}`, form)];
    for (const done of await Promise.all(posts)) {
      tally(posts.length === 2 ? 'double submit' : 'submit', done.status, done.status === 303 && done.location === `${SUCCESS_URL}?checkout_session_id=${id}`);
    }
  });

  const fivexx = [...statuses].filter(([k]) => / 5\d\d$/.test(k));
  expect(fivexx).toEqual([]);
  expect(wrong).toEqual([]);
  expect(ids).toHaveLength(SIGNUPS);
  expect(statuses.get('double submit 303')).toBe(2 * (SIGNUPS / 10));

  const q = <T>(text: string, ...params: (string | number)[]) => h.deps.db.all<T>(text, [m.id, ...params]);
  expect(one(await q<{ n: number }>('SELECT COUNT(*) AS n FROM customers WHERE merchant_id = ?')).n).toBe(SIGNUPS);
  expect(one(await q<{ n: number }>('SELECT COUNT(DISTINCT email) AS n FROM customers WHERE merchant_id = ?')).n).toBe(SIGNUPS);
  expect(one(await q<{ n: number; sessions: number }>('SELECT COUNT(*) AS n, COUNT(DISTINCT checkout_session_id) AS sessions FROM subscriptions WHERE merchant_id = ?'))).toEqual({
    n: SIGNUPS,
    sessions: SIGNUPS,
  });
  // Each session complete, pointing at its own subscription and customer, each customer with exactly one subscription.
  const joined = await q<{ n: number }>(
    `SELECT COUNT(*) AS n FROM checkout_sessions cs
     JOIN subscriptions s ON s.id = cs.subscription_id AND s.checkout_session_id = cs.id AND s.customer_id = cs.customer_id
     JOIN customers c ON c.id = cs.customer_id
     WHERE cs.merchant_id = ? AND cs.status = 'complete' AND (SELECT COUNT(*) FROM subscriptions x WHERE x.customer_id = c.id) = 1`,
  );
  expect(one(joined).n).toBe(SIGNUPS);
  // One outbox event of each kind per signup: the losing submission rolled its events back too.
  const events = await q<{ type: string; n: number; distinct_ids: number }>(
    "SELECT type, COUNT(*) AS n, COUNT(DISTINCT json_extract(data, '$.id')) AS distinct_ids FROM events WHERE merchant_id = ? GROUP BY type ORDER BY type",
  );
  expect(events).toEqual([
    { type: 'checkout_session.completed', n: SIGNUPS, distinct_ids: SIGNUPS },
    { type: 'customer.created', n: SIGNUPS, distinct_ids: SIGNUPS },
    { type: 'customer.payment_method.updated', n: SIGNUPS, distinct_ids: SIGNUPS },
    { type: 'subscription.created', n: SIGNUPS, distinct_ids: SIGNUPS },
  ]);
  // The double submissions really raced into the atomic batch (and lost there), not just into "already complete".
  expect(racesLost).toBeGreaterThan(0);
  console.log(JSON.stringify({ load: { signups: SIGNUPS, doubleSubmissions: SIGNUPS / 10, racesLostInBatch: racesLost, statuses: Object.fromEntries(statuses), ms: Date.now() - started } }));
}, 120_000);

it('the same Idempotency-Key fired 5 times at once creates one customer, replayed to every caller', async () => {
  const KEYS = 100;
  const FIRES = 5;
  const statuses = new Map<number, number>();
  const idsByKey = new Map<string, Set<string>>();
  let retries409 = 0;
  let firstAnswers = 0;

  const post = (k: number) => api('POST', '/v1/customers', { email: `idem-${k}@example.com`, reference: `idem-${k}` }, { 'Idempotency-Key': `idem-key-${k}` });
  await pool(KEYS, 10, async (k) => {
    const answers = await Promise.all(Array.from({ length: FIRES }, () => post(k)));
    const ids = new Set<string>();
    const fresh = answers.filter((res) => res.status === 201 && res.headers.get('Idempotent-Replayed') !== 'true').length;
    expect({ key: k, fresh }).toEqual({ key: k, fresh: 1 });
    firstAnswers += fresh;
    for (let res of answers) {
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      // 409 = the first is still running: a client retries, and gets the stored answer.
      for (let tries = 0; res.status === 409 && tries < 50; tries++) {
        retries409++;
        await new Promise((r) => setTimeout(r, 5));
        res = await post(k);
      }
      expect(res.status).toBe(201);
      ids.add(res.body.id);
    }
    idsByKey.set(`idem-key-${k}`, ids);
  });

  expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
  for (const [key, ids] of idsByKey) expect({ key, ids: ids.size }).toEqual({ key, ids: 1 });
  const rows = await h.deps.db.all<{ email: string; n: number }>(
    "SELECT email, COUNT(*) AS n FROM customers WHERE merchant_id = ? AND email LIKE 'idem-%' GROUP BY email",
    [m.id],
  );
  expect(rows).toHaveLength(KEYS);
  expect(rows.filter((r) => r.n !== 1)).toEqual([]);
  expect(statuses.get(201)).toBeGreaterThanOrEqual(KEYS);
  console.log(JSON.stringify({ idempotency: { keys: KEYS, firesPerKey: FIRES, statuses: Object.fromEntries(statuses), created: firstAnswers, retriesAfter409: retries409 } }));
});
