/**
 * Every core: the same Node entry as one process (the default) and as a cluster
 * (PORTE_WORKERS=2: two workers serving HTTP over one SQLite WAL file, the primary running the
 * loops). Customer creation (`POST /v1/customers`, autocannon, alternating rounds) and checkout
 * completion (the hosted form's POST, every session submitted once). The baseline column is the
 * single process, so the ratio IS the scaling. The load generator runs on the same cores: on a
 * 2-core machine it takes CPU from the servers, so the scaling shown here is a floor.
 */
import autocannon, { type Client } from 'autocannon';
import { join } from 'node:path';
import { compareLoad, freePort, type LoadTarget, log, mapLimit, quantiles, type Row, type ServerProcess, startServer, stopAll, tempDir, porteEntry } from './harness.ts';

export const name = 'cluster';

const WORKERS = Number(process.env.BENCH_CLUSTER_WORKERS ?? 2);
const CONNECTIONS = 20;
const CHECKOUT_CONNECTIONS = 50;
/** Sessions per server per checkout round (each submitted once). */
const PER_ROUND = Number(process.env.BENCH_CLUSTER_SESSIONS ?? 400);
const ROUNDS = 2;

const FORM = {
  first_name: 'Jeanne',
  last_name: 'Dupont',
  line1: '12 rue de la Paix',
  postal_code: '75002',
  city: 'Paris',
  country: 'FR',
  payment_type: 'card',
  card_number: '4242424242424242',
  card_expiry: '12/30',
  card_cvc: '123',
};

async function porte(label: string, dir: string, workers: number): Promise<ServerProcess> {
  const port = await freePort();
  return startServer({
    label,
    ...porteEntry(),
    env: { PORTE_DB: join(dir, `${label}.sqlite`), PORTE_PUBLIC_URL: `http://127.0.0.1:${port}`, PORTE_WORKERS: String(workers), PORTE_LOG: '0' },
    port,
    ready: /Secret key:\s+(porte_sk_test_[0-9A-Za-z]{32})/,
    // Three processes load the app (primary + workers): slow on a busy 2-core machine.
    startTimeoutMs: 120_000,
  });
}

const customers = (label: string, server: ServerProcess): LoadTarget => ({
  label,
  url: server.url,
  connections: CONNECTIONS,
  cpuMs: () => server.cpuMs(),
  request: (connection, n) => ({
    method: 'POST',
    path: '/v1/customers',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.ready[1]}` },
    body: JSON.stringify({ email: `bench.c${connection}.n${n}@example.test`, first_name: 'Jeanne', last_name: 'Dupont', billing_address: { country: 'FR' } }),
  }),
});

/** `count` open sessions with their CSRF tokens, ready to be submitted once each. */
async function forms(server: ServerProcess, count: number, offset: number): Promise<{ path: string; body: string }[]> {
  const auth = { Authorization: `Bearer ${server.ready[1]}`, 'Content-Type': 'application/json' };
  return mapLimit(Array.from({ length: count }, (_, i) => i), 8, async (i) => {
    const res = await fetch(`${server.url}/v1/checkout_sessions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ offer: 'pro-monthly', success_url: `${server.url}/checkout/thanks`, cancel_url: `${server.url}/checkout/thanks` }),
    });
    const { id } = (await res.json()) as { id: string };
    const html = await (await fetch(`${server.url}/checkout/${id}`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!csrf) throw new Error(`no CSRF token on /checkout/${id}`);
    return { path: `/checkout/${id}`, body: new URLSearchParams({ csrf, ...FORM, email: `bench.cluster.${offset + i}@example.test` }).toString() };
  });
}

interface Completion {
  rps: number;
  p50: number;
  p99: number;
  non303: number;
  errors: number;
  cpuUs: number;
}

/** Submits every form once over CHECKOUT_CONNECTIONS connections; the phase ends at the last answer. */
async function complete(server: ServerProcess, batch: readonly { path: string; body: string }[]): Promise<Completion> {
  let next = 0;
  const latencies: number[] = [];
  let non303 = 0;
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url };
  const started = performance.now();
  let last = started;
  const cpuBefore = server.cpuMs();
  const instance = autocannon({
    url: server.url,
    connections: CHECKOUT_CONNECTIONS,
    amount: batch.length,
    timeout: 30,
    setupClient(client: Client) {
      client.setRequests([
        {
          setupRequest: (raw) => {
            const s = batch[next++];
            return s ? { ...raw, method: 'POST', path: s.path, headers: { ...headers }, body: s.body } : { ...raw, method: 'GET', path: '/healthz', body: '' };
          },
        },
      ]);
    },
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    last = performance.now();
    if (status === 303) latencies.push(ms);
    else non303++;
  });
  const result = await instance;
  const q = quantiles(latencies);
  return { rps: latencies.length / ((last - started) / 1000), p50: q.p50, p99: q.p99, non303, errors: result.errors + result.timeouts, cpuUs: ((server.cpuMs() - cpuBefore) * 1000) / latencies.length };
}

export async function run(): Promise<Row[]> {
  const dir = tempDir(name);
  const servers: ServerProcess[] = [];
  try {
    const single = await porte('single', dir.path, 1);
    servers.push(single);
    const cluster = await porte('cluster', dir.path, WORKERS);
    servers.push(cluster);

    const { baseline: one, subject: many, roundRatios } = await compareLoad({
      baseline: customers('1 process', single),
      subject: customers(`${WORKERS} workers`, cluster),
      warmupSeconds: 2,
      rounds: 2,
      secondsPerRound: 5,
    });
    log(`customers: 1 process ${one.rps.toFixed(0)}/s, ${WORKERS} workers ${many.rps.toFixed(0)}/s; round ratios ${roundRatios.map((r) => `${r.toFixed(2)}×`).join(', ')}`);

    // Checkout: a warm-up batch each, then alternating measured rounds.
    log(`checkout: preparing ${(ROUNDS + 1) * PER_ROUND} sessions on each server`);
    const singleForms = await forms(single, (ROUNDS + 1) * PER_ROUND, 0);
    const clusterForms = await forms(cluster, (ROUNDS + 1) * PER_ROUND, 0);
    await complete(single, singleForms.slice(0, PER_ROUND));
    await complete(cluster, clusterForms.slice(0, PER_ROUND));
    const a: Completion[] = [];
    const b: Completion[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      a.push(await complete(single, singleForms.slice(r * PER_ROUND, (r + 1) * PER_ROUND)));
      b.push(await complete(cluster, clusterForms.slice(r * PER_ROUND, (r + 1) * PER_ROUND)));
    }
    const mean = (xs: Completion[], pick: (c: Completion) => number) => xs.reduce((s, c) => s + pick(c), 0) / xs.length;
    const sum = (xs: Completion[], pick: (c: Completion) => number) => xs.reduce((s, c) => s + pick(c), 0);
    log(`checkout: 1 process ${mean(a, (c) => c.rps).toFixed(0)}/s, ${WORKERS} workers ${mean(b, (c) => c.rps).toFixed(0)}/s; round ratios ${b.map((c, i) => `${(c.rps / (a[i]?.rps ?? Number.NaN)).toFixed(2)}×`).join(', ')}`);

    const w = `${WORKERS} workers vs 1 process`;
    return [
      { metric: `POST /v1/customers throughput, ${w}`, unit: 'req/s', value: many.rps, baseline: one.rps },
      { metric: 'customers latency p99', unit: 'ms', value: many.p99, baseline: one.p99, decimals: 2 },
      { metric: 'customers server CPU per request (all processes)', unit: 'µs', value: many.cpuUsPerRequest, baseline: one.cpuUsPerRequest },
      { metric: 'customers non-2xx', unit: 'count', value: many.non2xx, baseline: one.non2xx, target: { on: 'value', atMost: 0, required: true } },
      { metric: `checkout completions throughput, ${w}`, unit: 'req/s', value: mean(b, (c) => c.rps), baseline: mean(a, (c) => c.rps) },
      { metric: 'checkout latency p99', unit: 'ms', value: Math.max(...b.map((c) => c.p99)), baseline: Math.max(...a.map((c) => c.p99)), decimals: 1 },
      { metric: 'checkout server CPU per completion (all processes)', unit: 'µs', value: mean(b, (c) => c.cpuUs), baseline: mean(a, (c) => c.cpuUs) },
      { metric: 'checkout non-303 and errors', unit: 'count', value: sum(b, (c) => c.non303 + c.errors), baseline: sum(a, (c) => c.non303 + c.errors), target: { on: 'value', atMost: 0, required: true } },
    ];
  } finally {
    try {
      await stopAll(servers);
    } finally {
      dir.dispose();
    }
  }
}
