/**
 * Which search index (issue 13): FTS5 with prefix indexes 1-3 (0009) and 1-8 (0016), each kept by
 * trigger in the customer's own transaction or filled after it by the search loop (0017, Porte
 * today: the insert writes the row alone, and the loop's indexing is timed per row), against FTS5
 * without prefix indexes (`"w"*` queries) and plain B-tree indexes per searched field (`LIKE 'w%'`,
 * NOCASE; field prefixes only, so not the API's semantics), on the same 1,000,000 customers: the
 * cost of one customer INSERT in its own transaction (baseline: the same INSERT without any search
 * index) and the search p95 of the Subscribers queries (target ≤ 5 ms). The
 * databases are built once and cached in test-output/search-index/<migrations hash>-<rows>/ (the
 * first run takes several minutes: 1M rows, then one index build per candidate); each
 * measurement runs on a throwaway copy in a child process (bench/search-index-db.ts).
 */
import { childJson, log, type Row } from './harness.ts';
import { APP_VARIANT, VARIANTS } from './search-index-db.ts';

export const name = 'search-index';

const ROWS = Number(process.env.BENCH_SEARCH_ROWS ?? 1_000_000);
const INSERTS = Number(process.env.BENCH_SEARCH_INSERTS ?? 1000);
const SEARCH_P95_MS = 5;

const child = <T>(args: readonly string[]): Promise<T> => childJson<T>('bench/search-index-db.ts', args);

interface Measured {
  insertP50: number;
  insertMean: number;
  searchP50: number | null;
  searchP95: number | null;
  searchCpuP95: number | null;
  queries: number;
  zero: number;
  byKind: Record<string, number>;
  /** Filled after the write: what the search loop spends per row, in its chunks. */
  indexPerRowUs: number;
}

export async function run(): Promise<Row[]> {
  const started = performance.now();
  const built = await child<Record<string, number>>(['prepare', String(ROWS)]);
  const fresh = Object.keys(built);
  log(fresh.length ? `built ${fresh.join(', ')} in ${((performance.now() - started) / 1000).toFixed(0)} s` : 'all candidates cached');
  const results = new Map<string, Measured>();
  for (const v of VARIANTS) {
    const m = await child<Measured>(['measure', String(ROWS), v.name, String(INSERTS)]);
    results.set(v.name, m);
    // JSON turns NaN (no search for the bare table) into null.
    const f = (x: number | null, d: number) => (x === null ? 'n/a' : x.toFixed(d));
    log(`${v.name.padEnd(20)} insert p50 ${f(m.insertP50, 0)} µs (mean ${f(m.insertMean, 0)}), search p50 ${f(m.searchP50, 2)} ms p95 ${f(m.searchP95, 2)} ms (CPU p95 ${f(m.searchCpuP95, 2)} ms), ${m.zero}/${m.queries} without result; p95 by kind ${Object.entries(m.byKind).map(([k, ms]) => `${k} ${ms.toFixed(1)}`).join(', ')}${v.deferredFrom ? `; the loop's indexing ${m.indexPerRowUs.toFixed(0)} µs/row` : ''}`);
  }
  const none = results.get('none');
  const eligible = VARIANTS.filter((v) => v.sameSemantics && (results.get(v.name)?.searchP95 ?? Number.POSITIVE_INFINITY) <= SEARCH_P95_MS);
  // By the median: the mean follows the machine's stalls more than the index.
  const cheapest = eligible.sort((a, b) => (results.get(a.name)?.insertP50 ?? 0) - (results.get(b.name)?.insertP50 ?? 0))[0];
  // When none holds the target (a loaded machine), the fastest search with the API's semantics stays.
  const fastest = VARIANTS.filter((v) => v.sameSemantics).sort((a, b) => (results.get(a.name)?.searchP95 ?? Number.POSITIVE_INFINITY) - (results.get(b.name)?.searchP95 ?? Number.POSITIVE_INFINITY))[0];
  const best = cheapest ?? fastest;
  log(
    cheapest
      ? `cheapest insert holding search p95 ≤ ${SEARCH_P95_MS} ms with the API's semantics: ${cheapest.name}`
      : `no candidate holds search p95 ≤ ${SEARCH_P95_MS} ms here; the fastest search with the API's semantics: ${fastest?.name ?? 'none'}`,
  );
  const rows: Row[] = [];
  for (const v of VARIANTS) {
    if (v.name === 'none') continue;
    const m = results.get(v.name);
    if (!m) continue;
    rows.push(
      { metric: `${v.what}${v.name === APP_VARIANT ? ' ← Porte' : ''}${v.name === best?.name ? ' ← best here' : ''}: insert p50 (base: no index)`, unit: 'µs', value: m.insertP50, baseline: none?.insertP50 },
      { metric: `  ${v.name}: insert mean (base: no index)`, unit: 'µs', value: m.insertMean, baseline: none?.insertMean },
      ...(v.deferredFrom
        ? [
            { metric: `  ${v.name}: the search loop's indexing, per row (chunks of 100)`, unit: 'µs', value: m.indexPerRowUs },
            { metric: `  ${v.name}: insert p50 + indexing per row (base: ${v.deferredFrom} insert p50)`, unit: 'µs', value: m.insertP50 + m.indexPerRowUs, baseline: results.get(v.deferredFrom)?.insertP50 },
          ]
        : []),
      { metric: `  ${v.name}: search p95 (${m.queries} queries${v.sameSemantics ? '' : '; field prefixes only'})`, unit: 'ms', value: m.searchP95 ?? Number.NaN, target: { on: 'value', atMost: SEARCH_P95_MS }, decimals: 2 },
      { metric: `  ${v.name}: search p50`, unit: 'ms', value: m.searchP50 ?? Number.NaN, decimals: 2 },
      { metric: `  ${v.name}: search p95 in CPU time (the wall clock minus other processes' share)`, unit: 'ms', value: m.searchCpuP95 ?? Number.NaN, decimals: 2 },
      ...(built[v.name] !== undefined ? [{ metric: `  ${v.name}: index build on ${ROWS.toLocaleString('en-US')} rows`, unit: 's', value: (built[v.name] ?? 0) / 1000, decimals: 1 }] : []),
    );
  }
  return rows;
}
