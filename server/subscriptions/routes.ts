import * as v from 'valibot';
import type { Api } from '../http/api.ts';
import { notFound } from '../http/errors.ts';
import { listQueryEntries, listSchema, page } from '../http/pagination.ts';
import { jsonObject } from '../http/validate.ts';
import { SUBSCRIPTION_STATUSES, subscriptionOut, subscriptionRepository, toJson } from './repository.ts';
import { cancelSubscription, createSubscription, resumeSubscription } from './service.ts';

const tag = 'Subscriptions';
const listQuery = v.strictObject({
  ...listQueryEntries,
  customer: v.optional(v.pipe(v.string(), v.maxLength(64))),
  status: v.optional(v.picklist(SUBSCRIPTION_STATUSES, `status must be one of ${SUBSCRIPTION_STATUSES.join(', ')}.`)),
});
const createBody = jsonObject(
  v.strictObject({
    customer: v.pipe(v.string('customer must be a customer id.'), v.minLength(1, 'customer must be a customer id.'), v.maxLength(64, 'customer must be a customer id.')),
    offer: v.pipe(v.string('offer must be an offer id or reference.'), v.minLength(1, 'offer must be an offer id or reference.'), v.maxLength(64, 'offer must be an offer id or reference.')),
    trial_days: v.optional(v.pipe(v.number('trial_days must be a number.'), v.integer('trial_days must be a whole number.'), v.minValue(0, 'trial_days must be 0 to 730.'), v.maxValue(730, 'trial_days must be 0 to 730.'))),
    collection_method: v.optional(v.picklist(['charge_automatically', 'send_invoice'], 'collection_method must be charge_automatically or send_invoice.')),
    days_until_due: v.optional(v.pipe(v.number('days_until_due must be a number.'), v.integer('days_until_due must be a whole number.'), v.minValue(0, 'days_until_due must be 0 to 365.'), v.maxValue(365, 'days_until_due must be 0 to 365.'))),
  }),
  'The request body must be a JSON object.',
);
const cancelBody = jsonObject(
  v.strictObject({ at_period_end: v.optional(v.boolean('at_period_end must be true or false.'), true) }),
  'The request body must be a JSON object.',
);

export function subscriptionRoutes(api: Api): void {
  api.route(
    { method: 'post', path: '/v1/subscriptions', tag, summary: 'Subscribe an existing customer to an offer (charge_automatically or send_invoice)', body: createBody, response: subscriptionOut, status: 201 },
    async (c, { body }) => toJson(await createSubscription(c.var.deps, c.var.merchant, body)),
  );
  api.route(
    { method: 'get', path: '/v1/subscriptions', tag, summary: 'List subscriptions, optionally of one customer or in one status', query: listQuery, response: listSchema(subscriptionOut) },
    async (c, { query }) => {
      const repo = subscriptionRepository(c.var.deps.db);
      const merchantId = c.var.merchant.id;
      let afterSeq: number | undefined;
      if (query.starting_after) {
        const cursor = await repo.byId(merchantId, query.starting_after);
        if (!cursor) throw notFound('subscription', 'starting_after');
        afterSeq = cursor.seq;
      }
      const rows = await repo.list(merchantId, { limit: query.limit + 1, afterSeq, customerId: query.customer, status: query.status });
      return page(rows.map(toJson), query.limit);
    },
  );
  api.route(
    { method: 'get', path: '/v1/subscriptions/:id', tag, summary: 'Retrieve a subscription', response: subscriptionOut },
    async (c) => {
      const sub = await subscriptionRepository(c.var.deps.db).byId(c.var.merchant.id, c.req.param('id') ?? '');
      if (!sub) throw notFound('subscription');
      return toJson(sub);
    },
  );
  api.route(
    { method: 'post', path: '/v1/subscriptions/:id/cancel', tag, summary: 'Cancel at period end (default) or now (at_period_end: false)', body: cancelBody, response: subscriptionOut },
    async (c, { body }) => toJson(await cancelSubscription(c.var.deps, c.var.merchant, c.req.param('id') ?? '', body.at_period_end)),
  );
  api.route(
    { method: 'post', path: '/v1/subscriptions/:id/resume', tag, summary: 'Undo a pending cancellation at period end', response: subscriptionOut },
    async (c) => toJson(await resumeSubscription(c.var.deps, c.var.merchant, c.req.param('id') ?? '')),
  );
}
