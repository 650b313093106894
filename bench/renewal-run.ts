/**
 * One side of the renewal bench, in its own process so its peak RSS is its own:
 *
 * - `porte <file>`: the real billing run, `runBilling(deps)` called back to back as the Node
 *   entry's loop calls it (without the interval), until a call finds nothing to do.
 * - `bare <file>`: the same rows written with better-sqlite3 directly, one transaction per renewal:
 *   the numbered paid invoice, its line, the succeeded payment attempt, the gateway's charge, the
 *   subscription moved to its next period, and the four outbox events Porte writes (invoice.created,
 *   invoice.finalized, subscription.updated, invoice.paid). No leases, guards, reads of what was
 *   just written, JSON validation or separate batches: the least the same writes need.
 *
 * Both open the file with Porte's pragmas and checkpoint the WAL on a worker thread, as the Node
 * entry does, so storage costs the same on both sides. Prints one JSON line with the figures.
 */
import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { runBilling, work } from '../server/billing/run.ts';
import { betterSqliteDatabase, openSqlite } from '../server/db/better-sqlite3.ts';
import { startCheckpointer } from '../server/db/checkpointer.ts';
import { systemClock } from '../server/deps.ts';

const [mode, file] = process.argv.slice(2);
if ((mode !== 'porte' && mode !== 'bare') || !file) throw new Error('usage: renewal-run.ts porte|bare <file>');

const sqlite = openSqlite(file);
sqlite.pragma('wal_autocheckpoint = 0');
const checkpointer = startCheckpointer(file);

async function porte(): Promise<number> {
  const deps = { db: betterSqliteDatabase(sqlite), clock: systemClock, config: { publicUrl: 'http://127.0.0.1:1' } };
  let done = 0;
  for (;;) {
    const n = work(await runBilling(deps));
    if (n === 0) return done;
    done += n;
  }
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

interface Sub {
  id: string;
  merchant_id: string;
  customer_id: string;
  offer_id: string;
  current_period_start: string;
  current_period_end: string;
  billing_anchor: string;
  current_cycle: number;
}

function bare(db: Database.Database): number {
  const merchant = db.prepare('SELECT id, slug FROM merchants LIMIT 1').get() as { id: string; slug: string };
  db.prepare('INSERT OR IGNORE INTO billing_settings (merchant_id, invoice_prefix, updated_at) VALUES (?, ?, ?)').run(merchant.id, merchant.slug.toUpperCase(), new Date().toISOString());
  const offers = new Map(
    (db.prepare("SELECT id, name, currency, recurring_amount AS amount FROM offers WHERE merchant_id = ?").all(merchant.id) as { id: string; name: string; currency: string; amount: number }[]).map((o) => [o.id, o]),
  );
  const due = db.prepare(
    `SELECT id, merchant_id, customer_id, offer_id, current_period_start, current_period_end, billing_anchor, current_cycle FROM subscriptions
     WHERE merchant_id = ? AND status IN ('trialing', 'active', 'past_due') AND current_period_end <= ? ORDER BY current_period_end LIMIT 100`,
  );
  const method = db.prepare('SELECT payment_method_ref FROM customer_gateway_refs WHERE customer_id = ?').pluck();
  const counter = db.prepare('UPDATE billing_settings SET invoice_counter = invoice_counter + 1, updated_at = ? WHERE merchant_id = ? RETURNING invoice_prefix, invoice_counter');
  const invoice = db.prepare(
    `INSERT INTO invoices (id, merchant_id, customer_id, subscription_id, number, status, payment_status, billing_reason, collection_method, currency,
       subtotal, tax, total, amount_paid, period_start, period_end, attempt_count, created_at, finalized_at, paid_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'paid', 'succeeded', 'subscription_cycle', 'charge_automatically', ?, ?, 0, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
  );
  const line = db.prepare(
    'INSERT INTO invoice_lines (invoice_id, position, description, period_start, period_end, quantity, unit_amount, amount, tax_amount) VALUES (?, 0, ?, ?, ?, 1, ?, ?, 0)',
  );
  const payment = db.prepare(
    `INSERT INTO invoice_payments (id, merchant_id, invoice_id, attempt, status, amount, currency, gateway_payment_id, created_at, updated_at)
     VALUES (?, ?, ?, 1, 'succeeded', ?, ?, ?, ?, ?)`,
  );
  const charge = db.prepare(
    'INSERT INTO test_gateway_charges (idempotency_key, payment_id, amount, currency, method_ref, result, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const advance = db.prepare(
    "UPDATE subscriptions SET status = 'active', current_period_start = ?, current_period_end = ?, current_cycle = ?, latest_invoice = ?, updated_at = ? WHERE id = ?",
  );
  const event = db.prepare('INSERT INTO events (id, merchant_id, type, data, created_at) VALUES (?, ?, ?, ?, ?)');

  const renew = db.transaction((s: Sub, at: string) => {
    const offer = offers.get(s.offer_id);
    if (!offer) return;
    const cycle = s.current_cycle + 1;
    const end = new Date(s.billing_anchor);
    end.setUTCMonth(end.getUTCMonth() + cycle + 1);
    const periodEnd = end.toISOString();
    const { invoice_prefix, invoice_counter } = counter.get(at, s.merchant_id) as { invoice_prefix: string; invoice_counter: number };
    const number = `${invoice_prefix}-${at.slice(0, 4)}-${String(invoice_counter).padStart(6, '0')}`;
    const invoiceId = id('in');
    const paymentId = id('pay');
    const gatewayId = id('test_py');
    invoice.run(invoiceId, s.merchant_id, s.customer_id, s.id, number, offer.currency, offer.amount, offer.amount, offer.amount, s.current_period_end, periodEnd, at, at, at, at);
    line.run(invoiceId, offer.name, s.current_period_end, periodEnd, offer.amount, offer.amount);
    payment.run(paymentId, s.merchant_id, invoiceId, offer.amount, offer.currency, gatewayId, at, at);
    charge.run(`porte_${paymentId}`, gatewayId, offer.amount, offer.currency.toLowerCase(), method.get(s.customer_id) as string, JSON.stringify({ status: 'succeeded', paymentId: gatewayId }), at);
    advance.run(s.current_period_end, periodEnd, cycle, invoiceId, at, s.id);
    // Payloads of the same shape and size as Porte's (the invoice and subscription objects).
    const inv = {
      id: invoiceId, object: 'invoice', customer: s.customer_id, subscription: s.id, number, status: 'open', currency: offer.currency,
      subtotal: offer.amount, tax: 0, total: offer.amount, amount_paid: 0, amount_due: offer.amount, billing_reason: 'subscription_cycle',
      collection_method: 'charge_automatically', period_start: s.current_period_end, period_end: periodEnd, created_at: at, finalized_at: at,
      lines: [{ description: offer.name, period_start: s.current_period_end, period_end: periodEnd, quantity: 1, unit_amount: offer.amount, amount: offer.amount }],
    };
    const sub = { id: s.id, object: 'subscription', customer: s.customer_id, offer: s.offer_id, status: 'active', current_period_start: s.current_period_end, current_period_end: periodEnd, latest_invoice: invoiceId };
    event.run(id('evt'), s.merchant_id, 'invoice.created', JSON.stringify({ ...inv, status: 'draft', number: null }), at);
    event.run(id('evt'), s.merchant_id, 'invoice.finalized', JSON.stringify(inv), at);
    event.run(id('evt'), s.merchant_id, 'subscription.updated', JSON.stringify({ object: sub, previous_attributes: { current_period_start: s.current_period_start, current_period_end: s.current_period_end } }), at);
    event.run(id('evt'), s.merchant_id, 'invoice.paid', JSON.stringify({ ...inv, status: 'paid', amount_paid: offer.amount, paid_at: at }), at);
  });

  let done = 0;
  for (;;) {
    const at = new Date().toISOString();
    const chunk = due.all(merchant.id, at) as Sub[];
    if (chunk.length === 0) return done;
    for (const s of chunk) renew(s, at);
    done += chunk.length;
  }
}

const cpu = () => {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1000;
};
const cpuBefore = cpu();
const started = performance.now();
const done = mode === 'porte' ? await porte() : bare(sqlite);
const seconds = (performance.now() - started) / 1000;
// CPU of the whole process (its checkpointer thread included) during the run, ms.
const cpuMs = cpu() - cpuBefore;
const count = (q: string) => (sqlite.prepare(q).get() as { n: number }).n;
const result = {
  mode,
  seconds,
  cpuMs,
  work: done,
  invoices: count('SELECT COUNT(*) AS n FROM invoices'),
  paid: count("SELECT COUNT(*) AS n FROM invoices WHERE status = 'paid'"),
  charges: count('SELECT COUNT(*) AS n FROM test_gateway_charges'),
  // Peak resident set of this process over its life (KB on Linux): startup, the run, everything.
  maxRssMB: process.resourceUsage().maxRSS / 1024,
};
// The checkpointer's thread is unref'd: keep the process alive until it has stopped.
const alive = setInterval(() => {}, 1000);
await checkpointer.stop();
clearInterval(alive);
sqlite.close();
console.log(`RESULT ${JSON.stringify(result)}`);
