import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { contextFor, runBilling } from '../../server/billing/run.ts';
import { settle } from '../../server/billing/settle.ts';
import { invoiceRepository } from '../../server/invoices/repository.ts';
import { merchantRepository } from '../../server/merchants/repository.ts';
import { betterSqliteDatabase, openSqlite } from '../../server/db/better-sqlite3.ts';
import type { Deps } from '../../server/deps.ts';
import { nodeHarness } from '../harness/node.ts';
import { client, type Harness } from '../harness/types.ts';
import { advance, all, BILLING_CARDS, billingShop, offer, plusDays, plusMonths, subscribe } from './billing-helpers.ts';

// Two app instances on ONE SQLite file (two connections, as two processes would have), billing the
// same environment at the same time: each period billed once, each attempt charged once, counted at
// the gateway (the test gateway's own table of charges).
let h: Awaited<ReturnType<typeof nodeHarness>>;
let second: { deps: Deps; request: Harness['request']; close: () => void };

beforeAll(async () => {
  h = await nodeHarness();
  const sqlite = openSqlite(h.file);
  const deps: Deps = { db: betterSqliteDatabase(sqlite), clock: () => new Date(), config: { publicUrl: 'http://porte.test' } };
  const app = createApp(deps);
  second = { deps, request: async (path, init) => app.request(path, init), close: () => sqlite.close() };
});
afterAll(async () => {
  second?.close();
  await h?.close();
});

const count = async (q: string, params: (string | number)[] = []) => (await h.deps.db.get<{ n: number }>(q, params))?.n ?? 0;

it('two runners over one database bill each period once and charge each attempt once', { timeout: 300_000 }, async () => {
  const { merchant, api } = await billingShop(h);
  const api2 = client({ ...h, request: second.request }, merchant.secretKey);
  const plan = await offer(api, { reference: 'm', name: 'Monthly', recurring: { amount: 1000, interval: 'month' }, trial: { days: 5 } });
  const cards = [BILLING_CARDS.ok, BILLING_CARDS.ok, BILLING_CARDS.insufficient];
  const subs: { id: string; card: string }[] = [];
  for (let i = 0; i < 30; i++) subs.push({ id: (await subscribe(h, api, plan, cards[i % 3] as string, `race-${i}@example.com`)).subscription, card: cards[i % 3] as string });
  const trialEnd: string = (await api('GET', `/v1/subscriptions/${subs[0]?.id}`)).body.trial_end;
  const to = plusDays(plusMonths(trialEnd, 3), 10);
  // Both instances advance the same clock and run their background runs, all at once.
  const results = await Promise.all([
    api('POST', '/v1/test_clock/advance', { to }),
    api2('POST', '/v1/test_clock/advance', { to }),
    runBilling(h.deps),
    runBilling(second.deps),
  ]);
  expect(results[0].status).toBe(200);
  expect(results[1].status).toBe(200);
  // Whatever either runner left (the other's lease) is done by one more pass each.
  await Promise.all([api('POST', '/v1/test_clock/advance', { to }), api2('POST', '/v1/test_clock/advance', { to })]);

  const invoices = await all(api, '/v1/invoices');
  for (const s of subs) {
    const mine = invoices.filter((i) => i.subscription === s.id);
    const starts = mine.map((i) => i.lines[0].period_start).sort();
    const sub = (await api('GET', `/v1/subscriptions/${s.id}`)).body;
    if (s.card === BILLING_CARDS.ok) expect(starts).toEqual([0, 1, 2, 3].map((k) => plusMonths(sub.trial_end, k)));
    else expect(mine.map((i) => i.status)).toEqual(['uncollectible']);
  }
  // At the gateway: one charge per attempt, one successful charge per paid invoice, five tries per failed one.
  const paid = invoices.filter((i) => i.status === 'paid').length;
  expect(paid).toBe(20 * 4);
  expect(await count("SELECT COUNT(*) AS n FROM test_gateway_charges WHERE json_extract(result, '$.status') = 'succeeded'")).toBe(paid);
  expect(await count('SELECT COUNT(*) AS n FROM test_gateway_charges')).toBe(paid + 10 * 5);
  expect(await count("SELECT COUNT(*) AS n FROM test_gateway_charges g JOIN invoice_payments p ON g.idempotency_key = 'porte_' || p.id")).toBe(paid + 10 * 5);
  const numbers = invoices.map((i) => Number(i.number.slice(-6))).sort((a, b) => a - b);
  expect(numbers).toEqual(Array.from({ length: invoices.length }, (_, k) => k + 1));
});

it('a crash between "charged" and "recorded" is settled by asking the gateway, never by charging again', async () => {
  const { api } = await billingShop(h);
  const plan = await offer(api, { reference: 'm', name: 'Monthly', recurring: { amount: 1200, interval: 'month' }, trial: { days: 2 } });
  const { subscription } = await subscribe(h, api, plan, BILLING_CARDS.ok, 'crash@example.com');
  const trialEnd: string = (await api('GET', `/v1/subscriptions/${subscription}`)).body.trial_end;
  const before = await count('SELECT COUNT(*) AS n FROM test_gateway_charges');
  // The process "dies" right after the gateway charged: recording the success fails.
  await h.deps.db.run("CREATE TRIGGER crash BEFORE UPDATE OF status ON invoice_payments WHEN new.status = 'succeeded' BEGIN SELECT RAISE(ABORT, 'crash'); END");
  const crashed = await api('POST', '/v1/test_clock/advance', { to: plusDays(trialEnd, 0) });
  expect(crashed.status).toBe(500);
  const [inv] = await all(api, `/v1/invoices?subscription=${subscription}`);
  expect(inv).toMatchObject({ status: 'open', attempt_count: 1 });
  expect(await count('SELECT COUNT(*) AS n FROM test_gateway_charges')).toBe(before + 1);
  await h.deps.db.run('DROP TRIGGER crash');
  // Past the lease, the next run asks the gateway about the same attempt and records what it says.
  const res = await api('POST', '/v1/test_clock/advance', { to: plusDays(trialEnd, 1) });
  expect(res.status).toBe(200);
  expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'paid', attempt_count: 1, amount_paid: 1200 });
  expect(await count('SELECT COUNT(*) AS n FROM test_gateway_charges')).toBe(before + 1);
  expect(await count("SELECT COUNT(*) AS n FROM invoice_payments WHERE invoice_id = ? AND status = 'succeeded'", [inv.id])).toBe(1);
});

it('an outcome recorded late by a runner that lost its lease writes nothing: no second event, no retry moved', async () => {
  const { merchant, api } = await billingShop(h);
  const plan = await offer(api, { reference: 'm', name: 'Monthly', recurring: { amount: 1300, interval: 'month' }, trial: { days: 2 } });
  const { subscription } = await subscribe(h, api, plan, BILLING_CARDS.insufficient, 'late@example.com');
  const trialEnd: string = (await api('GET', `/v1/subscriptions/${subscription}`)).body.trial_end;
  await advance(api, plusDays(trialEnd, 0));
  const [inv] = await all(api, `/v1/invoices?subscription=${subscription}`);
  expect(inv).toMatchObject({ status: 'open', attempt_count: 1 });
  const [payment] = await h.deps.db.all<{ id: string }>('SELECT id FROM invoice_payments WHERE invoice_id = ?', [inv.id]);
  const failedEvents = () => count("SELECT COUNT(*) AS n FROM events WHERE type = 'invoice.payment_failed' AND json_extract(data, '$.id') = ?", [inv.id]);
  expect(await failedEvents()).toBe(1);

  // The runner that made the attempt comes back an hour later (its lease long gone) with the same decline.
  const m = await merchantRepository(h.deps.db).byId(merchant.id);
  if (!m || !payment) throw new Error('merchant and attempt exist');
  const ctx = await contextFor(h.deps, m);
  const late = { ...ctx, clock: () => new Date(ctx.clock().getTime() + 3_600_000) };
  const stale = await invoiceRepository(h.deps.db).byId(merchant.id, inv.id);
  if (!stale) throw new Error('invoice exists');
  await settle(late, { ...stale, firstFailedAt: null }, payment.id, { status: 'failed', paymentId: null, code: 'card_declined', declineCode: 'insufficient_funds', hard: false, message: 'late' });
  expect(await failedEvents()).toBe(1);
  expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'open', attempt_count: 1, next_payment_attempt: inv.next_payment_attempt });
});
