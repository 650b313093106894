import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import type BetterSqlite3 from 'better-sqlite3';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { runBilling } from '../billing/run.ts';
import { purgeExpired } from '../checkout/purge.ts';
import { createApp } from '../app.ts';
import { catchUpSearchIndex, SEARCH_LOOP } from '../customers/search-index.ts';
import { betterSqliteDatabase, openSqlite } from '../db/better-sqlite3.ts';
import { type Deps, jsonLogger, systemClock } from '../deps.ts';
import { drainEmails } from '../email/outbox.ts';
import { smtpTransport } from '../email/smtp.ts';
import { clientAddress, proxyCount } from '../http/client-address.ts';
import { deliverDue, deliveryOptions } from '../webhooks/delivery.ts';
import { nodeEgress } from './node-egress.ts';

/**
 * What a Node process of Porte is made of, shared by the single-process entry and the cluster's
 * primary and workers (`cluster.ts`): settings read from the environment, the database connection
 * and dependencies, the HTTP server, and the background loops. Only `settingsFrom` reads `env`.
 */
export interface NodeSettings {
  port: number;
  file: string;
  publicUrl: string;
  trustProxy: number;
  seed: boolean;
  /** The raw PORTE_WORKERS value (see `workerCount`). */
  workers: string | undefined;
  intervals: { webhookMs: number; billingMs: number; purgeMs: number; searchMs: number };
  config: Deps['config'];
  smtpUrl: string | undefined;
  log: boolean;
}

const flag = (value: string | undefined): boolean | undefined => (value === undefined || value === '' ? undefined : value === '1' || value === 'true');

export function settingsFrom(env: NodeJS.ProcessEnv): NodeSettings {
  const port = Number(env.PORT ?? 8787);
  const publicUrl = (env.PORTE_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  return {
    port,
    file: env.PORTE_DB ?? './data/porte.sqlite',
    publicUrl,
    trustProxy: proxyCount(env.PORTE_TRUST_PROXY),
    seed: env.PORTE_SEED !== '0',
    workers: env.PORTE_WORKERS,
    intervals: {
      webhookMs: Number(env.PORTE_WEBHOOK_INTERVAL_MS ?? 1000),
      // Often, so that each tick indexes a few rows (see SEARCH_LOOP); an idle tick is one lookup.
      searchMs: Number(env.PORTE_SEARCH_INTERVAL_MS ?? 200),
      billingMs: Number(env.PORTE_BILLING_INTERVAL_MS ?? 10_000),
      purgeMs: Number(env.PORTE_PURGE_INTERVAL_MS ?? 10 * 60_000),
    },
    // passwordIterations: OWASP's PBKDF2-SHA256 cost; Node's WebCrypto has no cap (Workers' entry stays at 100k).
    config: {
      publicUrl,
      stripe: { secretKey: env.STRIPE_SECRET_KEY, publishableKey: env.STRIPE_PUBLISHABLE_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET },
      webhookAllowPrivate: flag(env.PORTE_WEBHOOK_ALLOW_PRIVATE),
      recoveryMs: env.PORTE_RECOVERY_MS ? Number(env.PORTE_RECOVERY_MS) : undefined,
      passwordIterations: 600_000,
      signup: env.PORTE_SIGNUP === 'invite' ? 'invite' : 'closed',
      emailFrom: env.PORTE_EMAIL_FROM || undefined,
    },
    smtpUrl: env.PORTE_SMTP_URL || undefined,
    // PORTE_LOG=0 silences request logs (errors are still printed).
    log: env.PORTE_LOG !== '0',
  };
}

/** The process's connection. Checkpoints belong to the checkpointer thread (see checkpointer.ts). */
export function openNodeDatabase(settings: NodeSettings): BetterSqlite3.Database {
  const sqlite = openSqlite(settings.file);
  sqlite.pragma('wal_autocheckpoint = 0');
  return sqlite;
}

export function nodeDeps(sqlite: BetterSqlite3.Database, settings: NodeSettings, logFields?: Record<string, unknown>): Deps {
  const logger = logFields ? (entry: Record<string, unknown>) => jsonLogger({ ...entry, ...logFields }) : jsonLogger;
  return {
    db: betterSqliteDatabase(sqlite),
    clock: systemClock,
    config: settings.config,
    egress: nodeEgress,
    // Without PORTE_SMTP_URL nothing leaves the machine: emails are stored and shown in the back-office.
    mailer: settings.smtpUrl ? smtpTransport(settings.smtpUrl) : undefined,
    log: settings.log ? logger : undefined,
  };
}

/**
 * Built browser assets (hosted pages' scripts, the widget), then the app. On Workers, wrangler's
 * [assets] serves the same folder. The client IP header is always overwritten from the socket,
 * so a client cannot choose the address the grey list counts.
 */
export function serveNode(deps: Deps, settings: NodeSettings, onListening: () => void): Server {
  const app = createApp(deps);
  const publicDir = fileURLToPath(new URL('../../dist/public', import.meta.url));
  const outer = new Hono<{ Bindings: { incoming: { socket: { remoteAddress?: string } } } }>();
  const assetHeaders = { 'Cache-Control': 'public, max-age=300, must-revalidate', 'Access-Control-Allow-Origin': '*' };
  // Pages, the widget's pricing table and API lists are compressed here (Workers' edge does it
  // there); files were compressed at build (vite.precompress.ts), so they pass as they are.
  // Only GETs: a POST answers a redirect or one small object, not worth a stream each.
  const compressed = compress();
  outer.use('*', (c, next) => (c.req.method === 'GET' ? compressed(c, next) : next()));
  outer.use('/assets/*', serveStatic({ root: publicDir, precompressed: true, onFound: (_p, c) => { for (const [k, v] of Object.entries(assetHeaders)) c.header(k, v); } }));
  outer.get('/widget.js', serveStatic({ path: `${publicDir}/widget.js`, precompressed: true, onFound: (_p, c) => { for (const [k, v] of Object.entries(assetHeaders)) c.header(k, v); } }));
  outer.all('*', (c) => {
    const request = c.req.raw;
    // Behind N reverse proxies (PORTE_TRUST_PROXY=N) the socket is the last proxy: the client is
    // the hop the first trusted proxy appended, counted from the right (the left is the client's to write).
    const ip = clientAddress(c.env.incoming.socket.remoteAddress, request.headers.get('X-Forwarded-For'), settings.trustProxy);
    if (ip) request.headers.set('x-porte-client-ip', ip);
    else request.headers.delete('x-porte-client-ip');
    return app.fetch(request);
  });
  return serve({ fetch: outer.fetch, port: settings.port }, onListening) as Server;
}

const logError = (msg: string) => (error: unknown) => console.error(JSON.stringify({ level: 'error', msg, error: String(error) }));

/**
 * The background loops: webhook and email delivery (on Workers, the cron trigger does), billing,
 * and the purge of expired checkouts, with the same code as the Workers cron. A tick while the
 * previous run still runs (a slow endpoint) is skipped, not queued. In a cluster only the primary
 * runs them; the leases in the rows would make several runners safe, not useful.
 */
export function startLoops(deps: Deps, intervals: NodeSettings['intervals']): { stop(): Promise<void> } {
  let delivering: Promise<unknown> | null = null;
  const loop = setInterval(() => {
    delivering ??= Promise.all([
      deliverDue(deps.db, deps.clock, deliveryOptions(deps)).catch(logError('webhook delivery failed')),
      drainEmails(deps).catch(logError('email delivery failed')),
    ]).finally(() => {
      delivering = null;
    });
  }, intervals.webhookMs);
  // Renewals, trial ends, retries: chunked and resumable, so a tick does a bounded amount of work.
  let billing: Promise<unknown> | null = null;
  const billingLoop = setInterval(() => {
    billing ??= runBilling(deps)
      .catch(logError('billing run failed'))
      .finally(() => {
        billing = null;
      });
  }, intervals.billingMs);
  // The customer search index (bounded per tick; a search catches up the rest itself).
  let indexing: Promise<unknown> | null = null;
  const searchLoop = setInterval(() => {
    indexing ??= catchUpSearchIndex(deps.db, SEARCH_LOOP)
      .catch(logError('search indexing failed'))
      .finally(() => {
        indexing = null;
      });
  }, intervals.searchMs);
  // Expired checkout sessions and old payment attempts.
  let purging: Promise<unknown> | null = null;
  const purgeLoop = setInterval(() => {
    purging ??= purgeExpired(deps.db, deps.clock)
      .catch(logError('checkout purge failed'))
      .finally(() => {
        purging = null;
      });
  }, intervals.purgeMs);
  return {
    async stop() {
      clearInterval(loop);
      clearInterval(billingLoop);
      clearInterval(purgeLoop);
      clearInterval(searchLoop);
      await Promise.all([delivering, billing, purging, indexing]);
    },
  };
}
