import * as v from 'valibot';
import type { Api } from '../http/api.ts';
import { notFound } from '../http/errors.ts';
import { listQueryEntries, listSchema, page } from '../http/pagination.ts';
import { subscriptionOut, subscriptionRepository, toJson } from './repository.ts';

const tag = 'Subscriptions';
const listQuery = v.strictObject({ ...listQueryEntries, customer: v.optional(v.pipe(v.string(), v.maxLength(64))) });

export function subscriptionRoutes(api: Api): void {
  api.route(
    { method: 'get', path: '/v1/subscriptions', tag, summary: 'List subscriptions, optionally of one customer', query: listQuery, response: listSchema(subscriptionOut) },
    async (c, { query }) => {
      const repo = subscriptionRepository(c.var.deps.db);
      const merchantId = c.var.merchant.id;
      let afterSeq: number | undefined;
      if (query.starting_after) {
        const cursor = await repo.byId(merchantId, query.starting_after);
        if (!cursor) throw notFound('subscription', 'starting_after');
        afterSeq = cursor.seq;
      }
      const rows = await repo.list(merchantId, { limit: query.limit + 1, afterSeq, customerId: query.customer });
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
}
