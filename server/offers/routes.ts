import * as v from 'valibot';
import type { Context } from 'hono';
import type { Api } from '../http/api.ts';
import type { AppEnv } from '../http/env.ts';
import { notFound } from '../http/errors.ts';
import { listQueryEntries, listSchema, page } from '../http/pagination.ts';
import { queryBoolean } from '../http/query.ts';
import { toJson } from './repository.ts';
import { offerCreateSchema, offerOut, offerUpdateSchema } from './schema.ts';
import { offerService } from './service.ts';

const tag = 'Offers';
const listQuery = v.strictObject({
  ...listQueryEntries,
  visible: v.optional(queryBoolean('visible must be true or false.')),
});

const service = (c: Context<AppEnv>) => offerService(c.var.deps.db, c.var.deps.clock);
// Hono has already percent-decoded the path parameter.
const idParam = (c: Context<AppEnv>) => c.req.param('id') ?? '';

export function offerRoutes(api: Api): void {
  api.route(
    { method: 'post', path: '/v1/offers', tag, summary: 'Create an offer (amounts are integers in minor units)', body: offerCreateSchema, response: offerOut, status: 201 },
    async (c, { body }) => toJson(await service(c).create(c.var.merchant.id, body)),
  );

  api.route(
    { method: 'get', path: '/v1/offers', tag, summary: 'List offers, newest first (visible=true|false filters)', query: listQuery, response: listSchema(offerOut) },
    async (c, { query }) => {
      const merchantId = c.var.merchant.id;
      let afterSeq: number | undefined;
      if (query.starting_after) {
        const cursor = await service(c).get(merchantId, query.starting_after).catch(() => undefined);
        if (!cursor) throw notFound('offer', 'starting_after');
        afterSeq = cursor.seq;
      }
      const rows = await service(c).list(merchantId, { limit: query.limit + 1, afterSeq, visible: query.visible });
      return page(rows.map(toJson), query.limit);
    },
  );

  api.route(
    { method: 'get', path: '/v1/offers/:id', tag, summary: 'Retrieve an offer by its id (off_…) or, failing that, by its reference', response: offerOut },
    async (c) => toJson(await service(c).find(c.var.merchant.id, idParam(c))),
  );

  api.route(
    {
      method: 'patch',
      path: '/v1/offers/:id',
      tag,
      summary:
        'Update an offer (by id or reference). recurring and trial are replaced as a whole. The price (currency, amounts, recurring) can change only while no subscription uses the offer; visible: false hides it from pricing tables.',
      body: offerUpdateSchema,
      response: offerOut,
    },
    async (c, { body }) => toJson(await service(c).update(c.var.merchant.id, idParam(c), body)),
  );
}
