/**
 * The parts of bench/checkout.bench.ts added for issue 13, kept apart from its closed-loop phase:
 *
 * - sessions made in-process with Porte's own code (checkoutService.create and the CSRF `sign`)
 *   on Porte's database, thousands in a second or two instead of an API call and a page each;
 * - the same-writes baseline (bench/same-writes-server.ts) on a copy of that database, so it
 *   completes the very same sessions;
 * - open-loop latency at fixed offered rates (bench/open-loop.ts) on Porte and on the baseline,
 *   and the highest rate Porte holds with p99 ≤ 25 ms;
 * - a profiled Porte on another copy, submitting sessions of its own: the top frames per request.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { checkoutService } from '../server/checkout/service.ts';
import { betterSqliteDatabase, openSqlite } from '../server/db/better-sqlite3.ts';
import { systemClock } from '../server/deps.ts';
import { sign } from '../server/lib/secrets.ts';
import { hashKey } from '../server/merchants/keys.ts';
import { merchantRepository } from '../server/merchants/repository.ts';
import { freePort, log, type Row, type ServerProcess, startServer, stopAll } from './harness.ts';
import { type OpenLoopResult, openLoop } from './open-loop.ts';
import { awaitProfile, frameRows, keepProfile } from './profile.ts';

export const OPEN_RATES = [100, 300, 600] as const;
export const OPEN_SECONDS = Number(process.env.BENCH_OPEN_SECONDS ?? 4);
export const OPEN_P99_MS = 25;
/** Sockets the generator may open: 600/s × a p99 well past 25 ms still finds a free one. */
const MAX_IN_FLIGHT = 400;
const PROFILE_SUBMISSIONS = 600;

export interface Form {
  readonly path: string;
  readonly body: string;
}

/** `count` open sessions of the demo merchant's Pro offer, with their CSRF tokens, written by Porte's own code. */
export async function sessionsInProcess(dbFile: string, secretKey: string, publicUrl: string, count: number): Promise<{ id: string; csrf: string }[]> {
  const sqlite = openSqlite(dbFile);
  try {
    const db = betterSqliteDatabase(sqlite);
    const merchant = await merchantRepository(db).byKeyHash('secret', await hashKey(secretKey));
    if (!merchant) throw new Error('the demo merchant was not found by its secret key');
    const service = checkoutService({ db, clock: systemClock, config: { publicUrl } });
    const out: { id: string; csrf: string }[] = [];
    for (let i = 0; i < count; i++) {
      const { session } = await service.create(merchant, { offer: 'pro-monthly', success_url: `${publicUrl}/checkout/thanks`, cancel_url: `${publicUrl}/checkout/thanks` }, 'api');
      out.push({ id: session.id, csrf: await sign(db, 'checkout-csrf', session.id) });
    }
    return out;
  } finally {
    sqlite.close();
  }
}

/** A consistent copy of a live WAL database (SQLite's online backup). */
export async function copyDatabase(from: string, to: string): Promise<void> {
  const db = new Database(from, { readonly: true });
  try {
    await db.backup(to);
  } finally {
    db.close();
  }
}

export async function startSameWrites(dbFile: string): Promise<ServerProcess> {
  return startServer({ label: 'same-writes', args: ['bench/same-writes-server.ts'], env: { SAME_WRITES_DB: dbFile }, port: await freePort(), ready: /same-writes listening on \d+/ });
}

export interface OpenLoopRun {
  readonly rate: number;
  readonly porte: OpenLoopResult;
  readonly baseline: OpenLoopResult;
}

/**
 * For each offered rate: the baseline, then Porte (each on its own forms, each form once), so
 * outside load hits both alike. `porteForms`/`baselineForms` are consumed from the front.
 */
export async function openLoopRuns(porte: ServerProcess, baseline: ServerProcess, porteForms: Form[], baselineForms: Form[]): Promise<OpenLoopRun[]> {
  const runs: OpenLoopRun[] = [];
  const headersFor = (server: ServerProcess) => ({ 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url });
  const drive = async (server: ServerProcess, forms: Form[], rate: number) => {
    const batch = forms.splice(0, Math.round(rate * OPEN_SECONDS));
    const headers = headersFor(server);
    return openLoop({
      url: server.url,
      rate,
      seconds: OPEN_SECONDS,
      maxInFlight: MAX_IN_FLIGHT,
      okStatus: 303,
      build: (i) => {
        const form = batch[i];
        if (!form) throw new Error('open loop ran out of checkout sessions');
        return { method: 'POST', path: form.path, headers, body: form.body };
      },
    });
  };
  for (const rate of OPEN_RATES) {
    const b = await drive(baseline, baselineForms, rate);
    const p = await drive(porte, porteForms, rate);
    for (const [label, r] of [['same writes', b], ['Porte', p]] as const) {
      log(`open loop ${rate}/s, ${label}: achieved ${r.achievedRate.toFixed(0)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(0)} ms, ${r.peakInFlight} in flight at most, codes ${Object.entries(r.codes).map(([c, n]) => `${c}×${n}`).join(' ')}`);
    }
    runs.push({ rate, porte: p, baseline: b });
  }
  return runs;
}

export const openLoopSessions = (): number => OPEN_RATES.reduce((sum, rate) => sum + Math.round(rate * OPEN_SECONDS), 0);

export function openLoopRows(runs: readonly OpenLoopRun[]): Row[] {
  const rows: Row[] = [];
  for (const { rate, porte, baseline } of runs) {
    rows.push(
      { metric: `open loop ${rate}/s offered: achieved (base: same writes)`, unit: 'req/s', value: porte.achievedRate, baseline: baseline.achievedRate },
      { metric: `open loop ${rate}/s: p50 (base: same writes)`, unit: 'ms', value: porte.p50, baseline: baseline.p50, decimals: 1 },
      {
        metric: `open loop ${rate}/s: p99 (base: same writes)`,
        unit: 'ms',
        value: porte.p99,
        baseline: baseline.p99,
        decimals: 1,
        ...(rate === 300 ? { target: { on: 'value' as const, atMost: OPEN_P99_MS } } : {}),
      },
      // Every answer must be a completed checkout, or the latencies describe errors.
      { metric: `open loop ${rate}/s: non-303 or failed`, unit: 'count', value: porte.failed, baseline: baseline.failed, target: { on: 'value', atMost: 0, required: true } },
    );
  }
  const held = (pick: (r: OpenLoopRun) => OpenLoopResult) =>
    Math.max(0, ...runs.filter((r) => pick(r).p99 <= OPEN_P99_MS && pick(r).failed === 0).map((r) => r.rate));
  rows.push({ metric: `highest offered rate with p99 ≤ ${OPEN_P99_MS} ms (of ${OPEN_RATES.join(', ')}; base: same writes)`, unit: 'req/s', value: held((r) => r.porte), baseline: held((r) => r.baseline), target: { on: 'value', atLeast: 300 } });
  return rows;
}

/**
 * A fresh Porte with --cpu-prof on `dbFile` (a copy holding `forms`' sessions), the forms
 * submitted by a few connections in turn, then its top frames per completed checkout.
 */
export async function profiledCheckout(dbFile: string, profileDir: string, forms: readonly Form[], publicUrlFor: (port: number) => string): Promise<Row[]> {
  const port = await freePort();
  const server = await startServer({
    label: 'porte-profiled',
    args: ['server/entry/node.ts'],
    env: { PORTE_DB: dbFile, PORTE_PUBLIC_URL: publicUrlFor(port) },
    port,
    ready: /Porte is running at/,
    cpuProfileDir: profileDir,
  });
  let started = 0;
  let ended = 0;
  let done = 0;
  try {
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url };
    const warm = forms.slice(0, 50);
    const measured = forms.slice(50, PROFILE_SUBMISSIONS);
    const submit = async (batch: readonly Form[]) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < batch.length) {
            const form = batch[next++] as Form;
            const res = await fetch(`${server.url}${form.path}`, { method: 'POST', headers, body: form.body, redirect: 'manual' });
            await res.arrayBuffer();
            if (res.status === 303) done++;
          }
        }),
      );
    };
    await submit(warm);
    done = 0;
    started = performance.now();
    await submit(measured);
    ended = performance.now();
  } finally {
    await stopAll([server]);
  }
  const stopped = performance.now();
  const file = await awaitProfile(profileDir);
  if (!file) {
    log(`no profile written in ${profileDir}`);
    return [];
  }
  keepProfile(file, 'checkout-porte');
  log(`profiled checkout: ${done} × 303 of ${Math.min(forms.length, PROFILE_SUBMISSIONS) - 50}; profile kept as test-output/profiles/checkout-porte.cpuprofile`);
  return frameRows(file, done, 'checkout POST', { fromEndMs: stopped - started, toEndMs: stopped - ended });
}

export const profileSessions = (): number => PROFILE_SUBMISSIONS;

export const formsFor = (sessions: readonly { id: string; csrf: string }[], body: (csrf: string, n: number) => string, offset: number, path = (id: string) => `/checkout/${id}`): Form[] =>
  sessions.map((s, i) => ({ path: path(s.id), body: body(s.csrf, offset + i) }));

export const dbIn = (dir: string, name: string): string => join(dir, name);
