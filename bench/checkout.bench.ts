/**
 * Checkout completion under load: the hosted checkout form's POST (test gateway) on the real Node
 * stack — CSRF, validation, grey list, gateway, and the one atomic batch (customer + FTS, payment
 * method, subscription, session, activity, three outbox events) — against two bare node:http +
 * better-sqlite3 servers: one inserting a customer and a subscription in one transaction (the
 * floor), one doing exactly Porte's writes (bench/same-writes-server.ts). Throughput closed-loop at
 * 200 connections, every session submitted once; latency open-loop at fixed offered rates
 * (bench/checkout-open.ts); the top frames per request from a profiled pass. Beside it, in the same
 * rounds, checkout completion of an offer with "Due today" > 0 (the demo's Basic, no trial): the
 * first charge at the gateway and a numbered paid invoice join the batch; its ratio is to the trial
 * checkout. Also: how long the checkout page takes to serve and to render, and how much JavaScript it loads.
 */
import Database from 'better-sqlite3';
import autocannon, { type Client } from 'autocannon';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { CheckoutPage } from '../hosted-pages/checkout/CheckoutPage.tsx';
import type { CheckoutView } from '../hosted-pages/checkout/view.ts';
import {
  copyDatabase,
  formsFor,
  openLoopRows,
  openLoopRuns,
  openLoopSessions,
  profiledCheckout,
  profileSessions,
  sessionsInProcess,
  startSameWrites,
} from './checkout-open.ts';
import {
  ensureBuilt,
  freePort,
  gzipBytes,
  log,
  mapLimit,
  quantiles,
  repoRoot,
  type Row,
  type ServerProcess,
  startServer,
  staticGraph,
  stopAll,
  tempDir,
  porteEntry,
} from './harness.ts';

export const name = 'checkout';

const CONNECTIONS = 200;
/** Sessions created beforehand, each submitted once: a warm-up batch, then ROUNDS measured batches. */
const SESSIONS = Math.max(CONNECTIONS * 3, Number(process.env.BENCH_CHECKOUT_SESSIONS ?? 1200));
const WARMUP = CONNECTIONS;
const ROUNDS = 2;
const PER_ROUND = Math.floor((SESSIONS - WARMUP) / ROUNDS);
/** Sequential GET /checkout/{id}: discarded first, then measured (alternating with the baseline). */
const PAGE_WARMUP = 50;
const PAGE_MEASURED = 300;
const RENDER_ITERATIONS = 500;

const FORM = {
  email: '',
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

interface Submission {
  readonly path: string;
  readonly body: string;
}

const submission = (path: string, csrf: string, n: number): Submission => ({
  path,
  body: new URLSearchParams({ csrf, ...FORM, email: `bench.checkout.${n}@example.test` }).toString(),
});

interface PostPhase {
  readonly count: number;
  readonly seconds: number;
  readonly cpuMs: number;
  readonly codes: Record<string, number>;
  readonly errors: number;
  /** Latency of the 303 responses, ms. */
  readonly latencies: number[];
}

/** Submits every form of `batch` once over CONNECTIONS connections (autocannon `amount`). */
async function postPhase(server: ServerProcess, batch: readonly Submission[]): Promise<PostPhase> {
  let next = 0;
  const latencies: number[] = [];
  const codes: Record<string, number> = {};
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url };
  const started = performance.now();
  const instance = autocannon({
    url: server.url,
    connections: CONNECTIONS,
    amount: batch.length,
    timeout: 30,
    setupClient(client: Client) {
      client.setRequests([
        {
          setupRequest: (raw) => {
            const s = batch[next++];
            // More sends than forms would be a harness bug: a GET /healthz then shows as a non-303.
            return s ? { ...raw, method: 'POST', path: s.path, headers: { ...headers }, body: s.body } : { ...raw, method: 'GET', path: '/healthz', body: '' };
          },
        },
      ]);
    },
  });
  // autocannon resolves on its 1 s sampling tick, not on the last response: the phase lasts from
  // the start to the last response.
  let last = Number.NaN;
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    last = performance.now();
    codes[statusCode] = (codes[statusCode] ?? 0) + 1;
    if (statusCode === 303) latencies.push(responseTime);
  });
  const cpuBefore = server.cpuMs();
  const result = await instance;
  // The CPU sample waits for the tick too, but an idle server adds nothing meanwhile.
  const cpuMs = server.cpuMs() - cpuBefore;
  return { count: latencies.length, seconds: (last - started) / 1000, cpuMs, codes, errors: result.errors + result.timeouts, latencies };
}

function merge(phases: readonly PostPhase[]) {
  const codes: Record<string, number> = {};
  for (const p of phases) for (const [code, n] of Object.entries(p.codes)) codes[code] = (codes[code] ?? 0) + n;
  const count = phases.reduce((s, p) => s + p.count, 0);
  const seconds = phases.reduce((s, p) => s + p.seconds, 0);
  const total = Object.values(codes).reduce((s, n) => s + n, 0);
  return {
    rps: count / seconds,
    ...quantiles(phases.flatMap((p) => p.latencies)),
    cpuUs: (phases.reduce((s, p) => s + p.cpuMs, 0) * 1000) / count,
    non303: total - (codes['303'] ?? 0),
    errors: phases.reduce((s, p) => s + p.errors, 0),
    codes,
    ok: count,
  };
}

async function timedGet(url: string): Promise<{ ms: number; status: number; text: string }> {
  const started = performance.now();
  const res = await fetch(url);
  const text = await res.text();
  return { ms: performance.now() - started, status: res.status, text };
}

const csrfOf = (html: string): string => {
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`no csrf input in the checkout page:\n${html.slice(0, 500)}`);
  return token;
};

const propsOf = (html: string): CheckoutView => {
  const json = /<script type="application\/json" id="porte-props"[^>]*>(.*?)<\/script>/s.exec(html)?.[1];
  if (!json) throw new Error('no hydration props in the checkout page');
  return JSON.parse(json) as CheckoutView;
};

function countRows(file: string, from: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${from}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

export async function run(): Promise<Row[]> {
  const dir = tempDir(name);
  const servers: ServerProcess[] = [];
  const pageFile = join(dir.path, 'page.html');
  const baselineDb = join(dir.path, 'baseline.sqlite');
  const porteDb = join(dir.path, 'porte.sqlite');
  const sameWritesDb = join(dir.path, 'same-writes.sqlite');
  const profiledDb = join(dir.path, 'porte-profiled.sqlite');
  try {
    const baselineServer = await startServer({
      label: 'baseline',
      args: ['bench/baseline-server.ts'],
      env: { BASELINE_DB: baselineDb, BASELINE_PAGE: pageFile },
      port: await freePort(),
      ready: /baseline listening on \d+/,
    });
    servers.push(baselineServer);
    const portePort = await freePort();
    const porte = await startServer({
      label: 'porte',
      ...porteEntry(),
      env: { PORTE_DB: porteDb, PORTE_PUBLIC_URL: `http://127.0.0.1:${portePort}` },
      port: portePort,
      ready: /Secret key:\s+(porte_sk_test_[0-9A-Za-z]{32})/,
    });
    servers.push(porte);

    // 1. Sessions, by API (the demo merchant's offers, test gateway): Pro has a 14-day trial (nothing
    //    due today), Basic none (its first month is charged at checkout).
    let t = performance.now();
    const auth = { Authorization: `Bearer ${porte.ready[1]}`, 'Content-Type': 'application/json' };
    const sessions = (offer: string, count: number) =>
      mapLimit(Array.from({ length: count }, (_, i) => i), 10, async () => {
        const res = await fetch(`${porte.url}/v1/checkout_sessions`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ offer, success_url: `${porte.url}/checkout/thanks`, cancel_url: `${porte.url}/checkout/thanks` }),
        });
        const body = (await res.json()) as { id?: string };
        if (res.status !== 201 || !body.id) throw new Error(`POST /v1/checkout_sessions: ${res.status} ${JSON.stringify(body)}`);
        return body.id;
      });
    const ids = await sessions('pro-monthly', SESSIONS);
    const chargedIds = await sessions('basic-monthly', WARMUP + ROUNDS * PER_ROUND);
    log(`${SESSIONS} + ${chargedIds.length} checkout sessions created in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // 2. Every page once, for its CSRF token. The first ones sequentially and timed, alternating
    //    with the baseline serving the same bytes already rendered.
    t = performance.now();
    const tokens: string[] = new Array(SESSIONS);
    const first = await timedGet(`${porte.url}/checkout/${ids[0]}`);
    if (first.status !== 200) throw new Error(`GET /checkout/{id}: ${first.status}\n${first.text.slice(0, 500)}`);
    writeFileSync(pageFile, first.text);
    tokens[0] = csrfOf(first.text);
    const porteGet: number[] = [];
    const baselineGet: number[] = [];
    for (let i = 1; i <= PAGE_WARMUP + PAGE_MEASURED; i++) {
      const b = await timedGet(`${baselineServer.url}/page`);
      const p = await timedGet(`${porte.url}/checkout/${ids[i]}`);
      if (p.status !== 200 || b.status !== 200) throw new Error(`GET page: Porte ${p.status}, baseline ${b.status}`);
      tokens[i] = csrfOf(p.text);
      if (i > PAGE_WARMUP) {
        porteGet.push(p.ms);
        baselineGet.push(b.ms);
      }
    }
    const rest = ids.slice(PAGE_WARMUP + PAGE_MEASURED + 1);
    await mapLimit(rest, 8, async (id, i) => {
      const p = await timedGet(`${porte.url}/checkout/${id}`);
      if (p.status !== 200) throw new Error(`GET /checkout/${id}: ${p.status}`);
      tokens[PAGE_WARMUP + PAGE_MEASURED + 1 + i] = csrfOf(p.text);
    });
    const chargedTokens = await mapLimit(chargedIds, 8, async (id) => {
      const p = await timedGet(`${porte.url}/checkout/${id}`);
      if (p.status !== 200) throw new Error(`GET /checkout/${id}: ${p.status}`);
      return csrfOf(p.text);
    });
    log(`${SESSIONS + chargedIds.length} checkout pages fetched in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // 2b. Sessions for the open-loop and profiled passes, by Porte's own code; then the copies the
    //     same-writes baseline and the profiled Porte complete them in.
    t = performance.now();
    const extra = await sessionsInProcess(porteDb, porte.ready[1] ?? '', porte.url, openLoopSessions() + profileSessions());
    const openSessions = extra.slice(0, openLoopSessions());
    const profileSessionList = extra.slice(openLoopSessions());
    await copyDatabase(porteDb, sameWritesDb);
    await copyDatabase(porteDb, profiledDb);
    log(`${extra.length} more sessions in-process and two copies of the database in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const sameWrites = await startSameWrites(sameWritesDb);
    servers.push(sameWrites);

    // 3. The submissions: a warm-up batch each, then alternating measured batches.
    const porteForms = ids.map((id, n) => submission(`/checkout/${id}`, tokens[n] ?? '', n));
    const baselineForms = ids.map((id, n) => submission(`/checkout/base_${id}`, 'x'.repeat(64), n));
    const sameWritesForms = ids.map((id, n) => submission(`/checkout/${id}`, 'x'.repeat(64), n));
    // Emails after every other form's (the open-loop and profiled passes number theirs from SESSIONS).
    const chargedForms = chargedIds.map((id, n) => submission(`/checkout/${id}`, chargedTokens[n] ?? '', 10 * SESSIONS + n));
    let from = 0;
    const take = (forms: readonly Submission[], n: number) => forms.slice(from, from + n);
    log(`warm-up: ${WARMUP} submissions on each server at ${CONNECTIONS} connections`);
    await postPhase(baselineServer, take(baselineForms, WARMUP));
    await postPhase(sameWrites, take(sameWritesForms, WARMUP));
    const warm = await postPhase(porte, take(porteForms, WARMUP));
    const allPhases: PostPhase[] = [warm];
    const chargedPhases: PostPhase[] = [];
    const chargedAll: PostPhase[] = [await postPhase(porte, chargedForms.slice(0, WARMUP))];
    let chargedFrom = WARMUP;
    from += WARMUP;
    const baselinePhases: PostPhase[] = [];
    const portePhases: PostPhase[] = [];
    const sameWritesPhases: PostPhase[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round}/${ROUNDS}: ${PER_ROUND} submissions on baseline, same writes, then on Porte (trial), then on Porte (first charge)`);
      baselinePhases.push(await postPhase(baselineServer, take(baselineForms, PER_ROUND)));
      sameWritesPhases.push(await postPhase(sameWrites, take(sameWritesForms, PER_ROUND)));
      const p = await postPhase(porte, take(porteForms, PER_ROUND));
      portePhases.push(p);
      allPhases.push(p);
      const c = await postPhase(porte, chargedForms.slice(chargedFrom, chargedFrom + PER_ROUND));
      chargedPhases.push(c);
      chargedAll.push(c);
      chargedFrom += PER_ROUND;
      from += PER_ROUND;
    }
    const b = merge(baselinePhases);
    const sw = merge(sameWritesPhases);
    const p = merge(portePhases);
    const charged = merge(chargedPhases);
    const all = merge([...allPhases, ...chargedAll]);
    for (const [label, r] of [['baseline', b], ['same writes', sw], ['Porte', p], ['Porte, first charge', charged]] as const) {
      const codes = Object.entries(r.codes).map(([code, n]) => `${code}×${n}`).join(' ');
      log(`${label}: ${r.ok} × 303 at ${r.rps.toFixed(0)}/s; status codes ${codes}; errors ${r.errors}; p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`);
    }
    // 3b. Open-loop latency at fixed offered rates, same writes then Porte at each rate.
    const body = (csrf: string, n: number) => submission('', csrf, n).body;
    const openRuns = await openLoopRuns(porte, sameWrites, formsFor(openSessions, body, SESSIONS), formsFor(openSessions, body, SESSIONS));
    log(`Porte round ratios: ${portePhases.map((x, i) => ((x.count / x.seconds) / ((baselinePhases[i]?.count ?? 0) / (baselinePhases[i]?.seconds ?? 1))).toFixed(2)).join(', ')}`);

    // 4. In-process render of the same page, from the props it was hydrated with.
    const view = propsOf(first.text);
    for (let i = 0; i < 50; i++) renderToString(h(CheckoutPage, { view }));
    const renders: number[] = [];
    for (let i = 0; i < RENDER_ITERATIONS; i++) {
      const started = performance.now();
      renderToString(h(CheckoutPage, { view }));
      renders.push(performance.now() - started);
    }
    const render = quantiles(renders);

    // 5. The page's own JavaScript, as built.
    const assets = join(repoRoot, 'dist/public/assets');
    ensureBuilt(join(assets, 'checkout.js'));
    const graph = staticGraph(join(assets, 'checkout.js'));
    const sizes = graph.map((f) => ({ file: f.slice(assets.length + 1), gzip: gzipBytes(f) }));
    const preact = sizes.find((s) => s.file.startsWith('jsxRuntime'))?.gzip ?? Number.NaN;
    log(`checkout JS (gzip): ${sizes.map((s) => `${s.file} ${s.gzip} B`).join(', ')}`);

    await stopAll(servers.splice(0));
    // 6. A profiled Porte alone, on the copy, completing sessions of its own.
    const frames = await profiledCheckout(profiledDb, join(dir.path, 'profile'), formsFor(profileSessionList, body, SESSIONS + openLoopSessions()), (port) => `http://127.0.0.1:${port}`);
    // Every 303 of Porte must be a completed checkout (and the baseline's a row pair).
    const porteSubscriptions = countRows(porteDb, 'subscriptions');
    const baselineSubscriptions = countRows(baselineDb, 'subscriptions');
    // The open-loop passes completed sessions in the same database.
    const porteMissing = all.ok + openRuns.reduce((n, r) => n + r.porte.ok, 0) - porteSubscriptions;
    // Every first-charge 303 must have its paid invoice and its charge at the (test) gateway.
    const paidInvoices = countRows(porteDb, "invoices WHERE status = 'paid' AND billing_reason = 'subscription_create'");
    const gatewayCharges = countRows(porteDb, "test_gateway_charges WHERE json_extract(result, '$.status') = 'succeeded'");
    const chargedOk = chargedAll.reduce((n, x) => n + x.count, 0);
    log(`first charges: ${chargedOk} × 303, ${paidInvoices} paid invoices, ${gatewayCharges} charges at the gateway`);
    // The baseline had its warm-up too: WARMUP + measured 303s.
    const baselineMissing = WARMUP + b.ok - baselineSubscriptions;
    log(`subscriptions in the databases: Porte ${porteSubscriptions} (${all.ok} × 303), baseline ${baselineSubscriptions}`);

    const porteGetQ = quantiles(porteGet);
    const baselineGetQ = quantiles(baselineGet);
    const pageGzip = gzipSync(first.text);
    return [
      { metric: `checkout POST throughput (${CONNECTIONS} conn.; base: same writes)`, unit: 'req/s', value: p.rps, baseline: sw.rps, target: { on: 'ratio', atLeast: 0.7 } },
      { metric: `checkout POST throughput (${CONNECTIONS} conn.; base: bare 2 inserts)`, unit: 'req/s', value: p.rps, baseline: b.rps },
      { metric: 'same-writes throughput (base: bare 2 inserts)', unit: 'req/s', value: sw.rps, baseline: b.rps },
      // Closed loop at 200 connections: these latencies measure the queue, not the service (see open loop).
      { metric: `checkout POST latency p50 (closed, ${CONNECTIONS} conn.)`, unit: 'ms', value: p.p50, baseline: sw.p50, decimals: 1 },
      { metric: `checkout POST latency p99 (closed, ${CONNECTIONS} conn.)`, unit: 'ms', value: p.p99, baseline: sw.p99, decimals: 1 },
      { metric: 'server CPU per checkout (base: same writes)', unit: 'µs', value: p.cpuUs, baseline: sw.cpuUs },
      { metric: 'server CPU per checkout (base: bare 2 inserts)', unit: 'µs', value: p.cpuUs, baseline: b.cpuUs },
      // Same server, same rounds: the first charge and its paid invoice against today's trial checkout.
      { metric: 'first-charge checkout throughput (base: trial checkout)', unit: 'req/s', value: charged.rps, baseline: p.rps },
      { metric: 'first-charge checkout p99 (closed; base: trial checkout)', unit: 'ms', value: charged.p99, baseline: p.p99, decimals: 1 },
      { metric: 'first-charge server CPU per checkout (base: trial)', unit: 'µs', value: charged.cpuUs, baseline: p.cpuUs },
      {
        metric: 'first-charge 303s without paid invoice and charge',
        unit: 'count',
        value: Math.abs(chargedOk - paidInvoices) + Math.abs(chargedOk - gatewayCharges) + charged.non303 + charged.errors,
        target: { on: 'value', atMost: 0, required: true },
      },
      ...openLoopRows(openRuns),
      { metric: 'non-303 responses', unit: 'count', value: p.non303, baseline: b.non303, target: { on: 'value', atMost: 0, required: true } },
      { metric: 'connection errors/timeouts', unit: 'count', value: p.errors, baseline: b.errors, target: { on: 'value', atMost: 0, required: true } },
      { metric: 'same writes: non-303 or errors', unit: 'count', value: sw.non303 + sw.errors, target: { on: 'value', atMost: 0, required: true } },
      { metric: '303s without a subscription row', unit: 'count', value: porteMissing, baseline: baselineMissing, target: { on: 'value', atMost: 0, required: true } },
      { metric: 'GET /checkout/{id} p50 (sequential; base: static)', unit: 'ms', value: porteGetQ.p50, baseline: baselineGetQ.p50, decimals: 2 },
      { metric: 'GET /checkout/{id} p99 (sequential; base: static)', unit: 'ms', value: porteGetQ.p99, baseline: baselineGetQ.p99, decimals: 2 },
      { metric: 'renderToString(CheckoutPage) p50', unit: 'ms', value: render.p50, decimals: 2 },
      { metric: 'renderToString(CheckoutPage) p99', unit: 'ms', value: render.p99, decimals: 2 },
      { metric: 'checkout page HTML gzip', unit: 'KB', value: pageGzip.length / 1024, decimals: 1 },
      // Baseline: Preact's shared chunk alone, the floor of any hydrated page.
      { metric: `checkout JS gzip (${sizes.length} files; base: Preact)`, unit: 'KB', value: sizes.reduce((s, x) => s + x.gzip, 0) / 1024, baseline: preact / 1024, target: { on: 'value', atMost: 25 }, decimals: 1 },
      ...frames,
    ];
  } finally {
    try {
      await stopAll(servers);
    } finally {
      dir.dispose();
    }
  }
}
