import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupService } from '../../server/accounts/setup.ts';
import { createApp } from '../../server/app.ts';
import { betterSqliteDatabase, openSqlite } from '../../server/db/better-sqlite3.ts';
import { migrateNode } from '../../server/db/migrate-node.ts';
import type { Deps } from '../../server/deps.ts';
import { createMerchant } from '../../server/merchants/service.ts';
import { randomToken } from '../../server/lib/ids.ts';
import { type Harness, returnsRows } from './types.ts';

export const migrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url));

/** The app through `app.request()` on a real SQLite file in a temporary folder. */
export async function nodeHarness(overrides: Partial<Deps> = {}): Promise<Harness & { deps: Deps; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'porte-test-'));
  const file = join(dir, 'porte.sqlite');
  const sqlite = openSqlite(file);
  migrateNode(sqlite, migrationsDir);
  const deps: Deps = { db: betterSqliteDatabase(sqlite), clock: () => new Date(), config: { publicUrl: 'http://porte.test' }, ...overrides };
  const app = createApp(deps);
  return {
    runtime: 'node',
    deps,
    file,
    request: async (path, init) => app.request(path, init),
    async sql<T>(query: string, params: (string | number | null)[] = []): Promise<T[]> {
      if (returnsRows(query)) return deps.db.all<T>(query, params);
      await deps.db.run(query, params);
      return [];
    },
    async merchant(options = {}) {
      const slug = `m-${randomToken(8).toLowerCase()}`;
      const created = await createMerchant(deps.db, deps.clock, {
        slug,
        name: `Merchant ${slug}`,
        mode: options.mode ?? 'test',
        allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*', 'https://shop.example'],
        ...(options.accountOf ? { accountId: options.accountOf.accountId } : { owner: { email: `${slug}@example.com`, password: 'correct horse battery staple' } }),
      });
      return { id: created.merchant.id, accountId: created.merchant.accountId, mode: created.merchant.mode, slug, secretKey: created.secretKey, publishableKey: created.publishableKey, embedSecret: created.merchant.embedSecret };
    },
    setupToken: () => setupService(deps.db, deps.clock).issue(),
    async close() {
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
