import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { fileURLToPath } from 'node:url';
import { accountRepository } from '../accounts/repository.ts';
import { setupService } from '../accounts/setup.ts';
import { createApp } from '../app.ts';
import { betterSqliteDatabase, openSqlite } from '../db/better-sqlite3.ts';
import { startCheckpointer } from '../db/checkpointer.ts';
import { migrateNode } from '../db/migrate-node.ts';
import { type Deps, jsonLogger, systemClock } from '../deps.ts';
import { seedDemo, startBanner } from '../merchants/seed.ts';
import { seedSteps } from '../seed-steps.ts';
import { purgeExpired } from '../checkout/purge.ts';
import { clientAddress, proxyCount } from '../http/client-address.ts';
import { drainEmails } from '../email/outbox.ts';
import { smtpTransport } from '../email/smtp.ts';
import { deliverDue, deliveryOptions } from '../webhooks/delivery.ts';
import { nodeEgress } from './node-egress.ts';
import { runBilling } from '../billing/run.ts';

/** The Node entry: the only place that reads the environment. */
const port = Number(process.env.PORT ?? 8787);
const file = process.env.PORTE_DB ?? './data/porte.sqlite';
const trustProxy = proxyCount(process.env.PORTE_TRUST_PROXY);
const publicUrl = (process.env.PORTE_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');

const sqlite = openSqlite(file);
// Checkpoints move to a worker thread (see checkpointer.ts); SQLite's own would run mid-request.
sqlite.pragma('wal_autocheckpoint = 0');
const checkpointer = startCheckpointer(file);
migrateNode(sqlite, fileURLToPath(new URL('../../migrations', import.meta.url)));
const flag = (value: string | undefined): boolean | undefined => (value === undefined || value === '' ? undefined : value === '1' || value === 'true');
const recoveryMs = process.env.PORTE_RECOVERY_MS ? Number(process.env.PORTE_RECOVERY_MS) : undefined;
const stripe = { secretKey: process.env.STRIPE_SECRET_KEY, publishableKey: process.env.STRIPE_PUBLISHABLE_KEY, webhookSecret: process.env.STRIPE_WEBHOOK_SECRET };
const deps: Deps = {
  db: betterSqliteDatabase(sqlite),
  clock: systemClock,
  // passwordIterations: OWASP's PBKDF2-SHA256 cost; Node's WebCrypto has no cap (Workers' entry stays at 100k).
  config: {
    publicUrl,
    stripe,
    webhookAllowPrivate: flag(process.env.PORTE_WEBHOOK_ALLOW_PRIVATE),
    recoveryMs,
    passwordIterations: 600_000,
    signup: process.env.PORTE_SIGNUP === 'invite' ? 'invite' : 'closed',
    emailFrom: process.env.PORTE_EMAIL_FROM || undefined,
  },
  egress: nodeEgress,
  // Without PORTE_SMTP_URL nothing leaves the machine: emails are stored and shown in the back-office.
  mailer: process.env.PORTE_SMTP_URL ? smtpTransport(process.env.PORTE_SMTP_URL) : undefined,
  // PORTE_LOG=0 silences request logs (errors are still printed).
  log: process.env.PORTE_LOG === '0' ? undefined : jsonLogger,
};
const seed = process.env.PORTE_SEED === '0' ? undefined : await seedDemo(deps, seedSteps);
// No demo and no account yet: a single-use setup link (a new one each start until it is used).
const setupToken = process.env.PORTE_SEED === '0' && (await accountRepository(deps.db).count()) === 0 ? await setupService(deps.db, deps.clock).issue() : undefined;

const app = createApp(deps);

// Built browser assets (hosted pages' scripts, the widget), then the app. On Workers, wrangler's
// [assets] serves the same folder. The client IP header is always overwritten from the socket,
// so a client cannot choose the address the grey list counts.
const publicDir = fileURLToPath(new URL('../../dist/public', import.meta.url));
const outer = new Hono<{ Bindings: { incoming: { socket: { remoteAddress?: string } } } }>();
const assetHeaders = { 'Cache-Control': 'public, max-age=300, must-revalidate', 'Access-Control-Allow-Origin': '*' };
outer.use('/assets/*', serveStatic({ root: publicDir, precompressed: true, onFound: (_p, c) => { for (const [k, v] of Object.entries(assetHeaders)) c.header(k, v); } }));
outer.get('/widget.js', serveStatic({ path: `${publicDir}/widget.js`, onFound: (_p, c) => { for (const [k, v] of Object.entries(assetHeaders)) c.header(k, v); } }));
outer.all('*', (c) => {
  const request = c.req.raw;
  // Behind N reverse proxies (PORTE_TRUST_PROXY=N) the socket is the last proxy: the client is
  // the hop the first trusted proxy appended, counted from the right (the left is the client's to write).
  const ip = clientAddress(c.env.incoming.socket.remoteAddress, request.headers.get('X-Forwarded-For'), trustProxy);
  if (ip) request.headers.set('x-porte-client-ip', ip);
  else request.headers.delete('x-porte-client-ip');
  return app.fetch(request);
});

const server = serve({ fetch: outer.fetch, port }, () => {
  console.log(startBanner(publicUrl, seed, setupToken));
});

// Webhook and email delivery: a background loop drains the outboxes (on Workers, the cron trigger
// does). A tick while the previous drain still runs (a slow endpoint) is skipped, not queued.
let delivering: Promise<unknown> | null = null;
const loop = setInterval(() => {
  delivering ??= Promise.all([
    deliverDue(deps.db, deps.clock, deliveryOptions(deps)).catch((error) =>
      console.error(JSON.stringify({ level: 'error', msg: 'webhook delivery failed', error: String(error) })),
    ),
    drainEmails(deps).catch((error) => console.error(JSON.stringify({ level: 'error', msg: 'email delivery failed', error: String(error) }))),
  ]).finally(() => {
    delivering = null;
  });
}, Number(process.env.PORTE_WEBHOOK_INTERVAL_MS ?? 1000));

// Billing: renewals, trial ends, retries, with the same code as the Workers cron. Chunked and
// resumable, so a tick does a bounded amount of work and the next one carries on.
let billing: Promise<unknown> | null = null;
const billingLoop = setInterval(() => {
  billing ??= runBilling(deps)
    .catch((error) => console.error(JSON.stringify({ level: 'error', msg: 'billing run failed', error: String(error) })))
    .finally(() => {
      billing = null;
    });
}, Number(process.env.PORTE_BILLING_INTERVAL_MS ?? 10_000));

// Expired checkout sessions and old payment attempts: purged by the same code as the Workers cron.
let purging: Promise<unknown> | null = null;
const purgeLoop = setInterval(() => {
  purging ??= purgeExpired(deps.db, deps.clock)
    .catch((error) => console.error(JSON.stringify({ level: 'error', msg: 'checkout purge failed', error: String(error) })))
    .finally(() => {
      purging = null;
    });
}, Number(process.env.PORTE_PURGE_INTERVAL_MS ?? 10 * 60_000));

// Graceful shutdown: stop accepting, let requests in flight finish, then close the database.
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    clearInterval(loop);
    clearInterval(billingLoop);
    clearInterval(purgeLoop);
    server.close(() => {
      Promise.all([delivering, billing, purging]).finally(async () => {
        await checkpointer.stop();
        sqlite.close();
        process.exit(0);
      });
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  });
}
