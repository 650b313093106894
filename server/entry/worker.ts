import type { D1Database, ExecutionContext } from '@cloudflare/workers-types';
import type { Hono } from 'hono';
import { accountRepository } from '../accounts/repository.ts';
import { createApp } from '../app.ts';
import { d1Database } from '../db/d1.ts';
import { type Deps, jsonLogger } from '../deps.ts';
import type { AppEnv } from '../http/env.ts';
import { seedDemo, startBanner } from '../merchants/seed.ts';
import { seedSteps } from '../seed-steps.ts';
import { drainEmails } from '../email/outbox.ts';
import { workerSmtpTransport } from '../email/worker-smtp.ts';
import { purgeExpired } from '../checkout/purge.ts';
import { catchUpSearchIndex, SEARCH_LOOP } from '../customers/search-index.ts';
import { deliverDue, deliveryOptions } from '../webhooks/delivery.ts';
import { runBilling } from '../billing/run.ts';

export interface Env {
  DB: D1Database;
  PORTE_PUBLIC_URL?: string;
  PORTE_SEED?: string;
  /** Secret: opens /admin/setup?token=… on a fresh install without the demo. */
  PORTE_SETUP_TOKEN?: string;
  PORTE_SIGNUP?: string;
  PORTE_LOG?: string;
  PORTE_WEBHOOK_ALLOW_PRIVATE?: string;
  PORTE_RECOVERY_MS?: string;
  STRIPE_SECRET_KEY?: string;
  STRIPE_PUBLISHABLE_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  PORTE_EMAIL_FROM?: string;
  /** `smtp://user:pass@host:587` or `smtps://…:465` (not port 25: Workers cannot reach it). */
  PORTE_SMTP_URL?: string;
}

let cached: { app: Hono<AppEnv>; seeded: Promise<unknown>; deps: Deps } | undefined;

function setup(env: Env, origin: string) {
  if (!cached) {
    const publicUrl = (env.PORTE_PUBLIC_URL ?? origin).replace(/\/$/, '');
    const stripe = { secretKey: env.STRIPE_SECRET_KEY, publishableKey: env.STRIPE_PUBLISHABLE_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET };
    const allow = env.PORTE_WEBHOOK_ALLOW_PRIVATE;
    // No egress on Workers: host names cannot be resolved here, and Cloudflare's egress reaches no
    // private network; literal private addresses are still refused (webhooks/destination.ts).
    const config = {
      publicUrl,
      stripe,
      webhookAllowPrivate: allow === undefined || allow === '' ? undefined : allow === '1' || allow === 'true',
      recoveryMs: env.PORTE_RECOVERY_MS ? Number(env.PORTE_RECOVERY_MS) : undefined,
      setupToken: env.PORTE_SETUP_TOKEN || undefined,
      signup: env.PORTE_SIGNUP === 'invite' ? ('invite' as const) : ('closed' as const),
      // Workers' WebCrypto refuses PBKDF2 above 100k iterations.
      passwordIterations: 100_000,
      emailFrom: env.PORTE_EMAIL_FROM || undefined,
    };
    // Without PORTE_SMTP_URL nothing leaves the machine: emails are stored and shown in the back-office.
    const mailer = env.PORTE_SMTP_URL ? workerSmtpTransport(env.PORTE_SMTP_URL) : undefined;
    const deps: Deps = { db: d1Database(env.DB), clock: () => new Date(), config, mailer, log: env.PORTE_LOG === '0' ? undefined : jsonLogger };
    const seeded =
      env.PORTE_SEED === '0'
        ? accountRepository(deps.db)
            .count()
            .then((n) => n === 0 && console.log(`Set up your account: ${publicUrl}/admin/setup?token=… (the PORTE_SETUP_TOKEN secret${env.PORTE_SETUP_TOKEN ? '' : ', not set yet: npx wrangler secret put PORTE_SETUP_TOKEN'})`))
        : seedDemo(deps, seedSteps).then((seed) => seed && console.log(startBanner(publicUrl, seed)));
    cached = { app: createApp(deps), seeded, deps };
  }
  return cached;
}

/** The Workers entry: same app over D1. Migrations are applied by `wrangler d1 migrations apply`. */
export default {
  async fetch(request: Request, env: Env, _ctx: ExecutionContext): Promise<Response> {
    const { app, seeded } = setup(env, new URL(request.url).origin);
    await seeded;
    // Cloudflare sets CF-Connecting-IP itself; whatever the client sent under our header is replaced.
    const headers = new Headers(request.headers);
    const ip = request.headers.get('CF-Connecting-IP');
    if (ip) headers.set('x-porte-client-ip', ip);
    else headers.delete('x-porte-client-ip');
    return app.fetch(new Request(request, { headers }));
  },

  /**
   * Cron trigger (wrangler.toml): the billing run (a bounded number of chunks: what is left is found
   * by the next trigger), then the webhook and email outboxes, with the same code as the Node loops;
   * beside them, the purge of long-expired checkout sessions and the search index's catch-up.
   * Emails come after billing so that the run's events (receipts, failures) are mailed in the same
   * trigger.
   */
  async scheduled(_event: unknown, env: Env, ctx: ExecutionContext): Promise<void> {
    const { deps } = setup(env, env.PORTE_PUBLIC_URL ?? 'http://localhost:8787');
    const billed = runBilling(deps).catch((error) => console.error(JSON.stringify({ level: 'error', msg: 'billing run failed', error: String(error) })));
    ctx.waitUntil(billed.then(() => deliverDue(deps.db, deps.clock, deliveryOptions(deps))));
    ctx.waitUntil(billed.then(() => drainEmails(deps)));
    ctx.waitUntil(purgeExpired(deps.db, deps.clock));
    ctx.waitUntil(catchUpSearchIndex(deps.db, SEARCH_LOOP));
  },
};
