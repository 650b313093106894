/**
 * Customer creation under load: `POST /v1/customers` on the real Node stack (Hono, auth,
 * validation, one batch with the customer + FTS trigger, activity and outbox rows) against a bare
 * node:http + better-sqlite3 server doing one INSERT. Target: Porte ≥ 0.7 × baseline throughput.
 */
import { join } from 'node:path';
import { compareLoad, freePort, type LoadTarget, log, type Row, type ServerProcess, startServer, stopAll, tempDir } from './harness.ts';

export const name = 'customers';

const CONNECTIONS = 10;
const WARMUP_SECONDS = 2;
// 2 × 5 s = 10 s measured per server, alternating so outside load hits both alike.
const ROUNDS = 2;
const SECONDS_PER_ROUND = 5;

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

export async function run(): Promise<Row[]> {
  const dir = tempDir(name);
  const servers: ServerProcess[] = [];
  try {
    const baselineServer = await startServer({
      label: 'baseline',
      args: ['bench/baseline-server.ts'],
      env: { BASELINE_DB: join(dir.path, 'baseline.sqlite') },
      port: await freePort(),
      ready: /baseline listening on \d+/,
    });
    servers.push(baselineServer);
    const porteServer = await startServer({
      label: 'porte',
      args: ['server/entry/node.ts'],
      env: { PORTE_DB: join(dir.path, 'porte.sqlite') },
      port: await freePort(),
      // A fresh database is seeded with the demo merchant, whose secret key the banner shows once.
      ready: /Secret key:\s+(porte_sk_test_[0-9A-Za-z]{32})/,
    });
    servers.push(porteServer);

    const { baseline, subject: porte, roundRatios } = await compareLoad({
      baseline: target('baseline', baselineServer, {}),
      subject: target('Porte', porteServer, { Authorization: `Bearer ${porteServer.ready[1]}` }),
      warmupSeconds: WARMUP_SECONDS,
      rounds: ROUNDS,
      secondsPerRound: SECONDS_PER_ROUND,
    });

    for (const [label, result] of [['baseline', baseline], ['Porte', porte]] as const) {
      const codes = Object.entries(result.statusCodes).map(([code, count]) => `${code}×${count}`).join(' ');
      log(`${label}: ${result.ok} × 2xx in ${result.seconds.toFixed(1)} s; status codes ${codes || 'none'}; errors ${result.errors}`);
    }
    log(`throughput ratio per round: ${roundRatios.map((r) => `${r.toFixed(2)}×`).join(', ')}`);

    return [
      { metric: 'POST /v1/customers throughput', unit: 'req/s', value: porte.rps, baseline: baseline.rps, target: { on: 'ratio', atLeast: 0.7 } },
      { metric: 'latency p50', unit: 'ms', value: porte.p50, baseline: baseline.p50, decimals: 2 },
      { metric: 'latency p99', unit: 'ms', value: porte.p99, baseline: baseline.p99, decimals: 2 },
      // Less sensitive than req/s to other work on the machine: what one request costs the server.
      { metric: 'server CPU per request', unit: 'µs', value: porte.cpuUsPerRequest, baseline: baseline.cpuUsPerRequest },
      { metric: 'non-2xx responses', unit: 'count', value: porte.non2xx, baseline: baseline.non2xx, target: { on: 'value', atMost: 0, required: true } },
      { metric: 'connection errors/timeouts', unit: 'count', value: porte.errors, baseline: baseline.errors, target: { on: 'value', atMost: 0, required: true } },
    ];
  } finally {
    try {
      await stopAll(servers);
    } finally {
      dir.dispose();
    }
  }
}
