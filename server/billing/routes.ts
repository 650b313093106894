import * as v from 'valibot';
import type { Api } from '../http/api.ts';
import { ApiError, invalid } from '../http/errors.ts';
import { jsonObject } from '../http/validate.ts';
import { clockFor } from './clock.ts';
import { advanceTestClock } from './test-clock.ts';

const tag = 'Test clock';
const clockOut = v.object({ object: v.literal('test_clock'), now: v.string(), status: v.literal('ready') });
const advanceBody = jsonObject(
  v.strictObject({ to: v.pipe(v.string('to must be an ISO 8601 date-time.'), v.isoTimestamp('to must be an ISO 8601 date-time, e.g. 2026-03-01T00:00:00Z.')) }),
  'The request body must be a JSON object.',
);
/** One call may move at most this far: years of daily renewals per request is already a lot of work. */
const MAX_JUMP_MS = 5 * 366 * 86_400_000;

const testOnly = () => new ApiError(404, 'not_found', 'test_clock_live', 'Live environments have no test clock: use a test key (porte_sk_test_…).');

export function testClockRoutes(api: Api): void {
  api.route({ method: 'get', path: '/v1/test_clock', tag, summary: "The test environment's clock", response: clockOut }, async (c) => {
    if (c.var.merchant.mode !== 'test') throw testOnly();
    return { object: 'test_clock' as const, now: (await clockFor(c.var.deps, c.var.merchant))().toISOString(), status: 'ready' as const };
  });
  api.route(
    {
      method: 'post',
      path: '/v1/test_clock/advance',
      tag,
      summary: "Move the test environment's time forward; answers once every renewal, retry, cancellation and webhook due by then has run",
      body: advanceBody,
      response: clockOut,
    },
    async (c, { body }) => {
      if (c.var.merchant.mode !== 'test') throw testOnly();
      const to = new Date(body.to);
      const now = (await clockFor(c.var.deps, c.var.merchant))();
      if (Number.isNaN(to.getTime())) throw invalid('to', 'to must be an ISO 8601 date-time.');
      if (to.getTime() < now.getTime()) throw invalid('to', `to must not be before the clock's current time (${now.toISOString()}): the test clock only moves forward.`, 'test_clock_backwards');
      if (to.getTime() - now.getTime() > MAX_JUMP_MS) throw invalid('to', 'to may be at most 5 years ahead of the clock; advance in several steps.');
      const at = await advanceTestClock(c.var.deps, c.var.merchant, to);
      return { object: 'test_clock' as const, now: at.toISOString(), status: 'ready' as const };
    },
  );
}
