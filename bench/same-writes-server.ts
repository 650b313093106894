/**
 * The second baseline: bare node:http + better-sqlite3 doing exactly the SQL writes Porte does,
 * on a database migrated by Porte (so its triggers, indexes and CHECKs all run), in one
 * transaction, and Porte's search loop beside them (the FTS5 rows, every 200 ms). No framework,
 * auth, validation, CSRF, grey list or gateway: Porte's ratio to it is the cost of the framework
 * and the checks; its ratio to the bare single insert (baseline-server.ts) is the cost of the
 * features.
 *
 * - `POST /v1/customers` (server/customers/service.ts `create`): the customer row, the
 *   `customer.created` activity row and outbox event → 201 with the customer JSON.
 * - `POST /checkout/<id>` (server/checkout/complete.ts `finalizeCheckout`, new customer, no first
 *   payment): reads the session (merchant, offer, URLs), then customer + activity + event, the
 *   payment-method UPDATE, the gateway ref upsert, the subscription, the session completed, two
 *   activity rows and three events → 303 to the success URL.
 *
 * Env: PORT, SAME_WRITES_DB (a Porte database: for checkout a copy of Porte's own, holding the
 * sessions; otherwise migrated here with a merchant added). Prints `same-writes listening on <port>`.
 */
import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { migrateNode } from '../server/db/migrate-node.ts';

const port = Number(process.env.PORT);
const file = process.env.SAME_WRITES_DB;
if (!port || !file) throw new Error('same-writes-server needs PORT and SAME_WRITES_DB');

const db = new Database(file);
// server/db/better-sqlite3.ts's pragmas.
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
// Schema setup only (Porte's migrations), not per request.
migrateNode(db, fileURLToPath(new URL('../migrations', import.meta.url)));
const MERCHANT = 'mer_samewrites000000000000';
db.prepare(
  "INSERT OR IGNORE INTO merchants (id, slug, name, mode, allowed_origins, embed_secret, created_at) VALUES (?, 'same-writes', 'Same writes', 'test', '[]', ?, ?)",
).run(MERCHANT, randomBytes(16).toString('hex'), new Date().toISOString());

// The statements of server/customers/repository.ts, activity/repository.ts, events/outbox.ts,
// subscriptions/repository.ts and checkout/repository.ts, verbatim.
const insertCustomer = db.prepare(
  `INSERT INTO customers (reference, email, first_name, last_name, company, language, billing_address,
     auto_billing, payment_method, grey_listed, status, metadata, link_version, updated_at, id, merchant_id, created_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insertActivity = db.prepare('INSERT INTO activity (merchant_id, customer_id, type, data, created_at) VALUES (?, ?, ?, ?, ?)');
const insertEvent = db.prepare('INSERT INTO events (id, merchant_id, type, data, created_at) VALUES (?, ?, ?, ?, ?)');
const updatePaymentMethod = db.prepare('UPDATE customers SET payment_method = ?, auto_billing = 1, updated_at = ? WHERE id = ?');
const upsertGatewayRef = db.prepare(
  `INSERT INTO customer_gateway_refs (customer_id, merchant_id, gateway, gateway_customer_id, payment_method_ref, updated_at)
   VALUES (?, ?, ?, ?, ?, ?)
   ON CONFLICT (customer_id) DO UPDATE SET gateway = excluded.gateway, gateway_customer_id = excluded.gateway_customer_id,
     payment_method_ref = excluded.payment_method_ref, updated_at = excluded.updated_at`,
);
const insertSubscription = db.prepare(
  `INSERT INTO subscriptions (id, merchant_id, customer_id, offer_id, status, collection_method, days_until_due, current_period_start,
     current_period_end, trial_end, cancel_at_period_end, canceled_at, latest_invoice, billing_anchor, current_cycle,
     checkout_session_id, created_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const completeSession = db.prepare(
  `UPDATE checkout_sessions SET status = 'complete', customer_id = ?, subscription_id = ?, completed_at = ?
   WHERE id = ? AND status = 'open'`,
);
const sessionById = db.prepare('SELECT * FROM checkout_sessions WHERE id = ?');

const id = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
const reference = () => `REF-${randomBytes(5).toString('hex').toUpperCase()}`;

interface NewCustomer {
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  language: string;
  billing_address: Record<string, string | null> | null;
  auto_billing: boolean;
}

/** The customer JSON Porte writes in its events and answers (server/customers/repository.ts toJson). */
function customerJson(customerId: string, ref: string, c: NewCustomer, paymentMethod: object, now: string) {
  return {
    id: customerId, object: 'customer', reference: ref, email: c.email, first_name: c.first_name, last_name: c.last_name,
    company: c.company, language: c.language, billing_address: c.billing_address, auto_billing: c.auto_billing,
    payment_method: paymentMethod, grey_listed: false, status: 'active', metadata: {}, created_at: now,
  };
}

/** customerService.prepareCreate's three statements. */
function createCustomer(merchantId: string, c: NewCustomer, now: string) {
  const customerId = id('cus');
  const ref = reference();
  const json = customerJson(customerId, ref, c, { type: 'none' }, now);
  insertCustomer.run(ref, c.email, c.first_name, c.last_name, c.company, c.language, c.billing_address && JSON.stringify(c.billing_address),
    c.auto_billing ? 1 : 0, '{"type":"none"}', 0, 'active', '{}', 1, now, customerId, merchantId, now);
  insertActivity.run(merchantId, customerId, 'customer.created', '{}', now);
  insertEvent.run(id('evt'), merchantId, 'customer.created', JSON.stringify(json), now);
  return { customerId, ref, json };
}

const createOnly = db.transaction((c: NewCustomer, now: string) => createCustomer(MERCHANT, c, now));

interface Session {
  id: string;
  merchant_id: string;
  offer_id: string;
  customer_reference: string | null;
  customer_email: string | null;
  success_url: string;
  cancel_url: string;
  locale: string | null;
  expires_at: string;
  created_at: string;
}

/** finalizeCheckout's batch for a new customer paying by card on the test gateway (trial offer). */
const finalize = db.transaction((s: Session, form: URLSearchParams, now: Date) => {
  const at = now.toISOString();
  const c: NewCustomer = {
    email: form.get('email'), first_name: form.get('first_name'), last_name: form.get('last_name'), company: form.get('company') || null,
    language: s.locale ?? 'en', auto_billing: true,
    billing_address: { line1: form.get('line1'), line2: null, postal_code: form.get('postal_code'), city: form.get('city'), region: null, country: form.get('country'), phone: null, tax_id: null },
  };
  const { customerId, json } = createCustomer(s.merchant_id, c, at);
  const paymentMethod = { type: 'card', card: { brand: 'visa', last4: (form.get('card_number') ?? '').slice(-4), exp_month: 12, exp_year: 2030 } };
  const subscriptionId = id('sub');
  const trialEnd = new Date(now.getTime() + 14 * 86_400_000).toISOString();
  updatePaymentMethod.run(JSON.stringify(paymentMethod), at, customerId);
  upsertGatewayRef.run(customerId, s.merchant_id, 'test', null, `pm_test_${randomBytes(8).toString('hex')}`, at);
  insertSubscription.run(subscriptionId, s.merchant_id, customerId, s.offer_id, 'trialing', 'charge_automatically', null, at, trialEnd, trialEnd, 0, null, null, trialEnd, -1, s.id, at, at);
  const done = completeSession.run(customerId, subscriptionId, at, s.id);
  if (done.changes !== 1) throw new Error(`session ${s.id} was not open`);
  insertActivity.run(s.merchant_id, customerId, 'customer.payment_method.updated', JSON.stringify({ type: 'card' }), at);
  insertActivity.run(s.merchant_id, customerId, 'subscription.created', JSON.stringify({ subscription: subscriptionId, offer: 'pro-monthly' }), at);
  insertEvent.run(id('evt'), s.merchant_id, 'customer.payment_method.updated', JSON.stringify({ ...json, payment_method: paymentMethod }), at);
  const subscription = {
    id: subscriptionId, object: 'subscription', customer: customerId, offer: s.offer_id, status: 'trialing', collection_method: 'charge_automatically',
    days_until_due: null, current_period_start: at, current_period_end: trialEnd, trial_end: trialEnd, cancel_at_period_end: false,
    canceled_at: null, latest_invoice: null, checkout_session: s.id, created_at: at,
  };
  insertEvent.run(id('evt'), s.merchant_id, 'subscription.created', JSON.stringify(subscription), at);
  const session = {
    id: s.id, object: 'checkout_session', url: `http://127.0.0.1/checkout/${s.id}`, status: 'complete', offer: s.offer_id,
    customer_reference: s.customer_reference, customer_email: s.customer_email, success_url: s.success_url, cancel_url: s.cancel_url,
    locale: s.locale, customer: customerId, subscription: subscriptionId, expires_at: s.expires_at, created_at: s.created_at,
  };
  insertEvent.run(id('evt'), s.merchant_id, 'checkout_session.completed', JSON.stringify(session), at);
});

function reply(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
  res.end(json);
}

function readBody(req: IncomingMessage, then: (text: string) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => then(Buffer.concat(chunks).toString('utf8')));
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const server = createServer((req, res) => {
  const checkoutId = req.method === 'POST' ? /^\/checkout\/([\w-]+)$/.exec(req.url ?? '')?.[1] : undefined;
  if (checkoutId) {
    return readBody(req, (body) => {
      const session = sessionById.get(checkoutId) as Session | undefined;
      if (!session) return reply(res, 404, { error: 'no such session' });
      try {
        finalize(session, new URLSearchParams(body), new Date());
      } catch (error) {
        console.error(error);
        return reply(res, 500, { error: 'insert failed' });
      }
      const url = new URL(session.success_url);
      url.searchParams.set('checkout_session_id', session.id);
      res.writeHead(303, { Location: url.toString(), 'Content-Length': 0 });
      res.end();
    });
  }
  if (req.method !== 'POST' || req.url !== '/v1/customers') return reply(res, 404, { error: 'not found' });
  readBody(req, (body) => {
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      return reply(res, 400, { error: 'invalid JSON' });
    }
    const address = typeof input.billing_address === 'object' && input.billing_address !== null ? (input.billing_address as Record<string, unknown>) : null;
    const c: NewCustomer = {
      email: text(input.email), first_name: text(input.first_name), last_name: text(input.last_name), company: text(input.company),
      language: text(input.language) ?? 'en', auto_billing: input.auto_billing === true,
      billing_address: address && {
        line1: text(address.line1), line2: text(address.line2), postal_code: text(address.postal_code), city: text(address.city),
        region: text(address.region), country: text(address.country), phone: text(address.phone), tax_id: text(address.tax_id),
      },
    };
    try {
      reply(res, 201, createOnly(c, new Date().toISOString()).json);
    } catch (error) {
      console.error(error);
      reply(res, 500, { error: 'insert failed' });
    }
  });
});

// Porte's search loop (server/customers/search-index.ts, SEARCH_LOOP; migration 0017): the customers
// written since the last tick are indexed in chunks of 100 with a turn of the event loop between
// them, every 200 ms, as the Node entry's loop does.
const pendingSearch = db.prepare('SELECT 1 AS pending FROM customers WHERE seq > (SELECT indexed_seq FROM search_index_state WHERE id = 1) LIMIT 1');
const indexRows = db.prepare(
  `INSERT INTO customers_fts (rowid, email, first_name, last_name, company, reference)
   SELECT seq, email, first_name, last_name, company, reference FROM customers
   WHERE seq > (SELECT indexed_seq FROM search_index_state WHERE id = 1) ORDER BY seq LIMIT ?`,
);
const moveWatermark = db.prepare(
  `UPDATE search_index_state SET indexed_seq = COALESCE(
     (SELECT MAX(seq) FROM (SELECT seq FROM customers WHERE seq > search_index_state.indexed_seq ORDER BY seq LIMIT ?)),
     indexed_seq)
   WHERE id = 1`,
);
const indexChunk = db.transaction(() => {
  const { changes } = indexRows.run(100);
  moveWatermark.run(100);
  return changes;
});
let indexing = false;
setInterval(async () => {
  if (indexing) return;
  indexing = true;
  for (let i = 0; i < 100 && pendingSearch.get(); i++) {
    if (indexChunk() === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  indexing = false;
}, 200).unref();

server.listen(port, '127.0.0.1', () => console.log(`same-writes listening on ${port}`));

process.once('SIGTERM', () => server.close(() => {
  db.close();
  process.exit(0);
}));
