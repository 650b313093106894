/**
 * The dunning schedule: after a failed automatic charge, retries on days +1, +3, +5 and +7 counted
 * from the FIRST failure (not from the last try, so extra tries, such as a new card from the
 * portal, never push the schedule back). After the last one, the environment's policy applies.
 */
export const RETRY_DAYS = [1, 3, 5, 7] as const;
const DAY_MS = 86_400_000;

/** The next scheduled retry strictly after `now`, or null when the schedule is spent. */
export function nextRetry(firstFailedAt: Date, now: Date): Date | null {
  for (const days of RETRY_DAYS) {
    const at = new Date(firstFailedAt.getTime() + days * DAY_MS);
    if (at.getTime() > now.getTime()) return at;
  }
  return null;
}

/**
 * When dunning gives up on an invoice that will not be retried automatically (a hard decline, or a
 * charge waiting for the customer's authentication): the day of the last scheduled retry.
 */
export const dunningDeadline = (firstFailedAt: Date): Date => new Date(firstFailedAt.getTime() + (RETRY_DAYS[RETRY_DAYS.length - 1] as number) * DAY_MS);

/** `subscription.trial_will_end` is sent this long before a trial ends. */
export const TRIAL_WILL_END_MS = 3 * DAY_MS;
