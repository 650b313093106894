import * as v from 'valibot';
import type { Context } from 'hono';
import type { Api } from '../http/api.ts';
import type { AppEnv } from '../http/env.ts';
import { notFound } from '../http/errors.ts';
import { listQueryEntries, listSchema, page } from '../http/pagination.ts';
import { pricingTableCreateSchema, pricingTableOut, pricingTableUpdateSchema } from './schema.ts';
import { pricingTableService } from './service.ts';

const tag = 'Pricing tables';
const listQuery = v.strictObject(listQueryEntries);

const service = (c: Context<AppEnv>) => pricingTableService(c.var.deps.db, c.var.deps.clock);
// Hono has already percent-decoded the path parameter.
const referenceParam = (c: Context<AppEnv>) => c.req.param('reference') ?? '';

export function pricingTableRoutes(api: Api): void {
  api.route(
    { method: 'post', path: '/v1/pricing_tables', tag, summary: 'Create a pricing table from offer references', body: pricingTableCreateSchema, response: pricingTableOut, status: 201 },
    async (c, { body }) => service(c).create(c.var.merchant.id, body),
  );

  api.route(
    { method: 'get', path: '/v1/pricing_tables', tag, summary: 'List pricing tables, newest first (starting_after takes a reference)', query: listQuery, response: listSchema(pricingTableOut) },
    async (c, { query }) => {
      const merchantId = c.var.merchant.id;
      let afterRowid: number | undefined;
      if (query.starting_after) {
        const cursor = await service(c).row(merchantId, query.starting_after).catch(() => undefined);
        if (!cursor) throw notFound('pricing table', 'starting_after');
        afterRowid = cursor.rowid;
      }
      return page(await service(c).list(merchantId, { limit: query.limit + 1, afterRowid }), query.limit);
    },
  );

  api.route(
    { method: 'get', path: '/v1/pricing_tables/:reference', tag, summary: 'Retrieve a pricing table', response: pricingTableOut },
    async (c) => service(c).get(c.var.merchant.id, referenceParam(c)),
  );

  api.route(
    {
      method: 'patch',
      path: '/v1/pricing_tables/:reference',
      tag,
      summary: 'Update a pricing table: offers replaces the list, highlighted must be one of them (null removes it)',
      body: pricingTableUpdateSchema,
      response: pricingTableOut,
    },
    async (c, { body }) => service(c).update(c.var.merchant.id, referenceParam(c), body),
  );
}
