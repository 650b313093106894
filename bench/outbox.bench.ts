/**
 * Outgoing webhooks from the durable outbox: `deliverDue` (fan-out, claim, sign, POST, mark
 * delivered) against a local receiver, in process, on the app's real SQLite setup. Compared with
 * the least the same work needs: the same signed POSTs sent straight to the receiver from a loop,
 * at the same concurrency (deliverDue sends up to 100 at once). Two phases:
 *
 * - backlog: 2,000 `customer.created` events committed first, then drained by calling deliverDue
 *   back to back: events/s.
 * - steady: customers created at a steady rate while the delivery loop of server/entry/node.ts
 *   runs every LOOP_MS: latency from the event's commit (its created_at) to its arrival.
 *
 * Both in ROUNDS rounds alternating Porte and the baseline.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { createApp } from '../server/app.ts';
import { betterSqliteDatabase, openSqlite } from '../server/db/better-sqlite3.ts';
import { migrateNode } from '../server/db/migrate-node.ts';
import type { Deps } from '../server/deps.ts';
import { createMerchant } from '../server/merchants/service.ts';
import { deliverDue, deliveryOptions } from '../server/webhooks/delivery.ts';
import { log, mapLimit, quantiles, repoRoot, type Row, tempDir } from './harness.ts';

export const name = 'outbox';

const BACKLOG = Number(process.env.BENCH_OUTBOX_EVENTS ?? 2000);
/** deliverDue's default batch: that many POSTs in flight at once. */
const CONCURRENCY = 100;
const STEADY_RATE = 200; // events/s
const STEADY_SECONDS = 3;
const ROUNDS = 2;
/** The delivery loop's period in the steady phase (PORTE_WEBHOOK_INTERVAL_MS; the default is 1000). */
const LOOP_MS = 10;

interface Arrival {
  readonly id: string;
  /** When the whole request had arrived, ms since the epoch (sub-ms; created_at has whole ms). */
  readonly at: number;
  /** The event's created_at (Porte) or the moment the baseline built it, ms since the epoch. */
  readonly createdAt: number;
}

/** A receiver that answers 200 at once and notes what arrived when (same clock as the sender). */
async function receiver(): Promise<{ server: Server; url: string; arrivals: Arrival[]; reset(): void }> {
  let arrivals: Arrival[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.timeOrigin + performance.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { timestamp: string };
      arrivals.push({ id: String(req.headers['webhook-id']), at, createdAt: Date.parse(body.timestamp) });
      res.writeHead(200, { 'Content-Length': 0 });
      res.end();
    });
  });
  // As many sockets as the sender opens: keep-alive across batches, like a real endpoint.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}/hook`,
    get arrivals() {
      return arrivals;
    },
    reset() {
      arrivals = [];
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What attempt() in server/webhooks/delivery.ts sends, minus the outbox: sign and POST. */
async function directPost(url: string, secret: string, id: string, type: string, createdAt: string, data: string): Promise<void> {
  const timestamp = new Date();
  const body = JSON.stringify({ type, timestamp: createdAt, data: JSON.parse(data) });
  const signature = new Webhook(secret).sign(id, timestamp, body);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'Porte-Webhooks/1',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body,
    signal: AbortSignal.timeout(10_000),
    redirect: 'manual',
  });
  await res.body?.cancel();
  if (res.status !== 200) throw new Error(`receiver answered ${res.status}`);
}

const latencies = (arrivals: readonly Arrival[]) => quantiles(arrivals.map((a) => a.at - a.createdAt));
const duplicates = (arrivals: readonly Arrival[]) => arrivals.length - new Set(arrivals.map((a) => a.id)).size;

export async function run(): Promise<Row[]> {
  const dir = tempDir(name);
  const sqlite = openSqlite(join(dir.path, 'porte.sqlite'));
  const hook = await receiver();
  try {
    migrateNode(sqlite, join(repoRoot, 'migrations'));
    const deps: Deps = { db: betterSqliteDatabase(sqlite), clock: () => new Date(), config: { publicUrl: 'http://127.0.0.1:1' } };
    const app = createApp(deps);
    const { secretKey } = await createMerchant(deps.db, deps.clock, {
      slug: 'bench',
      name: 'Bench Shop',
      mode: 'test',
      allowedOrigins: ['http://127.0.0.1:*'],
      owner: { email: 'owner@bench.test', password: 'correct horse battery staple' },
    });
    const api = async (method: string, path: string, body: unknown) => {
      const res = await app.request(path, { method, headers: { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status !== 201) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const endpoint = await api('POST', '/v1/webhook_endpoints', { url: hook.url, events: ['customer.created'] });
    const secret = String(endpoint.secret);
    let n = 0;
    const createCustomer = () =>
      api('POST', '/v1/customers', { email: `bench.outbox.${n}@example.test`, first_name: 'Jeanne', last_name: `Dupont${n++}`, company: 'Atelier du Port', billing_address: { line1: '12 rue de la Paix', postal_code: '75002', city: 'Paris', country: 'FR' } });

    // Warm-up: a few deliveries through every statement and the receiver's sockets.
    await mapLimit(Array.from({ length: 200 }), 10, createCustomer);
    for (let delivered = 0; delivered < 200; ) delivered += await deliverDue(deps.db, deps.clock, deliveryOptions(deps));
    hook.reset();

    // Rounds alternate Porte and the baseline, so a burst of outside load hits both alike.
    const porteBacklog: Arrival[] = [];
    const baselineBacklog: Arrival[] = [];
    const porteSteady: Arrival[] = [];
    const baselineSteady: Arrival[] = [];
    let porteDrainS = 0;
    let baselineDrainS = 0;
    let failures = 0;
    const perRound = Math.ceil(BACKLOG / ROUNDS);
    const steadyPerRound = Math.ceil((STEADY_RATE * STEADY_SECONDS) / ROUNDS);
    /** Calls `fire(i)` STEADY_RATE times a second, `count` times; resolves when every call has. */
    const paced = async (count: number, fire: (i: number) => Promise<unknown>) => {
      const started = performance.now();
      const fired: Promise<unknown>[] = [];
      for (let i = 0; i < count; i++) {
        const wait = started + (i * 1000) / STEADY_RATE - performance.now();
        if (wait > 0) await sleep(wait);
        fired.push(fire(i));
      }
      await Promise.all(fired);
    };

    for (let round = 1; round <= ROUNDS; round++) {
      // ── Backlog: committed first, then drained by deliverDue back to back ──
      let t = performance.now();
      await mapLimit(Array.from({ length: perRound }), 10, createCustomer);
      log(`round ${round}/${ROUNDS}: ${perRound} customers (and customer.created events) committed in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      hook.reset();
      t = performance.now();
      let calls = 0;
      for (let delivered = 0; delivered < perRound && calls < 10 * perRound; calls++) delivered += await deliverDue(deps.db, deps.clock, deliveryOptions(deps));
      const drained = (performance.now() - t) / 1000;
      porteDrainS += drained;
      porteBacklog.push(...hook.arrivals);
      log(`  Porte: ${hook.arrivals.length} delivered in ${drained.toFixed(2)} s over ${calls} deliverDue calls (commit → arrival, backlog included: p50 ${latencies(hook.arrivals).p50.toFixed(0)} ms)`);

      // The baseline sends the very same payloads, signed the same way.
      const events = sqlite
        .prepare("SELECT id, type, data, created_at FROM events WHERE type = 'customer.created' ORDER BY seq DESC LIMIT ?")
        .all(perRound) as { id: string; type: string; data: string; created_at: string }[];
      hook.reset();
      t = performance.now();
      await mapLimit(events, CONCURRENCY, (e) => directPost(hook.url, secret, `${e.id}_b`, e.type, e.created_at, e.data));
      const sent = (performance.now() - t) / 1000;
      baselineDrainS += sent;
      baselineBacklog.push(...hook.arrivals);
      log(`  baseline: ${hook.arrivals.length} signed POSTs in ${sent.toFixed(2)} s at ${CONCURRENCY} in flight`);

      // ── Steady: the node entry's loop, every LOOP_MS, while customers keep coming ──
      hook.reset();
      let delivering: Promise<unknown> = Promise.resolve();
      const loop = setInterval(() => {
        delivering = delivering.then(() => deliverDue(deps.db, deps.clock, deliveryOptions(deps))).catch(() => failures++);
      }, LOOP_MS);
      await paced(steadyPerRound, createCustomer);
      for (const deadline = performance.now() + 30_000; hook.arrivals.length < steadyPerRound && performance.now() < deadline; ) await sleep(20);
      clearInterval(loop);
      await delivering;
      porteSteady.push(...hook.arrivals);

      hook.reset();
      const e = events[0];
      if (!e) throw new Error('no event to send');
      await paced(steadyPerRound, (i) => directPost(hook.url, secret, `steady_${round}_${i}`, e.type, new Date().toISOString(), e.data));
      baselineSteady.push(...hook.arrivals);
      log(`  steady ${STEADY_RATE}/s: Porte p50 ${latencies(porteSteady).p50.toFixed(1)} ms, baseline p50 ${latencies(baselineSteady).p50.toFixed(1)} ms so far`);
    }

    const undelivered = (sqlite.prepare("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status != 'delivered'").get() as { n: number }).n;
    const porteLatency = latencies(porteSteady);
    const baselineLatency = latencies(baselineSteady);
    const expected = perRound * ROUNDS;
    const expectedSteady = steadyPerRound * ROUNDS;
    if (failures > 0) log(`${failures} delivery loop failures`);

    return [
      { metric: `delivery throughput (backlog, ${ROUNDS} × ${perRound})`, unit: 'events/s', value: porteBacklog.length / porteDrainS, baseline: baselineBacklog.length / baselineDrainS },
      { metric: `commit → arrival p50 (${STEADY_RATE}/s, loop ${LOOP_MS} ms)`, unit: 'ms', value: porteLatency.p50, baseline: baselineLatency.p50, decimals: 1 },
      { metric: `commit → arrival p99 (${STEADY_RATE}/s, loop ${LOOP_MS} ms)`, unit: 'ms', value: porteLatency.p99, baseline: baselineLatency.p99, decimals: 1 },
      {
        metric: 'events not delivered',
        unit: 'count',
        value: undelivered + (expected - porteBacklog.length) + (expectedSteady - porteSteady.length),
        baseline: expected - baselineBacklog.length + (expectedSteady - baselineSteady.length),
        target: { on: 'value', atMost: 0, required: true },
      },
      { metric: 'duplicate deliveries', unit: 'count', value: duplicates(porteBacklog) + duplicates(porteSteady), baseline: duplicates(baselineBacklog) + duplicates(baselineSteady), target: { on: 'value', atMost: 0 } },
    ];
  } finally {
    const closed = new Promise((resolve) => hook.server.close(resolve));
    hook.server.closeAllConnections();
    await closed;
    sqlite.close();
    dir.dispose();
  }
}
