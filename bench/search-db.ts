/**
 * The child process of bench/search.bench.ts (a separate process so its RSS is the search's own,
 * not the runner's). Two modes, each printing one JSON line on stdout:
 *
 *   tsx bench/search-db.ts build <file> <rows>   migrated SQLite file + <rows> customers of one
 *                                                merchant, then indexed by the search loop's own
 *                                                code (server/customers/search-index.ts)
 *   tsx bench/search-db.ts query <file>          the Subscribers search through the real repository,
 *                                                and the same queries as a naive LIKE scan
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { customerRepository } from '../server/customers/repository.ts';
import { catchUpSearchIndex } from '../server/customers/search-index.ts';
import { betterSqliteDatabase, openSqlite } from '../server/db/better-sqlite3.ts';
import { migrateNode } from '../server/db/migrate-node.ts';
import { repoRoot } from './harness.ts';

export const MERCHANT_ID = 'mer_bench0000000000000000';

// Small word lists: the frequencies of a real customer base (a few very common names, many rare
// combinations), without shipping a data set.
const FIRST = ['Jean', 'Marie', 'Pierre', 'Camille', 'Louis', 'Léa', 'Hugo', 'Chloé', 'Lucas', 'Manon', 'Nathan', 'Emma', 'Thomas', 'Inès', 'Julien', 'Sarah', 'Nicolas', 'Julie', 'Antoine', 'Laura', 'Maxime', 'Pauline', 'Alexandre', 'Claire', 'Romain', 'Anaïs', 'Mathieu', 'Élodie', 'Olivier', 'Sophie', 'David', 'Anna', 'James', 'Emily', 'Oliver', 'Charlotte', 'William', 'Amelia', 'Noah', 'Olivia', 'Liam', 'Mia', 'Ethan', 'Grace', 'Daniel', 'Ava', 'Samuel', 'Lily', 'Henry', 'Zoé'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Lefèvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin', 'Mathieu', 'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Taylor', 'Anderson', 'Clarke', 'Walker', 'Wright', 'Hughes', 'Edwards', 'Green', 'Hall', 'Wood', 'Harris', 'Lewis', 'Baker', 'Cooper', 'Hill', 'Ward', 'Morris', 'King', 'Turner', 'Parker', 'Evans', 'Young'];
const COMPANY_A = ['Atelier', 'Boulangerie', 'Cabinet', 'Studio', 'Garage', 'Pharmacie', 'Librairie', 'Agence', 'Maison', 'Ferme', 'Brasserie', 'Fromagerie', 'Imprimerie', 'Menuiserie', 'Clinique', 'Northwind', 'Blue', 'Green', 'Bright', 'Silver', 'Acme', 'Summit', 'Harbor', 'Pioneer', 'Nova'];
const COMPANY_B = ['du Port', 'des Lilas', 'Saint-Michel', 'de la Gare', 'du Centre', 'Lumière', 'Horizon', 'Étoile', 'Soleil', 'Rivière', 'Labs', 'Systems', 'Digital', 'Consulting', 'Logistics', 'Design', 'Foods', 'Partners', 'Works', 'Solutions'];
const COMPANY_SUFFIX = ['', '', ' SARL', ' SAS', ' & Fils', ' Ltd', ' GmbH', ' Inc'];
const DOMAINS = ['gmail.com', 'yahoo.fr', 'orange.fr', 'free.fr', 'outlook.com', 'hotmail.fr', 'laposte.net', 'proton.me', 'icloud.com', 'sfr.fr'];

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** server/lib/ids.ts `randomToken`'s alphabet and length, from the seeded generator (a million WebCrypto calls cost seconds). */
const token = (r: () => number, length: number): string => {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(r() * 62)];
  return out;
};
/** server/lib/ids.ts `newId('cus')` for a given creation time: 8 base62 characters of time + 12 random. */
function idAt(r: () => number, ms: number): string {
  let t = Math.floor(ms);
  let time = '';
  for (let i = 0; i < 8; i++) {
    time = ALPHABET[t % 62] + time;
    t = Math.floor(t / 62);
  }
  return `cus_${time}${token(r, 12)}`;
}

/** Deterministic (seeded) so every run searches the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
const ascii = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9-]/g, '');

/** <rows> customers; `index`: then indexed as the search loop does (its time is reported apart). */
export async function build(file: string, rows: number, index = false): Promise<{ buildMs: number; indexMs: number }> {
  const sqlite = openSqlite(file);
  migrateNode(sqlite, join(repoRoot, 'migrations'));
  // Bulk load: no fsync (a crash only loses the throwaway file) and room for FTS5's segment merges.
  // The queries later reopen the file with the app's own settings (openSqlite).
  sqlite.pragma('journal_mode = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144');
  const now = new Date().toISOString();
  sqlite
    .prepare('INSERT INTO merchants (id, slug, name, mode, allowed_origins, embed_secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(MERCHANT_ID, 'bench', 'Bench Shop', 'test', '[]', randomBytes(16).toString('hex'), now);
  // The column list of customerRepository.insert, with the defaults the service writes.
  const insert = sqlite.prepare(
    `INSERT INTO customers (reference, email, first_name, last_name, company, language, billing_address,
       auto_billing, payment_method, grey_listed, status, metadata, link_version, updated_at, id, merchant_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 0, '{"type":"none"}', 0, 'active', '{}', 1, ?, ?, ?, ?)`,
  );
  const r = rng(42);
  // Created over the last three years, oldest first (seq order = time order, as in production).
  const end = Date.now();
  const start = end - 3 * 365 * 24 * 3600 * 1000;
  const step = (end - start) / rows;
  const CHUNK = 50_000;
  const started = performance.now();
  const insertChunk = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const first = pick(r, FIRST);
      const last = pick(r, LAST);
      const company = r() < 0.4 ? `${pick(r, COMPANY_A)} ${pick(r, COMPANY_B)}${pick(r, COMPANY_SUFFIX)}` : null;
      const n = Math.floor(r() * 1000);
      const local = r() < 0.7 ? `${ascii(first)}.${ascii(last)}${r() < 0.5 ? n : ''}` : `${ascii(first)[0]}${ascii(last)}${n}`;
      const email = `${local}@${pick(r, DOMAINS)}`;
      const at = new Date(start + i * step).toISOString();
      const address = JSON.stringify({ line1: `${1 + Math.floor(r() * 200)} rue ${pick(r, LAST)}`, postal_code: String(10000 + Math.floor(r() * 85000)), city: 'Paris', country: 'FR' });
      insert.run(`REF-${token(r, 10).toUpperCase()}`, email, first, last, company, r() < 0.7 ? 'fr' : 'en', address, at, idAt(r, start + i * step), MERCHANT_ID, at);
    }
  });
  for (let from = 0; from < rows; from += CHUNK) insertChunk(from, Math.min(rows, from + CHUNK));
  const buildMs = performance.now() - started;
  const indexed = performance.now();
  if (index) await catchUpSearchIndex(betterSqliteDatabase(sqlite));
  const indexMs = index ? performance.now() - indexed : 0;
  sqlite.pragma('journal_mode = WAL');
  sqlite.close();
  return { buildMs, indexMs };
}

export interface Query {
  readonly kind: string;
  readonly text: string;
}

/** ~200 queries, interleaved by kind, drawn from the data itself so most of them find someone. */
export function queries(sqlite: ReturnType<typeof openSqlite>): Query[] {
  const r = rng(7);
  const max = (sqlite.prepare('SELECT MAX(seq) AS n FROM customers').get() as { n: number }).n;
  const sample = (): { email: string; first_name: string; last_name: string; company: string | null; reference: string } => {
    for (;;) {
      const row = sqlite.prepare('SELECT email, first_name, last_name, company, reference FROM customers WHERE seq = ?').get(1 + Math.floor(r() * max));
      if (row) return row as never;
    }
  };
  const out: Query[] = [];
  for (let i = 0; i < 40; i++) {
    const c = sample();
    const email = c.email;
    out.push({ kind: 'email prefix', text: email.slice(0, 4 + Math.floor(r() * Math.min(10, email.indexOf('@') - 3))) });
    out.push({ kind: 'last name', text: i % 2 === 0 ? c.last_name : c.last_name.slice(0, 3 + Math.floor(r() * 3)) });
    const company = c.company ?? sample().company ?? 'Atelier du Port';
    const words = company.split(' ');
    out.push({ kind: 'company word', text: pick(r, words.filter((w) => w.length > 2)) ?? words[0] ?? 'Atelier' });
    out.push({ kind: 'reference', text: i % 2 === 0 ? c.reference : c.reference.slice(0, 8) });
    out.push({ kind: 'two words', text: i % 2 === 0 ? `${c.first_name} ${c.last_name}` : `${c.first_name} ${c.last_name.slice(0, 3)}` });
  }
  return out;
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN);
};

async function query(file: string, baselineEvery: number, baselineBudgetMs: number): Promise<void> {
  const sqlite = openSqlite(file);
  const rssOpen = process.memoryUsage().rss;
  const db = betterSqliteDatabase(sqlite);
  const repo = customerRepository(db);
  const list = queries(sqlite);

  // Warm-up: the first query of a kind pays for the statement and the first index pages.
  for (const q of list.slice(0, 10)) await repo.list(MERCHANT_ID, { limit: 26, query: q.text });

  const porte: { kind: string; ms: number; hits: number }[] = [];
  for (const q of list) {
    const t = performance.now();
    const rows = await repo.list(MERCHANT_ID, { limit: 26, query: q.text });
    porte.push({ kind: q.kind, ms: performance.now() - t, hits: rows.length });
  }
  const pages: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await repo.list(MERCHANT_ID, { limit: 26 });
    pages.push(performance.now() - t);
  }
  const rssAfter = process.memoryUsage().rss;

  // Baseline: what a search without the index costs, every word in any of the five fields.
  // A full scan is ~100× slower, so only every `baselineEvery`-th query (the list is interleaved
  // by kind, so the sample keeps the mix) and no more than `baselineBudgetMs` in all.
  const fields = ['email', 'first_name', 'last_name', 'company', 'reference'];
  const like = (words: number) =>
    sqlite.prepare(
      `SELECT * FROM customers WHERE merchant_id = ? ${Array.from({ length: words }, () => `AND (${fields.map((f) => `${f} LIKE ?`).join(' OR ')})`).join(' ')} ORDER BY seq DESC LIMIT 26`,
    );
  const naive: { kind: string; ms: number; hits: number; porteMs: number }[] = [];
  const baselineStarted = performance.now();
  for (let i = 0; i < list.length; i += baselineEvery) {
    if (performance.now() - baselineStarted > baselineBudgetMs) break;
    const q = list[i] as Query;
    const words = q.text.split(/\s+/).filter(Boolean);
    const params = words.flatMap((w) => fields.map(() => `%${w}%`));
    const t = performance.now();
    const rows = like(words.length).all(MERCHANT_ID, ...params);
    naive.push({ kind: q.kind, ms: performance.now() - t, hits: rows.length, porteMs: porte[i]?.ms ?? Number.NaN });
  }
  sqlite.close();

  const byKind: Record<string, { p50: number; p95: number; max: number; meanHits: number }> = {};
  for (const kind of new Set(porte.map((p) => p.kind))) {
    const of = porte.filter((p) => p.kind === kind);
    byKind[kind] = { p50: percentile(of.map((p) => p.ms), 0.5), p95: percentile(of.map((p) => p.ms), 0.95), max: Math.max(...of.map((p) => p.ms)), meanHits: of.reduce((s, p) => s + p.hits, 0) / of.length };
  }
  const slowest = [...porte.map((p, i) => ({ ...p, text: list[i]?.text }))].sort((a, b) => b.ms - a.ms).slice(0, 5);
  console.log(
    JSON.stringify({
      queries: porte.length,
      p50: percentile(porte.map((p) => p.ms), 0.5),
      p95: percentile(porte.map((p) => p.ms), 0.95),
      // The same percentiles over the subset the baseline ran, for a like-for-like ratio.
      sampleP50: percentile(naive.map((n) => n.porteMs), 0.5),
      sampleP95: percentile(naive.map((n) => n.porteMs), 0.95),
      naiveQueries: naive.length,
      naiveP50: percentile(naive.map((n) => n.ms), 0.5),
      naiveP95: percentile(naive.map((n) => n.ms), 0.95),
      zeroHits: porte.filter((p) => p.hits === 0).length,
      // The naive scan finds substrings the index does not (and the reverse for accents): counted, not compared row by row.
      naiveZeroHits: naive.filter((n) => n.hits === 0).length,
      pageP50: percentile(pages, 0.5),
      pageP95: percentile(pages, 0.95),
      rssOpenMb: rssOpen / 2 ** 20,
      rssAfterMb: rssAfter / 2 ** 20,
      byKind,
      slowest,
    }),
  );
}

// Imported by bench/search-index-db.ts for its generator and queries: only run as a script.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [mode, file, arg] = process.argv.slice(2);
  if (mode === 'build' && file) console.log(JSON.stringify(await build(file, Number(arg ?? 1_000_000), true)));
  else if (mode === 'query' && file) await query(file, Number(arg ?? 5), Number(process.argv[5] ?? 20_000));
  else throw new Error('usage: search-db.ts build <file> <rows> | query <file> [baselineEvery] [baselineBudgetMs]');
}
