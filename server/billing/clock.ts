import type { Database } from '../db/port.ts';
import type { Deps } from '../deps.ts';
import type { Mode } from '../merchants/repository.ts';

/**
 * Each test environment has its own clock: real time plus a stored offset that only grows
 * (`POST /v1/test_clock/advance`). Billing, checkout and subscriptions read time through
 * `clockFor(merchant)`, so advancing a test environment moves everything it does, and nothing else.
 * Live environments always run on real time.
 */
export async function testClockOffset(db: Database, merchantId: string): Promise<number> {
  const row = await db.get<{ test_clock_offset_ms: number }>('SELECT test_clock_offset_ms FROM billing_settings WHERE merchant_id = ?', [merchantId]);
  return row?.test_clock_offset_ms ?? 0;
}

export const offsetClock = (clock: () => Date, offsetMs: number): (() => Date) =>
  offsetMs === 0 ? clock : () => new Date(clock().getTime() + offsetMs);

export async function clockFor(deps: Pick<Deps, 'db' | 'clock'>, merchant: { id: string; mode: Mode }): Promise<() => Date> {
  if (merchant.mode !== 'test') return deps.clock;
  return offsetClock(deps.clock, await testClockOffset(deps.db, merchant.id));
}
