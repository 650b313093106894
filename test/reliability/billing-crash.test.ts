// Kill -9 in the middle of a billing run of 5,000 due renewals, then a restart: every period is
// billed once, every customer charged once (counted at the test gateway's own record of charges),
// no invoice is left half made, and the invoice numbers have no gap.
//
// The database is made by Porte's own migrations and services (merchant, offer through the API),
// and the 5,000 customers with their saved cards and due subscriptions are written by SQL, as
// checkout would have left them. The run is the Node entry's billing loop (PORTE_BILLING_INTERVAL_MS).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { betterSqliteDatabase, openSqlite } from '../../server/db/better-sqlite3.ts';
import { migrateNode } from '../../server/db/migrate-node.ts';
import type { Deps } from '../../server/deps.ts';
import { newId } from '../../server/lib/ids.ts';
import { createMerchant } from '../../server/merchants/service.ts';
import { type Killable, spawnPorte } from '../harness/killable.ts';
import { migrationsDir } from '../harness/node.ts';
import { client, type Harness } from '../harness/types.ts';

const SUBSCRIPTIONS = 5000;
const PRICE = 1990;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'porte-billing-crash-'));
const dbFile = join(dir, 'porte.sqlite');
const porte: Killable[] = [];
let reader: Database.Database | undefined;

afterAll(async () => {
  reader?.close();
  for (const p of porte) {
    if (!p.alive()) continue;
    process.kill(p.pid, 'SIGKILL');
    await p.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

interface Seeded {
  merchantId: string;
  secretKey: string;
  /** Subscription id → the period end it was seeded with (the start of the period to bill). */
  due: Map<string, { customerId: string; methodRef: string; periodEnd: string }>;
}

/** A migrated database with one test environment, a monthly offer, and SUBSCRIPTIONS due renewals. */
async function seed(): Promise<Seeded> {
  const sqlite = openSqlite(dbFile);
  try {
    migrateNode(sqlite, migrationsDir);
    const deps: Deps = { db: betterSqliteDatabase(sqlite), clock: () => new Date(), config: { publicUrl: 'http://porte.test' } };
    const created = await createMerchant(deps.db, deps.clock, {
      slug: 'crashshop',
      name: 'Crash Shop',
      mode: 'test',
      allowedOrigins: ['http://localhost:*'],
      owner: { email: 'owner@crash.test', password: 'correct horse battery staple' },
    });
    const app = createApp(deps);
    const h: Harness = { runtime: 'node', request: async (path, init) => app.request(path, init), merchant: () => Promise.reject(new Error('unused')), close: async () => {} };
    const offer = await client(h, created.secretKey)('POST', '/v1/offers', { reference: 'monthly', name: 'Monthly', currency: 'EUR', recurring: { amount: PRICE, interval: 'month' } });
    expect(offer.status, JSON.stringify(offer.body)).toBe(201);

    const merchantId = created.merchant.id;
    const due: Seeded['due'] = new Map();
    const now = Date.now();
    const insertCustomer = sqlite.prepare(
      `INSERT INTO customers (id, merchant_id, reference, email, first_name, last_name, payment_method, auto_billing, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'Sam', ?, ?, 1, ?, ?)`,
    );
    const insertRef = sqlite.prepare(
      "INSERT INTO customer_gateway_refs (customer_id, merchant_id, gateway, gateway_customer_id, payment_method_ref, updated_at) VALUES (?, ?, 'test', NULL, ?, ?)",
    );
    const insertSubscription = sqlite.prepare(
      `INSERT INTO subscriptions (id, merchant_id, customer_id, offer_id, status, current_period_start, current_period_end, billing_anchor,
         current_cycle, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, 0, ?, ?)`,
    );
    sqlite.transaction(() => {
      for (let i = 0; i < SUBSCRIPTIONS; i++) {
        // Periods that ended over the last ~2 hours, one second apart: all due when Porte starts.
        const end = new Date(now - 2 * 3_600_000 + i * 1000);
        const start = new Date(end);
        start.setUTCMonth(start.getUTCMonth() - 1);
        const at = start.toISOString();
        const customerId = newId('cus');
        const subscriptionId = newId('sub');
        // A saved card per customer, as a gateway names them: the charge record says whose card it was.
        const methodRef = `test_pm_c${String(i).padStart(5, '0')}_4242`;
        const card = JSON.stringify({ type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2040 } });
        insertCustomer.run(customerId, merchantId, `crash-${i}`, `crash-${i}@example.com`, `Lee${i}`, card, at, at);
        insertRef.run(customerId, merchantId, methodRef, at);
        insertSubscription.run(subscriptionId, merchantId, customerId, offer.body.id, at, end.toISOString(), at, at, at);
        due.set(subscriptionId, { customerId, methodRef, periodEnd: end.toISOString() });
      }
    })();
    return { merchantId, secretKey: created.secretKey, due };
  } finally {
    sqlite.close();
  }
}

const count = (db: Database.Database, q: string, ...params: (string | number)[]) => (db.prepare(q).get(...params) as { n: number }).n;

/**
 * Outbox rows are written in the same batches as what they tell: one invoice.created, one
 * invoice.finalized and one subscription.updated per invoice, whatever happened, and none of nothing.
 */
function eventsNotOnce(db: Database.Database, merchantId: string): unknown[] {
  const types = ['invoice.created', 'invoice.finalized', 'subscription.updated'];
  const counted = db
    .prepare(
      `SELECT type, CASE type WHEN 'subscription.updated' THEN json_extract(data, '$.object.latest_invoice') ELSE json_extract(data, '$.id') END AS inv, COUNT(*) AS n
       FROM events WHERE merchant_id = ? AND type IN ('invoice.created', 'invoice.finalized', 'subscription.updated') GROUP BY 1, 2`,
    )
    .all(merchantId) as { type: string; inv: string; n: number }[];
  const n = new Map(counted.map((c) => [`${c.inv} ${c.type}`, c.n]));
  const ids = new Set((db.prepare('SELECT id FROM invoices WHERE merchant_id = ?').all(merchantId) as { id: string }[]).map((r) => r.id));
  const wrong: unknown[] = counted.filter((c) => !ids.has(c.inv));
  for (const id of ids) for (const type of types) if (n.get(`${id} ${type}`) !== 1) wrong.push({ id, type, n: n.get(`${id} ${type}`) ?? 0 });
  return wrong;
}

/**
 * Every way an invoice can be half made, read straight from the file. Empty = consistent. These
 * hold at any moment, even right after the kill: each step is one atomic batch.
 */
function halfMade(db: Database.Database, merchantId: string): Record<string, unknown[]> {
  const q = (text: string) => db.prepare(text).all({ m: merchantId });
  return {
    drafts: q("SELECT id FROM invoices WHERE merchant_id = @m AND status = 'draft'"),
    withoutLines: q('SELECT id FROM invoices i WHERE merchant_id = @m AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id)'),
    totalsNotSumOfLines: q(`
      SELECT i.id, i.subtotal, i.tax, i.total FROM invoices i WHERE i.merchant_id = @m AND (
        i.subtotal != (SELECT SUM(amount) FROM invoice_lines l WHERE l.invoice_id = i.id)
        OR i.tax != (SELECT SUM(tax_amount) FROM invoice_lines l WHERE l.invoice_id = i.id)
        OR i.total != i.subtotal + i.tax)`),
    finalizedWithoutNumber: q("SELECT id FROM invoices WHERE merchant_id = @m AND status != 'draft' AND (number IS NULL OR finalized_at IS NULL)"),
    // The period moved on exactly when its invoice was made (same batch).
    invoicedButNotAdvanced: q(`
      SELECT i.id FROM invoices i JOIN subscriptions s ON s.id = i.subscription_id
      WHERE i.merchant_id = @m AND (s.current_period_start != i.period_start OR s.latest_invoice != i.id)`),
    advancedWithoutInvoice: q(`
      SELECT s.id FROM subscriptions s WHERE s.merchant_id = @m AND s.current_cycle > 0
        AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.id = s.latest_invoice AND i.period_start = s.current_period_start)`),
    paidWithoutSucceededAttempt: q(`
      SELECT i.id FROM invoices i WHERE i.merchant_id = @m AND i.status = 'paid'
        AND (SELECT COUNT(*) FROM invoice_payments p WHERE p.invoice_id = i.id AND p.status = 'succeeded') != 1`),
    eventsNotOnce: eventsNotOnce(db, merchantId),
  };
}
const none = (found: Record<string, unknown[]>) => Object.fromEntries(Object.keys(found).map((k) => [k, []]));

/** Invoice numbers are PREFIX-YYYY-NNNNNN: the counters, sorted, must be exactly 1..n. */
function numberGaps(db: Database.Database, merchantId: string): { numbers: number; counter: number; gapless: boolean } {
  const rows = db.prepare('SELECT number FROM invoices WHERE merchant_id = ? AND number IS NOT NULL').all(merchantId) as { number: string }[];
  const n = rows.map((r) => Number(/-(\d+)$/.exec(r.number)?.[1])).sort((a, b) => a - b);
  const counter = count(db, 'SELECT invoice_counter AS n FROM billing_settings WHERE merchant_id = ?', merchantId);
  return { numbers: n.length, counter, gapless: n.every((v, k) => v === k + 1) };
}

it('bills every period once and charges every customer once after kill -9 in the middle of a 5,000-renewal run', { timeout: 300_000 }, async () => {
  const t0 = Date.now();
  const seeded = await seed();
  const { merchantId } = seeded;
  const seededAt = Date.now();
  reader = new Database(dbFile, { readonly: true, fileMustExist: true });
  const db = reader;
  const invoices = () => count(db, 'SELECT COUNT(*) AS n FROM invoices WHERE merchant_id = ?', merchantId);
  const env = { PORTE_SEED: '0', PORTE_LOG: '0', PORTE_BILLING_INTERVAL_MS: '50' };

  // ---- First start: the billing loop finds 5,000 renewals due. Kill it once it is partway.
  const first = await spawnPorte(dbFile, env);
  porte.push(first);
  // Somewhere in the middle, differently each run; never "after n ms": after the run has visibly started and not finished.
  const killAt = 500 + Math.floor(Math.random() * 2000);
  const deadline = Date.now() + 60_000;
  let seen = invoices();
  while (seen < killAt && Date.now() < deadline) {
    await sleep(20);
    seen = invoices();
  }
  process.kill(first.pid, 'SIGKILL');
  expect(await first.exited).toBe('SIGKILL');
  const killedAt = Date.now();
  const atKill = {
    invoices: invoices(),
    paid: count(db, "SELECT COUNT(*) AS n FROM invoices WHERE merchant_id = ? AND status = 'paid'", merchantId),
    openWithoutAttempt: count(db, "SELECT COUNT(*) AS n FROM invoices WHERE merchant_id = ? AND status = 'open' AND attempt_count = 0", merchantId),
    pendingAttempts: count(db, "SELECT COUNT(*) AS n FROM invoice_payments WHERE merchant_id = ? AND status = 'pending'", merchantId),
    leasedSubscriptions: count(db, 'SELECT COUNT(*) AS n FROM subscriptions WHERE merchant_id = ? AND lease_until IS NOT NULL', merchantId),
    gatewayCharges: count(db, 'SELECT COUNT(*) AS n FROM test_gateway_charges'),
  };
  // The kill came in the middle of the run: some renewals made, not all.
  expect(atKill.invoices, first.output()).toBeGreaterThan(0);
  expect(atKill.invoices).toBeLessThan(SUBSCRIPTIONS);
  const afterKill = halfMade(db, merchantId);
  expect(afterKill).toEqual(none(afterKill));
  expect(numberGaps(db, merchantId)).toEqual({ numbers: atKill.invoices, counter: atKill.invoices, gapless: true });

  // ---- Restart on the same file: the loop carries on; leases the dead process held lapse on the
  // environment's clock, so the test clock is moved past them (the engine's own way to let time pass).
  const second = await spawnPorte(dbFile, env);
  porte.push(second);
  const api = client({ runtime: 'node', request: (path, init) => fetch(`${second.url}${path}`, init), merchant: () => Promise.reject(new Error('unused')), close: async () => {} }, seeded.secretKey);
  const now = (await api('GET', '/v1/test_clock')).body.now as string;
  const advanced = await api('POST', '/v1/test_clock/advance', { to: new Date(Date.parse(now) + 10 * 60_000).toISOString() });
  expect(advanced.status, JSON.stringify(advanced.body)).toBe(200);
  const finishedAt = Date.now();

  // ---- Every period billed once: one invoice per subscription, for the period that was due, paid.
  const rows = db
    .prepare('SELECT id, subscription_id, customer_id, status, total, attempt_count, period_start, billing_reason FROM invoices WHERE merchant_id = ?')
    .all(merchantId) as { id: string; subscription_id: string; customer_id: string; status: string; total: number; attempt_count: number; period_start: string; billing_reason: string }[];
  expect(rows).toHaveLength(SUBSCRIPTIONS);
  const bySubscription = new Map(rows.map((r) => [r.subscription_id, r]));
  expect(bySubscription.size).toBe(SUBSCRIPTIONS);
  const wrong: unknown[] = [];
  for (const [id, s] of seeded.due) {
    const inv = bySubscription.get(id);
    const expected = { customer_id: s.customerId, period_start: s.periodEnd, status: 'paid', total: PRICE, attempt_count: 1, billing_reason: 'subscription_cycle' };
    const got = inv && { customer_id: inv.customer_id, period_start: inv.period_start, status: inv.status, total: inv.total, attempt_count: inv.attempt_count, billing_reason: inv.billing_reason };
    if (JSON.stringify(got) !== JSON.stringify(expected)) wrong.push({ id, got, expected });
  }
  expect(wrong.slice(0, 5), `${wrong.length} subscriptions not billed exactly once`).toEqual([]);
  expect(count(db, "SELECT COUNT(*) AS n FROM subscriptions WHERE merchant_id = ? AND (status != 'active' OR current_cycle != 1)", merchantId)).toBe(0);

  // ---- Each customer charged once, counted at the gateway: its own record of charges, by card.
  const charges = db.prepare('SELECT method_ref, amount, currency, result FROM test_gateway_charges').all() as { method_ref: string; amount: number; currency: string; result: string }[];
  const byCard = new Map<string, number>();
  for (const c of charges) {
    expect({ card: c.method_ref, amount: c.amount, currency: c.currency, status: (JSON.parse(c.result) as { status: string }).status }).toEqual({ card: c.method_ref, amount: PRICE, currency: 'eur', status: 'succeeded' });
    byCard.set(c.method_ref, (byCard.get(c.method_ref) ?? 0) + 1);
  }
  const cards = [...seeded.due.values()].map((s) => s.methodRef);
  expect(cards.filter((card) => byCard.get(card) !== 1).slice(0, 5), 'every customer charged exactly once').toEqual([]);
  expect(charges).toHaveLength(SUBSCRIPTIONS);
  // And Porte recorded each of those charges on the invoice's one attempt (none lost, none unknown).
  expect(count(db, "SELECT COUNT(*) AS n FROM invoice_payments WHERE merchant_id = ? AND status = 'succeeded'", merchantId)).toBe(SUBSCRIPTIONS);
  expect(count(db, "SELECT COUNT(*) AS n FROM invoice_payments WHERE merchant_id = ? AND status != 'succeeded'", merchantId)).toBe(0);
  expect(count(db, "SELECT COUNT(*) AS n FROM test_gateway_charges g JOIN invoice_payments p ON g.idempotency_key = 'porte_' || p.id AND g.payment_id = p.gateway_payment_id")).toBe(SUBSCRIPTIONS);

  // ---- Nothing half made, numbers gapless, no open invoice left without its attempt.
  const after = halfMade(db, merchantId);
  expect(after).toEqual(none(after));
  expect(count(db, "SELECT COUNT(*) AS n FROM invoices WHERE merchant_id = ? AND status = 'open'", merchantId)).toBe(0);
  expect(count(db, "SELECT COUNT(*) AS n FROM events WHERE merchant_id = ? AND type = 'invoice.paid'", merchantId)).toBe(SUBSCRIPTIONS);
  expect(numberGaps(db, merchantId)).toEqual({ numbers: SUBSCRIPTIONS, counter: SUBSCRIPTIONS, gapless: true });

  console.log(
    JSON.stringify({
      billingCrash: {
        subscriptions: SUBSCRIPTIONS,
        killAfterInvoices: killAt,
        atKill,
        ms: { seed: seededAt - t0, firstRunUntilKill: killedAt - seededAt, restartAndFinish: finishedAt - killedAt, total: Date.now() - t0 },
      },
    }),
  );
});
