/**
 * The child of bench/search-index.bench.ts: the same 1,000,000 customers (bench/search-db.ts's
 * generator) under each candidate search index, cached in test-output/search-index/<key>/ (key:
 * the migrations' hash and the row count), then per candidate on a throwaway copy: the cost of
 * one customer INSERT in its own transaction (as the API commits them) and the search latency of
 * the Subscribers queries. Prints one JSON line.
 *
 *   tsx bench/search-index-db.ts prepare <rows>                    builds what the cache lacks
 *   tsx bench/search-index-db.ts measure <rows> <variant> <inserts>
 */
import type BetterSqlite3 from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ftsQuery } from '../server/customers/repository.ts';
import { catchUpSearchIndex, SEARCH_LOOP } from '../server/customers/search-index.ts';
import { betterSqliteDatabase, openSqlite } from '../server/db/better-sqlite3.ts';
import { repoRoot } from './harness.ts';
import { build, MERCHANT_ID, type Query, queries } from './search-db.ts';

const FIELDS = ['email', 'first_name', 'last_name', 'company', 'reference'] as const;
const FTS_TRIGGERS = `
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
  INSERT INTO customers_fts (rowid, email, first_name, last_name, company, reference)
  VALUES (new.seq, new.email, new.first_name, new.last_name, new.company, new.reference);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
  INSERT INTO customers_fts (customers_fts, rowid, email, first_name, last_name, company, reference)
  VALUES ('delete', old.seq, old.email, old.first_name, old.last_name, old.company, old.reference);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF email, first_name, last_name, company, reference ON customers BEGIN
  INSERT INTO customers_fts (customers_fts, rowid, email, first_name, last_name, company, reference)
  VALUES ('delete', old.seq, old.email, old.first_name, old.last_name, old.company, old.reference);
  INSERT INTO customers_fts (rowid, email, first_name, last_name, company, reference)
  VALUES (new.seq, new.email, new.first_name, new.last_name, new.company, new.reference);
END;`;
const fts = (options: string) => `
CREATE VIRTUAL TABLE customers_fts USING fts5 (email, first_name, last_name, company, reference,
  content = 'customers', content_rowid = 'seq'${options});
INSERT INTO customers_fts (customers_fts) VALUES ('rebuild');
${FTS_TRIGGERS}`;

/** SQL to search `words` (all must match, the last as a prefix) newest first, and its parameters. */
type Search = (words: string[], limit: number) => { sql: string; params: (string | number)[] };

const ftsSearch: Search = (words, limit) => ({
  sql: 'SELECT c.* FROM customers_fts f JOIN customers c ON c.seq = f.rowid WHERE customers_fts MATCH ? AND c.merchant_id = ? ORDER BY f.rowid DESC LIMIT ?',
  params: [ftsQuery(words.join(' ')) ?? '""', MERCHANT_ID, limit],
});

export interface Variant {
  readonly name: string;
  readonly what: string;
  /** DDL applied to the table without any search index. */
  readonly ddl: string;
  readonly search: Search;
  /** False when the results differ from the API's (token prefixes in any field). */
  readonly sameSemantics: boolean;
  /**
   * Filled after the write (migration 0017): starts from this candidate's cached file with 0017
   * applied on the copy, so the INSERT writes the row alone and the measure then times the search
   * loop's catch-up of those rows (server/customers/search-index.ts), per row.
   */
  readonly deferredFrom?: string;
}

/** The candidate the migrations build today (the others are what they are measured against). */
export const APP_VARIANT = 'fts-prefix8-deferred';

/** Porte's own schema on a copy of a cached candidate (api-memory serves it). */
export function applyDeferred(db: BetterSqlite3.Database): void {
  db.exec(readFileSync(join(repoRoot, 'migrations', '0017_search_deferred.sql'), 'utf8'));
}

/** The cached file a candidate is measured on. */
export const sourceOf = (name: string): string => VARIANTS.find((v) => v.name === name)?.deferredFrom ?? name;

export const VARIANTS: readonly Variant[] = [
  { name: 'none', what: 'no search index (the row alone)', ddl: '', search: ftsSearch, sameSemantics: false },
  { name: 'fts-prefix', what: "FTS5, prefix = '1 2 3' (0009)", ddl: fts(", prefix = '1 2 3'"), search: ftsSearch, sameSemantics: true },
  { name: 'fts-prefix-deferred', what: "FTS5, prefix = '1 2 3', filled by the search loop", ddl: '', search: ftsSearch, sameSemantics: true, deferredFrom: 'fts-prefix' },
  { name: 'fts-prefix8', what: "FTS5, prefix = '1 2 3 4 5 6 7 8' (0016)", ddl: fts(", prefix = '1 2 3 4 5 6 7 8'"), search: ftsSearch, sameSemantics: true },
  {
    name: 'fts-prefix8-deferred',
    what: "FTS5, prefix = '1 2 3 4 5 6 7 8', filled by the search loop (0016 + 0017, today)",
    ddl: '',
    search: ftsSearch,
    sameSemantics: true,
    deferredFrom: 'fts-prefix8',
  },
  { name: 'fts-plain', what: 'FTS5 without prefix indexes, "w"* queries', ddl: fts(''), search: ftsSearch, sameSemantics: true },
  {
    name: 'btree-nocase',
    what: "B-tree (merchant_id, field COLLATE NOCASE) × 5, LIKE 'w%'",
    ddl: FIELDS.map((f) => `CREATE INDEX customers_search_${f} ON customers (merchant_id, ${f} COLLATE NOCASE);`).join('\n'),
    // Field prefixes only: 'newmail' no longer finds j.dupont@newmail.example, nor 'SA' "Radium SARL".
    search: (words, limit) => ({
      sql: `SELECT * FROM customers WHERE merchant_id = ? ${words.map(() => `AND (${FIELDS.map((f) => `${f} LIKE ?`).join(' OR ')})`).join(' ')} ORDER BY seq DESC LIMIT ?`,
      params: [MERCHANT_ID, ...words.flatMap((w) => FIELDS.map(() => `${w.replace(/[%_]/g, '')}%`)), limit],
    }),
    sameSemantics: false,
  },
];

const migrationsHash = (): string => {
  const hash = createHash('sha256');
  const dir = join(repoRoot, 'migrations');
  for (const name of readdirSync(dir).sort()) hash.update(name).update(readFileSync(join(dir, name)));
  hash.update(readFileSync(join(repoRoot, 'bench', 'search-db.ts')));
  return hash.digest('hex').slice(0, 12);
};

export const cacheDir = (rows: number): string => join(repoRoot, 'test-output', 'search-index', `${migrationsHash()}-${rows}`);

/** Removes whatever search index the migrations made, leaving the customers table bare. */
function strip(db: BetterSqlite3.Database): void {
  for (const t of ['customers_fts_insert', 'customers_fts_delete', 'customers_fts_update']) db.exec(`DROP TRIGGER IF EXISTS ${t}`);
  db.exec('DROP TABLE IF EXISTS customers_fts');
  // 0017's watermark: the candidates below index by trigger; applyDeferred makes it again.
  db.exec('DROP TABLE IF EXISTS search_index_state');
  const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' AND name LIKE 'customers_search%'").all() as { name: string }[];
  for (const { name } of indexes) db.exec(`DROP INDEX ${name}`);
  // Porte's own search tables, if a migration added any (a terms table, a queue).
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'customer_search%'").all() as { name: string }[];
  for (const { name } of tables) db.exec(`DROP TABLE ${name}`);
  const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'customers' AND name LIKE 'customers_search%'").all() as { name: string }[];
  for (const { name } of triggers) db.exec(`DROP TRIGGER ${name}`);
}

async function prepare(rows: number): Promise<Record<string, number>> {
  const dir = cacheDir(rows);
  mkdirSync(dir, { recursive: true });
  const buildMs: Record<string, number> = {};
  const base = join(dir, 'none.sqlite');
  if (!existsSync(base)) {
    const tmp = `${base}.building`;
    rmSync(tmp, { force: true });
    buildMs.rows = (await build(tmp, rows)).buildMs;
    const db = openSqlite(tmp);
    strip(db);
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    renameSync(tmp, base);
  }
  for (const v of VARIANTS) {
    if (v.deferredFrom) continue;
    const file = join(dir, `${v.name}.sqlite`);
    if (existsSync(file)) continue;
    const tmp = `${file}.building`;
    copyFileSync(base, tmp);
    const db = openSqlite(tmp);
    db.pragma('cache_size = -262144');
    const started = performance.now();
    db.exec(v.ddl);
    buildMs[v.name] = performance.now() - started;
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    renameSync(tmp, file);
  }
  return buildMs;
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN);
};

async function measure(rows: number, name: string, inserts: number) {
  const variant = VARIANTS.find((v) => v.name === name);
  if (!variant) throw new Error(`no variant ${name}`);
  const work = join(tmpdir(), `porte-bench-search-index-${process.pid}.sqlite`);
  copyFileSync(join(cacheDir(rows), `${sourceOf(name)}.sqlite`), work);
  try {
    const db = openSqlite(work);
    if (variant.deferredFrom) applyDeferred(db);
    // The app's settings (openSqlite, and server/entry/node.ts checkpoints off the request path);
    // Porte runs with SQLite's default page cache too.
    db.pragma('wal_autocheckpoint = 0');
    const insert = db.prepare(
      `INSERT INTO customers (reference, email, first_name, last_name, company, language, billing_address,
         auto_billing, payment_method, grey_listed, status, metadata, link_version, updated_at, id, merchant_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, '{"type":"none"}', 0, 'active', '{}', 1, ?, ?, ?, ?)`,
    );
    const one = db.transaction((i: number) => {
      const now = new Date().toISOString();
      insert.run(`REF-NEW${String(i).padStart(7, '0')}`, `new.customer${i}@example.test`, 'Jeanne', 'Dupont', i % 3 === 0 ? 'Atelier du Port SARL' : null, 'fr',
        '{"line1":"12 rue de la Paix","postal_code":"75002","city":"Paris","country":"FR"}', now, `cus_new${String(i).padStart(13, '0')}`, MERCHANT_ID, now);
    });
    // Warm-up, then one transaction per customer, as POST /v1/customers commits them.
    for (let i = 0; i < 50; i++) one(i);
    const insertUs: number[] = [];
    for (let i = 50; i < 50 + inserts; i++) {
      const t = performance.now();
      one(i);
      insertUs.push((performance.now() - t) * 1000);
    }
    if (name === 'none') {
      db.close();
      return { insertP50: percentile(insertUs, 0.5), insertMean: insertUs.reduce((a, b) => a + b, 0) / insertUs.length, searchP50: Number.NaN, searchP95: Number.NaN, searchCpuP95: Number.NaN, queries: 0, zero: 0, byKind: {}, indexPerRowUs: 0 };
    }
    // What the search loop then spends on those rows, in its chunks (the real code, on this copy).
    let indexPerRowUs = 0;
    if (variant.deferredFrom) {
      const t = performance.now();
      const indexed = await catchUpSearchIndex(betterSqliteDatabase(db), { chunk: SEARCH_LOOP.chunk });
      if (indexed !== inserts + 50) throw new Error(`the catch-up indexed ${indexed} rows, not ${inserts + 50}`);
      indexPerRowUs = ((performance.now() - t) * 1000) / indexed;
    }
    const list: Query[] = queries(db);
    const stmts = new Map<string, BetterSqlite3.Statement>();
    const run = (q: Query) => {
      const words = q.text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
      const s = variant.search(words, 26);
      let stmt = stmts.get(s.sql);
      if (!stmt) {
        stmt = db.prepare(s.sql);
        stmts.set(s.sql, stmt);
      }
      return stmt.all(...s.params).length;
    };
    for (const q of list.slice(0, 10)) run(q);
    const searchMs: number[] = [];
    // CPU time too: on a shared machine the wall clock also counts the other processes.
    const searchCpuMs: number[] = [];
    const byKind: Record<string, number[]> = {};
    let zero = 0;
    for (const q of list) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const hits = run(q);
      const ms = performance.now() - t;
      const used = process.cpuUsage(cpu);
      searchMs.push(ms);
      searchCpuMs.push((used.user + used.system) / 1000);
      const of = byKind[q.kind] ?? [];
      of.push(ms);
      byKind[q.kind] = of;
      if (hits === 0) zero++;
    }
    db.close();
    return {
      insertP50: percentile(insertUs, 0.5),
      insertMean: insertUs.reduce((a, b) => a + b, 0) / insertUs.length,
      searchP50: percentile(searchMs, 0.5),
      searchP95: percentile(searchMs, 0.95),
      searchCpuP95: percentile(searchCpuMs, 0.95),
      queries: list.length,
      zero,
      byKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, percentile(v, 0.95)])),
      indexPerRowUs,
    };
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${work}${suffix}`, { force: true });
  }
}

// The bench module imports VARIANTS: only run as a script.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [mode, rowsArg, name, insertsArg] = process.argv.slice(2);
  const rows = Number(rowsArg ?? 1_000_000);
  if (mode === 'prepare') console.log(JSON.stringify(await prepare(rows)));
  else if (mode === 'measure' && name) console.log(JSON.stringify(await measure(rows, name, Number(insertsArg ?? 1000))));
  else throw new Error('usage: search-index-db.ts prepare <rows> | measure <rows> <variant> <inserts>');
}
