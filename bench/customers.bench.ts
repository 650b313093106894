/**
 * Customer creation under load: `POST /v1/customers` on the real Node stack (Hono, auth,
 * validation, one batch with the customer + FTS trigger, activity and outbox rows) against two
 * bare node:http + better-sqlite3 servers: one INSERT into a plain table (baseline-server.ts, the
 * physical floor) and exactly Porte's writes on a Porte-migrated database (same-writes-server.ts).
 * Targets (issue 13): Porte ≥ 0.7× same-writes, ≥ 0.5× the bare insert. Then a short profiled
 * pass on a fresh Porte prints the top frames per request.
 */
import { join } from 'node:path';
import { compareMany, freePort, type LoadTarget, loadFor, log, type Row, type ServerProcess, startServer, stopAll, tempDir, porteEntry } from './harness.ts';
import { awaitProfile, frameRows, keepProfile } from './profile.ts';

export const name = 'customers';

const CONNECTIONS = 10;
const WARMUP_SECONDS = 2;
// 2 × 5 s = 10 s measured per server, in turns so outside load hits all alike.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SECONDS_PER_ROUND = 5;
const PROFILE_SECONDS = 4;

const target = (label: string, server: ServerProcess, headers: Record<string, string>): LoadTarget => ({
  label,
  url: server.url,
  connections: CONNECTIONS,
  cpuMs: () => server.cpuMs(),
  request: (connection, n) => ({
    method: 'POST',
    path: '/v1/customers',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({
      // Unique per request, as real signups are; nothing in the schema requires it.
      email: `bench.c${connection}.n${n}@example.test`,
      first_name: 'Jeanne',
      last_name: 'Dupont',
      billing_address: { country: 'FR' },
    }),
  }),
});

const porteOptions = (label: string, db: string, port: number, cpuProfileDir?: string) => ({
  label,
  // Measured: the built server (`npm start`); profiled: the sources, so frames name Porte's files.
  ...(cpuProfileDir ? { args: ['server/entry/node.ts'] } : porteEntry()),
  env: { PORTE_DB: db },
  port,
  // A fresh database is seeded with the demo merchant, whose secret key the banner shows once.
  ready: /Secret key:\s+(porte_sk_test_[0-9A-Za-z]{32})/,
  cpuProfileDir,
});

export async function run(): Promise<Row[]> {
  const dir = tempDir(name);
  const servers: ServerProcess[] = [];
  try {
    const bareServer = await startServer({
      label: 'baseline',
      args: ['bench/baseline-server.ts'],
      env: { BASELINE_DB: join(dir.path, 'baseline.sqlite') },
      port: await freePort(),
      ready: /baseline listening on \d+/,
    });
    servers.push(bareServer);
    const sameServer = await startServer({
      label: 'same-writes',
      args: ['bench/same-writes-server.ts'],
      env: { SAME_WRITES_DB: join(dir.path, 'same-writes.sqlite') },
      port: await freePort(),
      ready: /same-writes listening on \d+/,
    });
    servers.push(sameServer);
    const porteServer = await startServer(porteOptions('porte', join(dir.path, 'porte.sqlite'), await freePort()));
    servers.push(porteServer);

    const [bareRun, sameRun, porteRun] = await compareMany({
      targets: [
        target('bare insert', bareServer, {}),
        target('same writes', sameServer, {}),
        target('Porte', porteServer, { Authorization: `Bearer ${porteServer.ready[1]}` }),
      ],
      warmupSeconds: WARMUP_SECONDS,
      rounds: ROUNDS,
      secondsPerRound: SECONDS_PER_ROUND,
    });
    if (!bareRun || !sameRun || !porteRun) throw new Error('missing load results');
    const [bare, same, porte] = [bareRun.result, sameRun.result, porteRun.result];
    for (const [label, result] of [['bare insert', bare], ['same writes', same], ['Porte', porte]] as const) {
      const codes = Object.entries(result.statusCodes).map(([code, count]) => `${code}×${count}`).join(' ');
      log(`${label}: ${result.ok} × 2xx in ${result.seconds.toFixed(1)} s; status codes ${codes || 'none'}; errors ${result.errors}`);
    }
    log(`Porte / bare per round: ${porteRun.roundRatios.map((r) => `${r.toFixed(2)}×`).join(', ')}; same writes / bare: ${sameRun.roundRatios.map((r) => `${r.toFixed(2)}×`).join(', ')}`);
    await stopAll(servers.splice(0));

    // A fresh Porte, profiled, alone on the machine: what its CPU goes to per request.
    const profileDir = join(dir.path, 'profile');
    const profiled = await startServer(porteOptions('porte-profiled', join(dir.path, 'porte-profiled.sqlite'), await freePort(), profileDir));
    servers.push(profiled);
    const profiledTarget = target('Porte (profiled)', profiled, { Authorization: `Bearer ${profiled.ready[1]}` });
    await loadFor(profiledTarget, 1);
    const started = performance.now();
    const profiledRun = await loadFor(profiledTarget, PROFILE_SECONDS);
    const ended = performance.now();
    await stopAll(servers.splice(0));
    const stopped = performance.now();
    const profileFile = await awaitProfile(profileDir);
    // Kept for a closer look: tsx bench/profile-summary.ts test-output/profiles/customers-porte.cpuprofile
    if (profileFile) keepProfile(profileFile, 'customers-porte');
    log(profileFile ? `profile: ${profileFile} (${((stopped - ended) / 1000).toFixed(1)} s to stop)` : `no profile written in ${profileDir} (${((stopped - ended) / 1000).toFixed(1)} s to stop)`);
    const frames = profileFile
      ? frameRows(profileFile, profiledRun.ok + profiledRun.non2xx, 'POST /v1/customers', { fromEndMs: stopped - started, toEndMs: stopped - ended })
      : [];

    return [
      { metric: 'POST /v1/customers throughput (base: same writes)', unit: 'req/s', value: porte.rps, baseline: same.rps, target: { on: 'ratio', atLeast: 0.7 } },
      { metric: 'POST /v1/customers throughput (base: bare insert)', unit: 'req/s', value: porte.rps, baseline: bare.rps, target: { on: 'ratio', atLeast: 0.5 } },
      // The features' own cost: the same writes in bare node:http against the single insert.
      { metric: 'same-writes throughput (base: bare insert)', unit: 'req/s', value: same.rps, baseline: bare.rps },
      { metric: 'latency p50 (10 conn.; base: same writes)', unit: 'ms', value: porte.p50, baseline: same.p50, decimals: 2 },
      { metric: 'latency p99 (10 conn.; base: same writes)', unit: 'ms', value: porte.p99, baseline: same.p99, decimals: 2 },
      // Less sensitive than req/s to other work on the machine: what one request costs the server.
      { metric: 'server CPU per request (base: same writes)', unit: 'µs', value: porte.cpuUsPerRequest, baseline: same.cpuUsPerRequest },
      { metric: 'server CPU per request (base: bare insert)', unit: 'µs', value: porte.cpuUsPerRequest, baseline: bare.cpuUsPerRequest },
      { metric: 'non-2xx responses (base: same writes)', unit: 'count', value: porte.non2xx, baseline: same.non2xx + bare.non2xx, target: { on: 'value', atMost: 0, required: true } },
      { metric: 'connection errors/timeouts (base: same writes)', unit: 'count', value: porte.errors, baseline: same.errors + bare.errors, target: { on: 'value', atMost: 0, required: true } },
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
