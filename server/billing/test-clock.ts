import { sql } from '../db/port.ts';
import type { Deps } from '../deps.ts';
import { ensureSettings } from '../invoices/numbering.ts';
import type { Merchant } from '../merchants/repository.ts';
import { fanOut } from '../webhooks/delivery.ts';
import { clockFor, offsetClock, testClockOffset } from './clock.ts';
import { TRIAL_WILL_END_MS } from './dunning.ts';
import { drain } from './run.ts';

const STEP_WINDOW_MS = 60_000;

/** The earliest moment something is due in this environment (renewal, trial notice, charge, end of dunning). */
async function nextDueAt(deps: Deps, merchantId: string): Promise<number | null> {
  const row = await deps.db.get<{ renewal: string | null; trial: string | null; charge: string | null }>(
    `SELECT
       (SELECT MIN(current_period_end) FROM subscriptions WHERE merchant_id = ? AND status IN ('trialing', 'active', 'past_due')) AS renewal,
       (SELECT MIN(trial_end) FROM subscriptions WHERE merchant_id = ? AND status = 'trialing' AND trial_will_end_sent = 0) AS trial,
       (SELECT MIN(next_payment_attempt) FROM invoices WHERE merchant_id = ? AND status = 'open') AS charge`,
    [merchantId, merchantId, merchantId],
  );
  const times = [row?.renewal, row?.charge].filter((t): t is string => !!t).map((t) => Date.parse(t));
  if (row?.trial) times.push(Date.parse(row.trial) - TRIAL_WILL_END_MS);
  return times.length ? Math.min(...times) : null;
}

/** Moves the environment's clock to `at` (never back: the guarded UPDATE ignores an earlier time). */
async function moveTo(deps: Deps, merchant: Merchant, at: number): Promise<void> {
  const offset = at - deps.clock().getTime();
  const s = ensureSettings(merchant.id, merchant.slug, deps.clock().toISOString());
  await deps.db.batch([s, sql('UPDATE billing_settings SET test_clock_offset_ms = ? WHERE merchant_id = ? AND test_clock_offset_ms < ?', offset, merchant.id, offset)]);
}

/**
 * Advances a test environment's clock to `to`, stopping at every moment something falls due on
 * the way so that each renewal, retry and notice happens at its own time (a retry scheduled from a
 * failure on the 3rd is at the 4th, whatever the size of the jump). Answers once all of it has run.
 */
export async function advanceTestClock(deps: Deps, merchant: Merchant, to: Date): Promise<Date> {
  const target = to.getTime();
  // A bound on the steps, so a bug can never spin forever: ample for years of daily renewals.
  for (let step = 0; step < 20_000; step++) {
    const clock = await clockFor(deps, merchant);
    const next = await nextDueAt(deps, merchant.id);
    const due = next !== null && next <= target;
    // Everything due within the same minute runs in one step (at most a minute late, never early):
    // without it, subscriptions signed up milliseconds apart would cost one step each.
    const moveAt = due ? Math.min(target, Math.max(next + STEP_WINDOW_MS, clock().getTime())) : target;
    if (moveAt > clock().getTime()) await moveTo(deps, merchant, moveAt);
    const ctx = { deps, merchant, clock: offsetClock(deps.clock, await testClockOffset(deps.db, merchant.id)) };
    const done = await drain(ctx, { limit: 200 });
    if (!due) break;
    if (done.renewed + done.ended + done.collected + done.notices === 0 && next !== null && next <= clock().getTime()) {
      // Due but nothing could run (leased by a runner that crashed): wait for the lease to lapse.
      await moveTo(deps, merchant, Math.min(target, clock().getTime() + 120_001));
      if (clock().getTime() >= target) break;
    }
  }
  // Webhooks of everything above are fanned out before answering (delivery runs on real time).
  for (let i = 0; i < 1000; i++) {
    await fanOut(deps.db, deps.clock());
    const left = await deps.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE seq > (SELECT event_seq FROM outbox_cursor WHERE name = 'fanout')");
    if (!left?.n) break;
  }
  return (await clockFor(deps, merchant))();
}
