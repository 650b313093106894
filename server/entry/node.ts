import { serve } from '@hono/node-server';
import { fileURLToPath } from 'node:url';
import { createApp } from '../app.ts';
import { betterSqliteDatabase, openSqlite } from '../db/better-sqlite3.ts';
import { migrateNode } from '../db/migrate-node.ts';
import { type Deps, systemClock } from '../deps.ts';
import { seedDemo, startBanner } from '../merchants/seed.ts';
import { seedSteps } from '../seed-steps.ts';

/** The Node entry: the only place that reads the environment. */
const port = Number(process.env.PORT ?? 8787);
const file = process.env.PORTE_DB ?? './data/porte.sqlite';
const publicUrl = (process.env.PORTE_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');

const sqlite = openSqlite(file);
migrateNode(sqlite, fileURLToPath(new URL('../../migrations', import.meta.url)));
const deps: Deps = { db: betterSqliteDatabase(sqlite), clock: systemClock, config: { publicUrl } };
const seed = process.env.PORTE_SEED === '0' ? undefined : await seedDemo(deps, seedSteps);

const app = createApp(deps);
const server = serve({ fetch: app.fetch, port }, () => {
  console.log(startBanner(publicUrl, seed));
});

// Graceful shutdown: stop accepting, let requests in flight finish, then close the database.
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close(() => {
      sqlite.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  });
}
