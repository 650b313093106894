// Kill -9 in the middle of a signup rush: nothing acknowledged is lost, nothing is half done,
// retries finish the rest without duplicates, and the outbox still delivers every event once.
//
// The first server is spawned by test/harness/killable.ts so that its pid is the server itself
// (SIGKILL to the tsx CLI would leave it running as an orphan). The restart goes through the shared harness.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { formFields, openCheckout, postCheckout } from '../api/checkout.suite.ts';
import { type WebhookReceiver, startReceiver } from '../harness/receiver.ts';
import { type Killable, spawnPorte } from '../harness/killable.ts';
import { type PorteServer, startServer } from '../harness/server.ts';
import { client, type Harness } from '../harness/types.ts';

const SUCCESS_URL = 'http://localhost:3000/thanks';
const WORKERS = 8;
const MAX_ITERATIONS = 300;
/**
 * Pending Idempotency-Keys and leased webhook deliveries are taken over after PORTE_RECOVERY_MS
 * (60 s by default): shortened here so that recovery, not a race with a constant, is what is timed.
 */
const RECOVERY_MS = 10_000;
/** Recovery plus room for a slow shared machine; only a bound on waiting, never a timing assumption. */
const RECOVERY_BUDGET_MS = RECOVERY_MS + 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The app behind a real URL, in the shape the API suites' helpers expect. */
const overHttp = (base: string): Harness => ({
  runtime: 'node',
  request: (path, init) => fetch(`${base}${path}`, init),
  merchant: () => Promise.reject(new Error('not available over HTTP')),
  close: async () => {},
});

/** Every way a checkout can be half done, read straight from the SQLite file. Empty = consistent. */
function inconsistencies(db: Database.Database, merchantId: string): Record<string, unknown[]> {
  const q = (text: string) => db.prepare(text).all(merchantId);
  return {
    halfSessions: q(`
      SELECT cs.id, cs.status, cs.customer_id, cs.subscription_id FROM checkout_sessions cs
      WHERE cs.merchant_id = ? AND NOT (
        (cs.status = 'open' AND cs.customer_id IS NULL AND cs.subscription_id IS NULL AND cs.completed_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.checkout_session_id = cs.id))
        OR (cs.status = 'complete' AND cs.completed_at IS NOT NULL
          AND EXISTS (SELECT 1 FROM customers c WHERE c.id = cs.customer_id)
          AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = cs.subscription_id AND s.checkout_session_id = cs.id AND s.customer_id = cs.customer_id)))`),
    // A customer made by checkout (it has a gateway ref, or a checkout e-mail) without the subscription of its session.
    orphanCustomers: q(`
      SELECT c.id, c.email FROM customers c
      WHERE c.merchant_id = ? AND (c.email LIKE '%@checkout.test' OR c.id IN (SELECT customer_id FROM customer_gateway_refs))
        AND (SELECT COUNT(*) FROM subscriptions s JOIN checkout_sessions cs ON cs.id = s.checkout_session_id
             WHERE s.customer_id = c.id AND cs.status = 'complete' AND cs.customer_id = c.id AND cs.subscription_id = s.id) != 1`),
    orphanSubscriptions: q(`
      SELECT s.id FROM subscriptions s LEFT JOIN checkout_sessions cs ON cs.id = s.checkout_session_id
      WHERE s.merchant_id = ? AND (cs.id IS NULL OR cs.status != 'complete' OR cs.subscription_id != s.id
        OR NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = s.customer_id))`),
    duplicateEmails: q(`SELECT email, COUNT(*) AS n FROM customers WHERE merchant_id = ? GROUP BY email HAVING n > 1`),
    // The outbox rows were written in the same batch as the change: exactly one per fact.
    sessionsWithoutOneCompletedEvent: q(`
      SELECT cs.id FROM checkout_sessions cs WHERE cs.merchant_id = ? AND cs.status = 'complete'
        AND (SELECT COUNT(*) FROM events e WHERE e.merchant_id = cs.merchant_id AND e.type = 'checkout_session.completed'
             AND json_extract(e.data, '$.id') = cs.id) != 1`),
    subscriptionsWithoutOneCreatedEvent: q(`
      SELECT s.id FROM subscriptions s WHERE s.merchant_id = ?
        AND (SELECT COUNT(*) FROM events e WHERE e.merchant_id = s.merchant_id AND e.type = 'subscription.created'
             AND json_extract(e.data, '$.id') = s.id) != 1`),
    customersWithoutOneCreatedEvent: q(`
      SELECT c.id FROM customers c WHERE c.merchant_id = ?
        AND (SELECT COUNT(*) FROM events e WHERE e.merchant_id = c.merchant_id AND e.type = 'customer.created'
             AND json_extract(e.data, '$.id') = c.id) != 1`),
    eventsOfNothing: q(`
      SELECT e.id, e.type FROM events e WHERE e.merchant_id = ? AND (
        (e.type = 'customer.created' AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = json_extract(e.data, '$.id')))
        OR (e.type = 'subscription.created' AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = json_extract(e.data, '$.id')))
        OR (e.type = 'checkout_session.completed' AND NOT EXISTS (
          SELECT 1 FROM checkout_sessions cs WHERE cs.id = json_extract(e.data, '$.id') AND cs.status = 'complete')))`),
  };
}
const none = (found: Record<string, unknown[]>) => Object.fromEntries(Object.keys(found).map((k) => [k, []]));

const dir = mkdtempSync(join(tmpdir(), 'porte-crash-'));
const dbFile = join(dir, 'porte.sqlite');
let first: Killable | undefined;
let second: PorteServer | undefined;
let receiver: WebhookReceiver | undefined;
let readonlyDb: Database.Database | undefined;

afterAll(async () => {
  readonlyDb?.close();
  if (first?.alive()) {
    process.kill(first.pid, 'SIGKILL');
    await first.exited;
  }
  await second?.stop();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('loses no acknowledged signup, leaves nothing half done, and delivers every event after kill -9 mid-load', async () => {
  const t0 = Date.now();
  receiver = await startReceiver();
  first = await spawnPorte(dbFile, { PORTE_WEBHOOK_INTERVAL_MS: '200', PORTE_RECOVERY_MS: String(RECOVERY_MS) });
  const server = first;
  const h1 = overHttp(server.url);
  const api1 = client(h1, server.secretKey);
  const endpoint = await api1('POST', '/v1/webhook_endpoints', { url: receiver.url, events: ['*'] });
  expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
  receiver.secret = endpoint.body.secret;

  // ---- Load: 8 workers; 3 of 4 iterations are a browser signup, 1 an API customer with an Idempotency-Key.
  type Op = 'create session' | 'open page' | 'submit form' | 'create customer';
  const origin = new URL(server.url).origin;
  const sessions = new Map<string, { email: string; acknowledged: boolean }>();
  const customers: { key: string; body: Record<string, string>; id?: string }[] = [];
  const statuses = new Map<string, number>();
  const unexpected: string[] = [];
  const current = new Map<number, Op>();
  let killed = false;
  const count = (op: Op, status: number, ok: boolean) => {
    statuses.set(`${op} ${status}`, (statuses.get(`${op} ${status}`) ?? 0) + 1);
    if (!ok) unexpected.push(`${op} → ${status}`);
    return ok;
  };

  async function worker(w: number): Promise<void> {
    for (let k = 0; k < MAX_ITERATIONS && !killed; k++) {
      try {
        if (k % 4 === 1) {
          const attempt: (typeof customers)[number] = { key: `crash-${w}-${k}`, body: { email: `api-${w}-${k}@api.test`, reference: `api-${w}-${k}` } };
          customers.push(attempt);
          current.set(w, 'create customer');
          const res = await api1('POST', '/v1/customers', attempt.body, { 'Idempotency-Key': attempt.key });
          if (count('create customer', res.status, res.status === 201)) attempt.id = res.body.id;
          continue;
        }
        const email = `co-${w}-${k}@checkout.test`;
        current.set(w, 'create session');
        const created = await api1('POST', '/v1/checkout_sessions', { offer: k % 2 ? 'pro-monthly' : 'basic-monthly', success_url: SUCCESS_URL, cancel_url: SUCCESS_URL });
        if (!count('create session', created.status, created.status === 201)) continue;
        const id: string = created.body.id;
        const signup = { email, acknowledged: false };
        sessions.set(id, signup);
        current.set(w, 'open page');
        const page = await openCheckout(h1, id);
        if (!count('open page', page.status, page.status === 200 && page.csrf !== '')) continue;
        current.set(w, 'submit form');
        const done = await postCheckout(h1, `/checkout/${id}`, { csrf: page.csrf, ...formFields(email) }, origin);
        signup.acknowledged = count('submit form', done.status, done.status === 303 && done.location === `${SUCCESS_URL}?checkout_session_id=${id}`);
      } catch {
        // Connection refused or reset: the server is gone. Whatever was in flight is unknown.
        return;
      } finally {
        current.delete(w);
      }
    }
  }

  const loadStart = Date.now();
  const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
  const killAfter = 1000 + Math.floor(Math.random() * 1000);
  const acknowledged = () => [...sessions.values()].filter((s) => s.acknowledged).length;
  // Kill after 1–2 s of load, and not before a handful of signups and customers went through (slow shared machine).
  const enough = () => acknowledged() >= 5 && customers.filter((c) => c.id).length >= 2;
  while ((Date.now() - loadStart < killAfter || !enough()) && Date.now() - loadStart < 15_000) await sleep(10);
  const inFlight = [...current.values()];
  process.kill(server.pid, 'SIGKILL');
  killed = true;
  const killedAt = Date.now();
  expect(await server.exited).toBe('SIGKILL');
  await Promise.all(workers);
  const ackSignups = acknowledged();
  const ackCustomers = customers.filter((c) => c.id).length;
  expect(unexpected, 'every answer before the kill was a success').toEqual([]);
  expect(ackSignups, 'the load ran long enough to matter').toBeGreaterThanOrEqual(5);
  expect(ackCustomers).toBeGreaterThanOrEqual(2);

  // ---- Restart on the same file (no seed: the database is not empty; the first start's keys still work).
  second = await startServer({ PORTE_DB: dbFile, PORTE_SEED: '0', PORTE_WEBHOOK_INTERVAL_MS: '200', PORTE_RECOVERY_MS: String(RECOVERY_MS) });
  expect(second.seeded).toBe(false);
  const restartedAt = Date.now();
  const h2 = overHttp(second.url);
  const api = client(h2, server.secretKey);
  const origin2 = new URL(second.url).origin;
  readonlyDb = new Database(dbFile, { readonly: true, fileMustExist: true });
  const db = readonlyDb;
  const merchantId = (db.prepare("SELECT id FROM merchants WHERE slug = 'demo'").get() as { id: string }).id;
  const stuckKeys = (db.prepare("SELECT COUNT(*) AS n FROM idempotency_keys WHERE merchant_id = ? AND status = 'pending'").get(merchantId) as { n: number }).n;
  const leased = (db.prepare("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at > ?").get(new Date().toISOString()) as { n: number }).n;

  // Nothing half done, straight after the crash.
  const afterCrash = inconsistencies(db, merchantId);
  expect(afterCrash).toEqual(none(afterCrash));

  // Every acknowledged signup is there, through the API.
  for (const [id, s] of sessions) {
    if (!s.acknowledged) continue;
    const got = await api('GET', `/v1/checkout_sessions/${id}`);
    expect(got.body).toMatchObject({ id, status: 'complete' });
    const customer = await api('GET', `/v1/customers/${got.body.customer}`);
    expect(customer.body).toMatchObject({ id: got.body.customer, email: s.email });
    const sub = await api('GET', `/v1/subscriptions/${got.body.subscription}`);
    expect(sub.body).toMatchObject({ id: got.body.subscription, customer: got.body.customer });
  }
  for (const c of customers.filter((x) => x.id)) {
    const got = await api('GET', `/v1/customers/${c.id}`);
    expect(got.body).toMatchObject({ id: c.id, email: c.body.email, reference: c.body.reference });
  }

  // ---- Retry what was not acknowledged: the same session's form, the same Idempotency-Key.
  let completedUnacknowledged = 0;
  let completedOnRetry = 0;
  for (const [id, s] of sessions) {
    // The customer whose answer was lost reloads the page: "already complete", or the form again.
    const page = await openCheckout(h2, id);
    const status = (await api('GET', `/v1/checkout_sessions/${id}`)).body.status;
    expect(page.status).toBe(200);
    if (s.acknowledged || status === 'complete') {
      expect({ id, status, form: page.csrf !== '', says: page.html.includes('You are subscribed') }).toEqual({ id, status: 'complete', form: false, says: true });
      if (!s.acknowledged) completedUnacknowledged++;
      continue;
    }
    expect({ id, status, form: page.csrf !== '' }).toEqual({ id, status: 'open', form: true });
    const done = await postCheckout(h2, `/checkout/${id}`, { csrf: page.csrf, ...formFields(s.email) }, origin2);
    expect({ id, status: done.status, location: done.location }).toEqual({ id, status: 303, location: `${SUCCESS_URL}?checkout_session_id=${id}` });
    completedOnRetry++;
  }
  let replayed = 0;
  let createdOnRetry = 0;
  let waitedForStuckKeys = 0;
  let appliedResponseLost = 0;
  for (const c of customers) {
    for (;;) {
      const res = await api('POST', '/v1/customers', c.body, { 'Idempotency-Key': c.key });
      if (res.status === 409 && res.body.error?.code === 'idempotency_key_in_use' && Date.now() < killedAt + RECOVERY_BUDGET_MS) {
        // The crash left this key pending: it is taken over PORTE_RECOVERY_MS after the request started.
        waitedForStuckKeys++;
        await sleep(500);
        continue;
      }
      if (res.status === 409 && res.body.error?.code === 'idempotency_key_applied') {
        // Killed between the write and the stored response: applied once, never again. The
        // error says to look the result up instead: there is exactly one such customer.
        expect(c.id, 'an acknowledged request has its response stored').toBeUndefined();
        const found = db.prepare('SELECT id, reference FROM customers WHERE merchant_id = ? AND email = ?').all(merchantId, c.body.email) as { id: string; reference: string }[];
        expect({ key: c.key, found: found.map((x) => x.reference) }).toEqual({ key: c.key, found: [c.body.reference] });
        c.id = found[0]?.id;
        appliedResponseLost++;
        break;
      }
      expect({ key: c.key, status: res.status, body: res.status === 201 ? undefined : res.body }).toEqual({ key: c.key, status: 201, body: undefined });
      if (c.id) {
        expect({ key: c.key, id: res.body.id, replayed: res.headers.get('Idempotent-Replayed') }).toEqual({ key: c.key, id: c.id, replayed: 'true' });
        replayed++;
      } else {
        c.id = res.body.id;
        if (res.headers.get('Idempotent-Replayed') !== 'true') createdOnRetry++;
      }
      break;
    }
  }

  // Everything the load asked for now exists exactly once, and still nothing is half done.
  const afterRetries = inconsistencies(db, merchantId);
  expect(afterRetries).toEqual(none(afterRetries));
  const open = db.prepare("SELECT id FROM checkout_sessions WHERE merchant_id = ? AND status = 'open'").all(merchantId) as { id: string }[];
  expect(open.filter((s) => sessions.has(s.id)), 'every known session completed').toEqual([]);
  const checkoutCustomers = db.prepare("SELECT COUNT(*) AS n FROM customers WHERE merchant_id = ? AND email LIKE '%@checkout.test'").get(merchantId) as { n: number };
  expect(checkoutCustomers.n).toBe(sessions.size);
  for (const c of customers) {
    const rows = db.prepare('SELECT id FROM customers WHERE merchant_id = ? AND email = ?').all(merchantId, c.body.email) as { id: string }[];
    expect({ key: c.key, ids: rows.map((r) => r.id) }).toEqual({ key: c.key, ids: [c.id] });
  }

  // ---- The outbox: every event of this merchant since the endpoint existed reaches the receiver once.
  const from = (db.prepare('SELECT from_event_seq AS s FROM webhook_endpoints WHERE id = ?').get(endpoint.body.id) as { s: number }).s;
  const expected = (db.prepare('SELECT id FROM events WHERE merchant_id = ? AND seq > ? ORDER BY seq').all(merchantId, from) as { id: string }[]).map((e) => e.id);
  const missing = await receiver.waitFor(expected, killedAt + RECOVERY_BUDGET_MS);
  const deliveredAt = Date.now();
  expect(missing, `${missing.length} of ${expected.length} events never delivered`).toEqual([]);
  expect([...receiver.events.keys()].sort()).toEqual([...expected].sort());
  expect(receiver.rejected(), 'every delivery carried a valid signature').toBe(0);
  const duplicates = receiver.attempts() - receiver.events.size;

  console.log(
    JSON.stringify({
      crash: {
        killAfterMs: killedAt - loadStart,
        inFlightAtKill: inFlight,
        acknowledgedSignups: ackSignups,
        acknowledgedCustomers: ackCustomers,
        sessionsCreated: sessions.size,
        completedUnacknowledged,
        completedOnRetry,
        customersRequested: customers.length,
        customerRetries: { replayed, createdOnRetry, appliedResponseLost, waitsOnStuckKeys: waitedForStuckKeys },
        stuckIdempotencyKeysAfterCrash: stuckKeys,
        leasedDeliveriesAfterCrash: leased,
        openSessionsNobodyKnows: open.length,
        events: expected.length,
        delivered: receiver.events.size,
        redeliveries: duplicates,
        statuses: Object.fromEntries(statuses),
        ms: { restart: restartedAt - killedAt, allDeliveredAfterKill: deliveredAt - killedAt, total: Date.now() - t0 },
      },
    }),
  );
}, 120_000);
