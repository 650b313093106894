/**
 * Memory (issue 13): the RSS of Porte serving the API on a database of 1,000,000 customers under
 * load — creations, searches and list pages from 10 connections — against the same server freshly
 * started on it. Target: ≤ 150 MB. Porte runs as `npm start` runs it: the built bundle
 * (`node dist/server/node.js`, rebuilt from the sources first), not TypeScript through tsx. The
 * footprint without the data is measured too: that bundle started on an empty database, against the
 * same sources started through tsx (what the loader thread and its transform cache cost).
 * The database is the cached one of bench/search-index.bench.ts (the candidate the migrations
 * build), copied, with a secret key added for the bench merchant.
 */
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildServer, childJson, freePort, loadFor, log, type Row, type ServerProcess, startServer, stopAll, tempDir } from './harness.ts';
import { MERCHANT_ID } from './search-db.ts';
import { APP_VARIANT, applyDeferred, cacheDir, sourceOf } from './search-index-db.ts';

export const name = 'api-memory';

const ROWS = Number(process.env.BENCH_SEARCH_ROWS ?? 1_000_000);
const LOAD_SECONDS = 10;
const RSS_TARGET_MB = 150;
const WORDS = ['mar', 'dupont', 'jean.m', 'atelier', 'lefe', 'REF-A', 'chloe rob', 'gmail', 'thomas', 'smith'];

/** Builds what the 1M-customer cache lacks (bench/search-index-db.ts, in its own process). */
const prepare = (): Promise<unknown> => childJson('bench/search-index-db.ts', ['prepare', String(ROWS)]);

export async function run(): Promise<Row[]> {
  log(`the ${ROWS.toLocaleString('en-US')}-customer database (cached by bench/search-index.bench.ts; built on first use)`);
  await prepare();
  const dir = tempDir(name);
  const servers: ServerProcess[] = [];
  try {
    const file = join(dir.path, 'porte.sqlite');
    copyFileSync(join(cacheDir(ROWS), `${sourceOf(APP_VARIANT)}.sqlite`), file);
    // A secret key for the bench merchant, stored as Porte stores them (SHA-256 of the token).
    const token = `porte_sk_test_${randomBytes(16).toString('hex')}`;
    const db = new Database(file);
    // Porte's schema: the search index filled by the search loop (migration 0017).
    applyDeferred(db);
    db.prepare("INSERT INTO api_keys (id, merchant_id, kind, token, token_hash, hint, created_at) VALUES (?, ?, 'secret', NULL, ?, 'bench', ?)").run(
      `key_bench${randomBytes(6).toString('hex')}`, MERCHANT_ID, createHash('sha256').update(token).digest('hex'), new Date().toISOString(),
    );
    db.close();
    const entry = buildServer();
    const started = async (label: string, runner: 'tsx' | 'node', db: string): Promise<ServerProcess> => {
      const server = await startServer({ label, runner, args: [runner === 'node' ? entry : 'server/entry/node.ts'], env: { PORTE_DB: db, PORTE_SEED: '0' }, port: await freePort(), ready: /Porte is running at/, startTimeoutMs: 120_000 });
      servers.push(server);
      return server;
    };
    // The footprint without the data, built and through tsx, each on its own empty database.
    const emptyRss = async (runner: 'tsx' | 'node'): Promise<number> => {
      const server = await started(`porte-empty-${runner}`, runner, join(dir.path, `empty-${runner}.sqlite`));
      const rss = server.rssMb();
      servers.splice(servers.indexOf(server), 1);
      await stopAll([server]);
      return rss;
    };
    const rssEmptyTsx = await emptyRss('tsx');
    const rssEmpty = await emptyRss('node');
    const server = await started('porte-1m', 'node', file);
    const rssStarted = server.rssMb();
    let peak = rssStarted;
    const sampler = setInterval(() => {
      peak = Math.max(peak, server.rssMb());
    }, 100);
    const auth = { Authorization: `Bearer ${token}` };
    const result = await loadFor(
      {
        label: 'Porte, 1M customers',
        url: server.url,
        connections: 10,
        request: (connection, n) => {
          const word = WORDS[(connection + n) % WORDS.length] ?? 'mar';
          switch (n % 4) {
            case 0:
              return { method: 'POST', path: '/v1/customers', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ email: `mem.c${connection}.n${n}@example.test`, first_name: 'Jeanne', last_name: 'Dupont' }) };
            case 1:
            case 2:
              return { method: 'GET', path: `/v1/customers?limit=25&query=${encodeURIComponent(word)}`, headers: auth };
            default:
              return { method: 'GET', path: '/v1/customers?limit=100', headers: auth };
          }
        },
      },
      LOAD_SECONDS,
    );
    clearInterval(sampler);
    const rssEnd = server.rssMb();
    peak = Math.max(peak, rssEnd);
    log(`${result.ok} × 2xx in ${result.seconds.toFixed(1)} s (${result.rps.toFixed(0)}/s), non-2xx ${result.non2xx}; RSS on an empty database ${rssEmpty.toFixed(0)} MB built (${rssEmptyTsx.toFixed(0)} MB through tsx), ${rssStarted.toFixed(0)} MB started on the big one, ${rssEnd.toFixed(0)} MB at the end, ${peak.toFixed(0)} MB at most (target ≤ ${RSS_TARGET_MB} MB: ${peak <= RSS_TARGET_MB ? 'met' : 'missed'})`);
    return [
      { metric: `RSS under API load, ${ROWS.toLocaleString('en-US')} customers, peak (base: just started)`, unit: 'MB', value: peak, baseline: rssStarted, target: { on: 'value', atMost: RSS_TARGET_MB } },
      { metric: `RSS just started on the ${ROWS.toLocaleString('en-US')} customers`, unit: 'MB', value: rssStarted, target: { on: 'value', atMost: RSS_TARGET_MB } },
      { metric: 'RSS just started on an empty database (base: the sources through tsx)', unit: 'MB', value: rssEmpty, baseline: rssEmptyTsx },
      { metric: 'API requests served during the load (25% create, 50% search, 25% list)', unit: 'req/s', value: result.rps },
      { metric: 'non-2xx responses', unit: 'count', value: result.non2xx + result.errors, target: { on: 'value', atMost: 0, required: true } },
    ];
  } finally {
    try {
      await stopAll(servers);
    } finally {
      dir.dispose();
    }
  }
}
