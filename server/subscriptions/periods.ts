export type Interval = 'day' | 'week' | 'month' | 'year';

/** Days in a UTC month (`month` 0-11; 12 is January of the next year, as Date.UTC allows). */
const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/**
 * Adds `count` intervals in UTC. Months clamp to the last day (31 Jan + 1 month = 28/29 Feb), as
 * billing systems do, so a period never silently spills into the month after. Years are 12 months,
 * so 29 Feb + 1 year = 28 Feb, and + 4 years = 29 Feb again. The time of day is kept.
 */
export function addInterval(start: Date, interval: Interval, count: number): Date {
  if (interval === 'day' || interval === 'week') {
    return new Date(start.getTime() + (interval === 'week' ? 7 : 1) * count * 86_400_000);
  }
  const months = interval === 'year' ? 12 * count : count;
  const total = start.getUTCMonth() + months;
  const year = start.getUTCFullYear() + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const day = Math.min(start.getUTCDate(), daysIn(year, month));
  const d = new Date(start.getTime());
  d.setUTCFullYear(year, month, day);
  return d;
}

export interface Plan {
  interval: Interval;
  intervalCount: number;
}

/**
 * The boundary that starts billing cycle `cycle`: always counted from the ANCHOR, never from the
 * previous period's end, so a subscription anchored on the 31st comes back to the 31st after a
 * short month (31 Jan → 28 Feb → 31 Mar), and one anchored on 29 Feb comes back to it in leap years.
 */
export const cycleStart = (anchor: Date, plan: Plan, cycle: number): Date => addInterval(anchor, plan.interval, plan.intervalCount * cycle);

/** [start, end) of cycle `cycle`. */
export function cycleBounds(anchor: Date, plan: Plan, cycle: number): { start: Date; end: Date } {
  return { start: cycleStart(anchor, plan, cycle), end: cycleStart(anchor, plan, cycle + 1) };
}
