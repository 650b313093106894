/**
 * The Subscribers search on a big merchant: BENCH_SEARCH_ROWS customers (default 1,000,000) of one
 * merchant in a migrated SQLite file, indexed by the app's own FTS5 triggers; then ~200 queries
 * (email prefixes, last names, company words, references, first + last name) through the real
 * repository (`customerRepository(db).list(merchantId, { limit: 26, query })`), beside the same
 * queries as a naive `LIKE '%word%'` scan over the five searched columns. Both steps run in child
 * processes (bench/search-db.ts), so the memory figure is the search's own.
 */
import { join } from 'node:path';
import { childJson, log, type Row, tempDir } from './harness.ts';

export const name = 'search';

const ROWS = Number(process.env.BENCH_SEARCH_ROWS ?? 1_000_000);
/** The LIKE scan reads the whole table for rare words: only every 7th query (7 is prime to the 5 kinds, so all kinds are sampled), within a time budget. */
const BASELINE_EVERY = 7;
const BASELINE_BUDGET_MS = 20_000;

const child = <T>(args: readonly string[]): Promise<T> => childJson<T>('bench/search-db.ts', args);

interface QueryReport {
  queries: number;
  p50: number;
  p95: number;
  sampleP50: number;
  sampleP95: number;
  naiveQueries: number;
  naiveP50: number;
  naiveP95: number;
  zeroHits: number;
  naiveZeroHits: number;
  pageP50: number;
  pageP95: number;
  rssOpenMb: number;
  rssAfterMb: number;
  byKind: Record<string, { p50: number; p95: number; max: number; meanHits: number }>;
  slowest: { kind: string; ms: number; hits: number; text: string }[];
}

export async function run(): Promise<Row[]> {
  const dir = tempDir(name);
  try {
    const file = join(dir.path, 'search.sqlite');
    log(`building ${ROWS.toLocaleString('en-US')} customers (BENCH_SEARCH_ROWS), then the search loop's indexing…`);
    const { buildMs, indexMs } = await child<{ buildMs: number; indexMs: number }>(['build', file, String(ROWS)]);
    log(`rows in ${(buildMs / 1000).toFixed(1)} s (${Math.round(ROWS / (buildMs / 1000)).toLocaleString('en-US')} rows/s), indexed in ${(indexMs / 1000).toFixed(1)} s (${Math.round(ROWS / (indexMs / 1000)).toLocaleString('en-US')} rows/s, chunks of 500, as a search catching up does)`);
    const q = await child<QueryReport>(['query', file, String(BASELINE_EVERY), String(BASELINE_BUDGET_MS)]);
    for (const [kind, k] of Object.entries(q.byKind)) {
      log(`${kind.padEnd(13)} p50 ${k.p50.toFixed(2)} ms  p95 ${k.p95.toFixed(2)} ms  max ${k.max.toFixed(1)} ms  (${k.meanHits.toFixed(1)} rows on average)`);
    }
    log(`slowest: ${q.slowest.map((s) => `"${s.text}" (${s.kind}) ${s.ms.toFixed(1)} ms`).join(', ')}`);
    log(`LIKE baseline ran ${q.naiveQueries} of ${q.queries} queries (every ${BASELINE_EVERY}th, ≤ ${BASELINE_BUDGET_MS / 1000} s); on those, Porte p50 ${q.sampleP50.toFixed(2)} ms, p95 ${q.sampleP95.toFixed(2)} ms`);
    log(`queries without a result: Porte ${q.zeroHits}/${q.queries}, LIKE ${q.naiveZeroHits}/${q.naiveQueries}`);
    return [
      { metric: `build ${ROWS.toLocaleString('en-US')} customers (rows)`, unit: 's', value: buildMs / 1000, decimals: 1 },
      { metric: 'index them as a search catching up does (chunks of 500)', unit: 's', value: indexMs / 1000, decimals: 1 },
      // Baseline columns: the LIKE scan on its sample of the same queries (see the log for Porte on that sample).
      { metric: `search p50 (${q.queries} queries; base: LIKE, ${q.naiveQueries})`, unit: 'ms', value: q.p50, baseline: q.naiveP50, decimals: 2 },
      { metric: `search p95 (${q.queries} queries; base: LIKE, ${q.naiveQueries})`, unit: 'ms', value: q.p95, baseline: q.naiveP95, target: { on: 'value', atMost: 5 }, decimals: 2 },
      { metric: 'list page, newest first (no query) p50', unit: 'ms', value: q.pageP50, decimals: 2 },
      { metric: 'list page, newest first (no query) p95', unit: 'ms', value: q.pageP95, decimals: 2 },
      // Baseline: the same child right after opening the database, before any query.
      { metric: 'RSS after the queries (base: freshly opened)', unit: 'MB', value: q.rssAfterMb, baseline: q.rssOpenMb, decimals: 0 },
    ];
  } finally {
    dir.dispose();
  }
}
