import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openSqlite } from '../../server/db/better-sqlite3.ts';
import { migrateNode } from '../../server/db/migrate-node.ts';
import { migrationsDir } from '../harness/node.ts';

const dir = mkdtempSync(join(tmpdir(), 'porte-mig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('the billing migration keeps every subscription of the previous schema, with its period anchor', () => {
  // The schema as it was before billing: every migration below 0014.
  const before = join(dir, 'before');
  mkdirSync(before);
  for (const f of readdirSync(migrationsDir).filter((f) => f.endsWith('.sql') && f < '0014')) copyFileSync(join(migrationsDir, f), join(before, f));
  const db = openSqlite(join(dir, 'porte.sqlite'));
  migrateNode(db, before);
  db.prepare("INSERT INTO merchants (id, slug, name, mode, embed_secret, created_at) VALUES ('mer_1', 'shop', 'Shop', 'test', 'x', '2026-01-01T00:00:00.000Z')").run();
  const insert = db.prepare(
    `INSERT INTO subscriptions (id, merchant_id, customer_id, offer_id, status, current_period_start, current_period_end, trial_end,
       cancel_at_period_end, checkout_session_id, created_at, updated_at) VALUES (?, 'mer_1', 'cus_1', 'off_1', ?, ?, ?, ?, ?, ?, '2026-01-31T10:00:00.000Z', '2026-01-31T10:00:00.000Z')`,
  );
  insert.run('sub_active', 'active', '2026-01-31T10:00:00.000Z', '2026-02-28T10:00:00.000Z', null, 1, 'cs_1');
  insert.run('sub_trial', 'trialing', '2026-01-31T10:00:00.000Z', '2026-02-14T10:00:00.000Z', '2026-02-14T10:00:00.000Z', 0, null);
  insert.run('sub_gone', 'canceled', '2026-01-01T10:00:00.000Z', '2026-02-01T10:00:00.000Z', null, 0, 'cs_2');
  const old = db.prepare('SELECT seq, id, status, current_period_start, current_period_end, trial_end, cancel_at_period_end, checkout_session_id FROM subscriptions ORDER BY seq').all();

  expect(migrateNode(db, migrationsDir)).toContain('0014_billing.sql');
  const after = db.prepare('SELECT seq, id, status, current_period_start, current_period_end, trial_end, cancel_at_period_end, checkout_session_id FROM subscriptions ORDER BY seq').all();
  expect(after).toEqual(old);
  const anchors = db.prepare('SELECT id, billing_anchor, current_cycle, collection_method FROM subscriptions ORDER BY seq').all();
  expect(anchors).toEqual([
    { id: 'sub_active', billing_anchor: '2026-01-31T10:00:00.000Z', current_cycle: 0, collection_method: 'charge_automatically' },
    { id: 'sub_trial', billing_anchor: '2026-02-14T10:00:00.000Z', current_cycle: -1, collection_method: 'charge_automatically' },
    { id: 'sub_gone', billing_anchor: '2026-01-01T10:00:00.000Z', current_cycle: 0, collection_method: 'charge_automatically' },
  ]);
  // The new statuses are accepted, unknown ones still refused; the checkout UNIQUE still holds.
  db.prepare("UPDATE subscriptions SET status = 'past_due' WHERE id = 'sub_active'").run();
  expect(() => db.prepare("UPDATE subscriptions SET status = 'paused' WHERE id = 'sub_active'").run()).toThrow(/CHECK/);
  const again = db.prepare(
    `INSERT INTO subscriptions (id, merchant_id, customer_id, offer_id, status, current_period_start, current_period_end, billing_anchor,
       checkout_session_id, created_at, updated_at) VALUES ('sub_dup', 'mer_1', 'cus_1', 'off_1', 'active', 'a', 'b', 'a', 'cs_1', 'a', 'a')`,
  );
  expect(() => again.run()).toThrow(/UNIQUE/);
  db.close();
});
