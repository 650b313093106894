/**
 * The floor Porte is compared with: bare node:http + better-sqlite3 doing the least the same
 * request needs. No framework, validation, auth, FTS, CSRF, templates or outbox.
 *
 * - `POST /v1/customers`: read and parse the JSON body, one single-row INSERT into a
 *   customers-like table, answer 201 with JSON (bench/customers.bench.ts).
 * - `POST /checkout/<id>`: read and parse the urlencoded form, INSERT a customer and a
 *   subscription in one transaction, answer 303 (bench/checkout.bench.ts).
 * - `GET /page`: the bytes of the file named by BASELINE_PAGE (read once, on first use), as
 *   text/html: serving an already-rendered page (bench/checkout.bench.ts).
 *
 * Env: PORT, BASELINE_DB (file path), BASELINE_PAGE (optional). Prints `baseline listening on
 * <port>` when ready.
 */
import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
const file = process.env.BASELINE_DB;
if (!port || !file) throw new Error('baseline-server needs PORT and BASELINE_DB');

const db = new Database(file);
// The same pragmas as server/db/better-sqlite3.ts, so the storage cost is comparable.
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
db.exec(`CREATE TABLE IF NOT EXISTS customers (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL,
  reference TEXT NOT NULL,
  email TEXT,
  first_name TEXT,
  last_name TEXT,
  billing_address TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (merchant_id, reference)
)`);
db.exec(`CREATE TABLE IF NOT EXISTS subscriptions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  merchant_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  offer_id TEXT NOT NULL,
  status TEXT NOT NULL,
  current_period_start TEXT NOT NULL,
  current_period_end TEXT NOT NULL,
  checkout_session_id TEXT UNIQUE,
  created_at TEXT NOT NULL
)`);
const insert = db.prepare(
  `INSERT INTO customers (id, merchant_id, reference, email, first_name, last_name, billing_address, created_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);

const insertSubscription = db.prepare(
  `INSERT INTO subscriptions (id, merchant_id, customer_id, offer_id, status, current_period_start, current_period_end, checkout_session_id, created_at)
   VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?)`,
);
// The checkout's minimal transaction: both rows or neither.
const signup = db.transaction((sessionId: string, form: URLSearchParams, now: string) => {
  const customerId = `cus_${randomUUID()}`;
  const address = JSON.stringify({ line1: form.get('line1'), postal_code: form.get('postal_code'), city: form.get('city'), country: form.get('country') });
  insert.run(customerId, 'mer_baseline', `REF-${randomBytes(8).toString('hex').toUpperCase()}`, form.get('email'), form.get('first_name'), form.get('last_name'), address, now, now);
  const end = new Date(Date.parse(now) + 30 * 24 * 3600 * 1000).toISOString();
  insertSubscription.run(`sub_${randomUUID()}`, 'mer_baseline', customerId, 'off_baseline', now, end, sessionId, now);
});

let page: Buffer | undefined;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function reply(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
  res.end(json);
}

function checkout(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, sessionId: string): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    try {
      signup(sessionId, form, new Date().toISOString());
    } catch (error) {
      console.error(error);
      return reply(res, 500, { error: 'insert failed' });
    }
    res.writeHead(303, { Location: `http://127.0.0.1/thanks?checkout_session_id=${sessionId}`, 'Content-Length': 0 });
    res.end();
  });
}

const server = createServer((req, res) => {
  const checkoutId = req.method === 'POST' ? /^\/checkout\/([\w-]+)$/.exec(req.url ?? '')?.[1] : undefined;
  if (checkoutId) return checkout(req, res, checkoutId);
  if (req.method === 'GET' && req.url === '/page' && process.env.BASELINE_PAGE) {
    page ??= readFileSync(process.env.BASELINE_PAGE);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': page.length });
    res.end(page);
    return;
  }
  if (req.method !== 'POST' || req.url !== '/v1/customers') return reply(res, 404, { error: 'not found' });
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      return reply(res, 400, { error: 'invalid JSON' });
    }
    const now = new Date().toISOString();
    const id = `cus_${randomUUID()}`;
    const customer = {
      id,
      object: 'customer',
      // 64 random bits like Porte's REF-… default, so UNIQUE (merchant_id, reference) never trips.
      reference: `REF-${randomBytes(8).toString('hex').toUpperCase()}`,
      email: text(input.email),
      first_name: text(input.first_name),
      last_name: text(input.last_name),
      billing_address: typeof input.billing_address === 'object' ? input.billing_address : null,
      created_at: now,
    };
    try {
      insert.run(id, 'mer_baseline', customer.reference, customer.email, customer.first_name, customer.last_name,
        customer.billing_address === null ? null : JSON.stringify(customer.billing_address), now, now);
    } catch (error) {
      // Counted as non-2xx by the bench (an invalid run) instead of crashing the server mid-run.
      console.error(error);
      return reply(res, 500, { error: 'insert failed' });
    }
    reply(res, 201, customer);
  });
});

server.listen(port, '127.0.0.1', () => console.log(`baseline listening on ${port}`));

// Exit cleanly on SIGTERM so --cpu-prof (BENCH_CPU_PROF=1) gets to write its profile.
process.once('SIGTERM', () => server.close(() => {
  db.close();
  process.exit(0);
}));
