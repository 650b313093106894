import BetterSqlite3 from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { betterSqliteDatabase } from '../../server/db/better-sqlite3.ts';
import { migrateNode } from '../../server/db/migrate-node.ts';
import { migrationsDir } from '../harness/node.ts';
import { workerdHarness } from '../harness/workerd.ts';

// A database made by the previous release (migrations up to 0009) must come through
// the upgrade with every row, its keys still working and its merchant now the test environment
// of an account. Both runtimes, each with its own migration runner (ours, wrangler's).
const root = fileURLToPath(new URL('../..', import.meta.url));
const ACCOUNTS = '0013_accounts.sql';
const PREVIOUS_RELEASE = '0009_search_prefix_index.sql';
const before = readdirSync(migrationsDir).filter((f) => f.endsWith('.sql') && f <= PREVIOUS_RELEASE).sort();

const SECRET = `porte_sk_test_${'S'.repeat(32)}`;
const PUBLISHABLE = `porte_pk_test_${'P'.repeat(32)}`;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const T = '2026-01-01T00:00:00.000Z';
const MER = 'mer_demo00000000000000';

/**
 * The search index rebuilt by 0016 (prefixes up to 8) and handed to the search loop by 0017: the old
 * customers are found (by a 4-letter prefix too), an old one changed is found by its new email only,
 * and one created after the migration is found at once.
 */
async function expectSearchWorks(request: (path: string, init?: RequestInit) => Response | Promise<Response>): Promise<void> {
  const headers = { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' };
  const search = async (q: string) => {
    const res = await request(`/v1/customers?limit=10&query=${encodeURIComponent(q)}`, { headers });
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: { email: string }[] }).data.map((c) => c.email).sort();
  };
  expect(await search('two')).toEqual(['two@example.com']);
  expect(await search('exam')).toEqual(['one@example.com', 'three@example.com', 'two@example.com']);
  expect((await request('/v1/customers/cus_1', { method: 'PATCH', headers, body: JSON.stringify({ email: 'uno@example.org' }) })).status).toBe(200);
  expect(await search('one@example.com')).toEqual([]);
  expect(await search('uno')).toEqual(['uno@example.org']);
  expect((await request('/v1/customers', { method: 'POST', headers, body: JSON.stringify({ email: 'four@example.net' }) })).status).toBe(201);
  expect(await search('four')).toEqual(['four@example.net']);
}

/** Rows as the old schema wrote them: the demo merchant, its keys, owner, customers, an offer. */
const fixture = `
INSERT INTO merchants (id, slug, name, mode, allowed_origins, embed_secret, created_at)
  VALUES ('${MER}', 'demo', 'Demo Shop', 'test', '["http://localhost:*"]', 'porte_es_x', '${T}');
INSERT INTO api_keys (id, merchant_id, kind, token, token_hash, hint, created_at) VALUES
  ('key_1', '${MER}', 'publishable', '${PUBLISHABLE}', '${sha(PUBLISHABLE)}', 'porte_pk_test_…PPPP', '${T}'),
  ('key_2', '${MER}', 'secret', NULL, '${sha(SECRET)}', 'porte_sk_test_…SSSS', '${T}');
INSERT INTO users (id, merchant_id, email, password_hash, role, created_at)
  VALUES ('usr_1', '${MER}', 'owner@demo.porte.test', 'x', 'owner', '${T}');
INSERT INTO customers (id, merchant_id, reference, email, created_at, updated_at) VALUES
  ('cus_1', '${MER}', 'r1', 'one@example.com', '${T}', '${T}'),
  ('cus_2', '${MER}', 'r2', 'two@example.com', '${T}', '${T}'),
  ('cus_3', '${MER}', 'r3', 'three@example.com', '${T}', '${T}');
INSERT INTO offers (id, merchant_id, reference, name, currency, recurring_amount, recurring_interval, created_at, updated_at)
  VALUES ('off_1', '${MER}', 'pro-monthly', 'Pro', 'EUR', 2900, 'month', '${T}', '${T}');
INSERT INTO events (id, merchant_id, type, data, created_at) VALUES ('evt_1', '${MER}', 'customer.created', '{}', '${T}');
`;

/** Row counts of every table the old schema had (FTS shadow tables and bookkeeping aside). */
const COUNT_SQL = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
  AND name NOT LIKE '%fts%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'
  AND name <> 'admin_login_attempts' ORDER BY name`; // (login-throttle rows, transient: 0012 replaces the table on purpose)

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('migrating a database from the schema before accounts', () => {
  it('Node: keeps every row, the keys work, the merchant is the test environment of its account', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'porte-migrate-'));
    dirs.push(dir);
    const old = join(dir, 'old-migrations');
    mkdirSync(old);
    for (const f of before) copyFileSync(join(migrationsDir, f), join(old, f));
    const sqlite = new BetterSqlite3(join(dir, 'porte.sqlite'));
    sqlite.pragma('foreign_keys = ON');
    migrateNode(sqlite, old);
    sqlite.exec(fixture);
    const tables = (sqlite.prepare(COUNT_SQL).all() as { name: string }[]).map((r) => r.name);
    const counts = (db: BetterSqlite3.Database) =>
      Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]));
    const beforeCounts = counts(sqlite);

    expect(migrateNode(sqlite, migrationsDir)).toContain(ACCOUNTS);
    // Every old row kept; the one row added is the email fan-out's cursor (0018), which starts after
    // the existing events so an upgrade mails nothing old.
    expect(counts(sqlite)).toEqual({ ...beforeCounts, outbox_cursor: (beforeCounts.outbox_cursor ?? 0) + 1 });
    const merchant = sqlite.prepare('SELECT m.mode, a.name FROM merchants m JOIN accounts a ON a.id = m.account_id WHERE m.id = ?').get(MER);
    expect(merchant).toEqual({ mode: 'test', name: 'Demo Shop' });

    const app = createApp({ db: betterSqliteDatabase(sqlite), clock: () => new Date(), config: { publicUrl: 'http://porte.test' } });
    const res = await app.request('/v1/customers?limit=10', { headers: { Authorization: `Bearer ${SECRET}` } });
    expect(res.status).toBe(200);
    const emails = ((await res.json()) as { data: { email: string }[] }).data.map((c) => c.email).sort();
    expect(emails).toEqual(['one@example.com', 'three@example.com', 'two@example.com']);
    await expectSearchWorks((path, init) => app.request(path, init));
    sqlite.close();
  });

  it('workerd: wrangler applies the new migrations to an old local D1 and nothing is lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'porte-migrate-d1-'));
    dirs.push(dir);
    const project = join(dir, 'project');
    mkdirSync(join(project, 'migrations'), { recursive: true });
    for (const f of before) copyFileSync(join(migrationsDir, f), join(project, 'migrations', f));
    copyFileSync(join(root, 'wrangler.toml'), join(project, 'wrangler.toml'));
    const persist = join(dir, 'd1');
    execFileSync(join(root, 'node_modules/.bin/wrangler'), ['d1', 'migrations', 'apply', 'porte', '--local', '--persist-to', persist, '--config', join(project, 'wrangler.toml')], {
      cwd: project,
      stdio: 'pipe',
      env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    });
    // The old database, filled through D1 itself (no worker code from the new schema touches it).
    const old = await workerdHarness({ persistDir: persist, migrate: false });
    let tables: string[];
    let oldCounts: Record<string, number>[];
    let countQuery: string;
    try {
      for (const statement of fixture.split(';\n').map((s) => s.trim()).filter(Boolean)) await old.query(statement);
      tables = (await old.query<{ name: string }>(COUNT_SQL)).map((r) => r.name);
      // One row of scalar subqueries: D1 refuses long compound SELECTs.
      countQuery = `SELECT ${tables.map((t) => `(SELECT COUNT(*) FROM ${t}) AS ${t}`).join(', ')}`;
      oldCounts = await old.query<Record<string, number>>(countQuery);
    } finally {
      await old.close();
    }
    expect(oldCounts[0]?.customers).toBe(3);

    // The harness applies the repository's migrations with wrangler, as `npm run deploy` would.
    const h = await workerdHarness({ persistDir: persist });
    try {
      const newCounts = await h.query<Record<string, number>>(countQuery);
      const expected = oldCounts.map((row) => ({ ...row, outbox_cursor: (row.outbox_cursor ?? 0) + 1 }));
      expect(newCounts).toEqual(expected);
      expect(await h.query(`SELECT m.mode, a.name FROM merchants m JOIN accounts a ON a.id = m.account_id WHERE m.id = '${MER}'`)).toEqual([{ mode: 'test', name: 'Demo Shop' }]);
      const res = await h.request('/v1/customers?limit=10', { headers: { Authorization: `Bearer ${SECRET}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(3);
      await expectSearchWorks((path, init) => h.request(path, init));
    } finally {
      await h.close();
    }
  }, 240_000);
});
