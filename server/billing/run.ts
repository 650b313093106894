import type { Deps } from '../deps.ts';
import { type Merchant, merchantRepository } from '../merchants/repository.ts';
import { type Offer, offerRepository } from '../offers/repository.ts';
import { type Subscription, subscriptionRepository } from '../subscriptions/repository.ts';
import { clockFor } from './clock.ts';
import { collect } from './collect.ts';
import { TRIAL_WILL_END_MS } from './dunning.ts';
import type { BillingContext } from './issue.ts';
import { renew, trialWillEnd } from './renew.ts';

/**
 * The billing run, shared by the Node loop and the Workers cron: drain-style, chunked and resumable.
 * All of its state lives in the rows (period ends, next payment attempts, leases), so it can stop
 * after any chunk (a Worker's CPU limit, a SIGKILL) and the next run carries on; two runners at
 * once bill each period once (UNIQUE + guarded batches) and charge each attempt once (leases,
 * UNIQUE attempts, idempotency keys).
 */
export interface RunReport {
  renewed: number;
  ended: number;
  collected: number;
  notices: number;
  /** A chunk was full: there may be more due right now. */
  more: boolean;
}

const empty = (): RunReport => ({ renewed: 0, ended: 0, collected: 0, notices: 0, more: false });
export const work = (r: RunReport): number => r.renewed + r.ended + r.collected + r.notices;

/**
 * A few rows at a time: independent rows (each guarded and leased on its own) overlap their
 * database and gateway round trips, which is most of a run's time on D1 and with Stripe.
 */
const PARALLEL = 8;
async function inParallel<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

/** One chunk of everything due for one environment at its own clock. */
export async function runChunk(ctx: BillingContext, limit = 100): Promise<RunReport> {
  const { db } = ctx.deps;
  const report = empty();
  const now = ctx.clock();
  const at = now.toISOString();
  const subs = subscriptionRepository(db);

  const notices = await db.all<{ id: string }>(
    "SELECT id FROM subscriptions WHERE merchant_id = ? AND status = 'trialing' AND trial_will_end_sent = 0 AND trial_end <= ? LIMIT ?",
    [ctx.merchant.id, new Date(now.getTime() + TRIAL_WILL_END_MS).toISOString(), limit],
  );
  for (const { id } of notices) {
    const sub = await subs.byId(ctx.merchant.id, id);
    if (sub) await trialWillEnd(ctx, sub);
    report.notices++;
  }

  const offers = new Map<string, Offer | undefined>();
  const offerOf = async (s: Subscription) => {
    if (!offers.has(s.offerId)) offers.set(s.offerId, await offerRepository(db).byId(ctx.merchant.id, s.offerId));
    return offers.get(s.offerId);
  };
  const due = await subs.due(ctx.merchant.id, at, limit);
  await inParallel(due, async (sub) => {
    const offer = await offerOf(sub);
    if (!offer) return;
    const outcome = await renew(ctx, sub, offer);
    if (outcome === 'renewed') report.renewed++;
    else if (outcome === 'ended') report.ended++;
  });

  // The renewals above made invoices due at their own, later moment: the clock is read again so that
  // they are charged in this chunk, not one loop tick (or one cron trigger, a minute) later.
  const collectAt = ctx.clock().toISOString();
  const invoices = await db.all<{ id: string }>(
    "SELECT id FROM invoices WHERE merchant_id = ? AND status = 'open' AND next_payment_attempt <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_payment_attempt LIMIT ?",
    [ctx.merchant.id, collectAt, collectAt, limit],
  );
  await inParallel(invoices, async ({ id }) => {
    if ((await collect(ctx, id)) !== 'skipped') report.collected++;
  });
  report.more = notices.length === limit || due.length === limit || invoices.length === limit;
  return report;
}

/** Runs chunks for one environment until nothing is due or `maxChunks` is spent. */
export async function drain(ctx: BillingContext, opts: { limit?: number; maxChunks?: number } = {}): Promise<RunReport> {
  const total = empty();
  for (let i = 0; i < (opts.maxChunks ?? 1000); i++) {
    const r = await runChunk(ctx, opts.limit);
    total.renewed += r.renewed;
    total.ended += r.ended;
    total.collected += r.collected;
    total.notices += r.notices;
    total.more = r.more;
    if (!r.more || work(r) === 0) break;
  }
  return total;
}

export const contextFor = async (deps: Deps, merchant: Merchant): Promise<BillingContext> => ({ deps, merchant, clock: await clockFor(deps, merchant) });

/**
 * Every environment, a bounded number of chunks each (the cron's CPU budget): what is left is found
 * by the next run. Returns the total work done.
 */
export async function runBilling(deps: Deps, opts: { limit?: number; maxChunks?: number } = {}): Promise<RunReport> {
  const total = empty();
  const ids = await deps.db.all<{ id: string }>('SELECT id FROM merchants');
  const repo = merchantRepository(deps.db);
  for (const { id } of ids) {
    const merchant = await repo.byId(id);
    if (!merchant) continue;
    const r = await drain(await contextFor(deps, merchant), { limit: opts.limit ?? 100, maxChunks: opts.maxChunks ?? 10 });
    total.renewed += r.renewed;
    total.ended += r.ended;
    total.collected += r.collected;
    total.notices += r.notices;
    total.more ||= r.more;
  }
  return total;
}
