import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dunningDeadline, nextRetry, TRIAL_WILL_END_MS } from '../../server/billing/dunning.ts';

// The schedule as the CONTRACT states it: retries on days +1, +3, +5 and +7 after the FIRST failure.
// Expected dates are written out by hand on a calendar.
const d = (iso: string) => new Date(iso);
const iso = (x: Date | null) => x?.toISOString() ?? null;

describe('dunning schedule', () => {
  it('retries on days +1, +3, +5 and +7 after the first failure, at the same time of day, then gives up', () => {
    const failed = d('2026-03-10T14:05:00.000Z');
    expect(iso(nextRetry(failed, failed))).toBe('2026-03-11T14:05:00.000Z');
    expect(iso(nextRetry(failed, d('2026-03-11T14:04:59.999Z')))).toBe('2026-03-11T14:05:00.000Z');
    // A retry that has just run is not scheduled again: the next one is strictly later.
    expect(iso(nextRetry(failed, d('2026-03-11T14:05:00.000Z')))).toBe('2026-03-13T14:05:00.000Z');
    expect(iso(nextRetry(failed, d('2026-03-13T14:05:00.000Z')))).toBe('2026-03-15T14:05:00.000Z');
    expect(iso(nextRetry(failed, d('2026-03-15T14:05:00.000Z')))).toBe('2026-03-17T14:05:00.000Z');
    expect(iso(nextRetry(failed, d('2026-03-17T14:04:59.999Z')))).toBe('2026-03-17T14:05:00.000Z');
    expect(nextRetry(failed, d('2026-03-17T14:05:00.000Z'))).toBeNull();
    expect(nextRetry(failed, d('2026-04-30T00:00:00.000Z'))).toBeNull();
  });

  it('counts calendar days across the end of February', () => {
    const failed = d('2026-02-27T23:30:00.000Z');
    const walk: string[] = [];
    for (let at = nextRetry(failed, failed); at; at = nextRetry(failed, at)) walk.push(at.toISOString().slice(0, 10));
    expect(walk).toEqual(['2026-02-28', '2026-03-02', '2026-03-04', '2026-03-06']);
    const leap = d('2028-02-27T10:00:00.000Z');
    expect(iso(nextRetry(leap, d('2028-02-28T10:00:00.000Z')))).toBe('2028-03-01T10:00:00.000Z');
  });

  it('a late extra try (a new card) never pushes the schedule back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 0, max: 9 * 86_400_000 }), (first, elapsed) => {
        const failed = new Date(first);
        const got = nextRetry(failed, new Date(first + elapsed));
        // Independent oracle: the first of the four retry days (in hours) strictly after `elapsed`.
        const hours = [24, 72, 120, 168].find((h) => h * 3_600_000 > elapsed);
        expect(got?.getTime() ?? null).toBe(hours === undefined ? null : first + hours * 3_600_000);
      }),
      { numRuns: 500 },
    );
  });

  it('a hard decline or an unanswered authentication waits until the last retry day', () => {
    expect(dunningDeadline(d('2026-03-10T14:05:00.000Z')).toISOString()).toBe('2026-03-17T14:05:00.000Z');
    expect(dunningDeadline(d('2026-12-28T00:00:00.000Z')).toISOString()).toBe('2027-01-04T00:00:00.000Z');
  });

  it('warns of a trial ending three days before it ends', () => {
    const trialEnd = d('2026-05-04T09:00:00.000Z');
    expect(new Date(trialEnd.getTime() - TRIAL_WILL_END_MS).toISOString()).toBe('2026-05-01T09:00:00.000Z');
  });
});
