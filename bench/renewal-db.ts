/**
 * The renewal bench's database: migrated by Porte, one test environment with a monthly offer made
 * through the API, and `count` customers with a saved test card and an active subscription whose
 * period has ended, written by SQL (as checkout would have left them) so 100,000 take seconds.
 *
 * The customers' full-text triggers are set aside while seeding and put back after: the billing
 * run never touches the search index, and filling it would triple the build time for nothing.
 */
import { join } from 'node:path';
import { createApp } from '../server/app.ts';
import { betterSqliteDatabase, openSqlite } from '../server/db/better-sqlite3.ts';
import { migrateNode } from '../server/db/migrate-node.ts';
import type { Deps } from '../server/deps.ts';
import { newId } from '../server/lib/ids.ts';
import { createMerchant } from '../server/merchants/service.ts';
import { repoRoot } from './harness.ts';

export const RENEWAL_PRICE = 1990;

export async function seedRenewals(file: string, count: number): Promise<{ merchantId: string }> {
  const sqlite = openSqlite(file);
  try {
    migrateNode(sqlite, join(repoRoot, 'migrations'));
    const deps: Deps = { db: betterSqliteDatabase(sqlite), clock: () => new Date(), config: { publicUrl: 'http://127.0.0.1:1' } };
    const created = await createMerchant(deps.db, deps.clock, {
      slug: 'renewals',
      name: 'Renewal Bench',
      mode: 'test',
      allowedOrigins: ['http://127.0.0.1:*'],
      owner: { email: 'owner@renewals.test', password: 'correct horse battery staple' },
    });
    const res = await createApp(deps).request('/v1/offers', {
      method: 'POST',
      headers: { Authorization: `Bearer ${created.secretKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ reference: 'monthly', name: 'Monthly', currency: 'EUR', recurring: { amount: RENEWAL_PRICE, interval: 'month' } }),
    });
    const offer = (await res.json()) as { id?: string };
    if (res.status !== 201 || !offer.id) throw new Error(`POST /v1/offers: ${res.status} ${JSON.stringify(offer)}`);

    const merchantId = created.merchant.id;
    const triggers = sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'customers' AND name LIKE 'customers_fts_%'").all() as { name: string; sql: string }[];
    const insertCustomer = sqlite.prepare(
      `INSERT INTO customers (id, merchant_id, reference, email, first_name, last_name, payment_method, auto_billing, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'Jeanne', ?, ?, 1, ?, ?)`,
    );
    const insertRef = sqlite.prepare(
      "INSERT INTO customer_gateway_refs (customer_id, merchant_id, gateway, gateway_customer_id, payment_method_ref, updated_at) VALUES (?, ?, 'test', NULL, ?, ?)",
    );
    const insertSubscription = sqlite.prepare(
      `INSERT INTO subscriptions (id, merchant_id, customer_id, offer_id, status, current_period_start, current_period_end, billing_anchor,
         current_cycle, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, 0, ?, ?)`,
    );
    const card = JSON.stringify({ type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2040 } });
    const now = Date.now();
    sqlite.transaction(() => {
      for (const t of triggers) sqlite.exec(`DROP TRIGGER ${t.name}`);
      for (let i = 0; i < count; i++) {
        // Periods that ended over the last day, spread out: all due at the run's start.
        const end = new Date(now - 86_400_000 + Math.floor((i * 86_000_000) / count));
        const start = new Date(end);
        start.setUTCMonth(start.getUTCMonth() - 1);
        const at = start.toISOString();
        const customerId = newId('cus');
        insertCustomer.run(customerId, merchantId, `renewal-${i}`, `renewal-${i}@example.test`, `Dupont${i}`, card, at, at);
        insertRef.run(customerId, merchantId, `test_pm_r${i}_4242`, at);
        insertSubscription.run(newId('sub'), merchantId, customerId, offer.id, at, end.toISOString(), at, at, at);
      }
      for (const t of triggers) sqlite.exec(t.sql);
    })();
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    return { merchantId };
  } finally {
    sqlite.close();
  }
}
