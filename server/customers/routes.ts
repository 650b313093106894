import * as v from 'valibot';
import type { Api } from '../http/api.ts';
import { notFound } from '../http/errors.ts';
import { listQueryEntries, listSchema, page } from '../http/pagination.ts';
import { parse } from '../http/validate.ts';
import { toJson } from './repository.ts';
import { customerCreateSchema, customerOut, customerUpdateSchema, customerUpsertSchema, referenceSchema } from './schema.ts';
import { customerService } from './service.ts';
import { createPortalLink } from '../portal/links.ts';
import { portalLinkCreateSchema, portalLinkOut } from '../portal/schema.ts';

const tag = 'Customers';
const listQuery = v.strictObject({
  ...listQueryEntries,
  query: v.optional(v.pipe(v.string(), v.maxLength(200, 'query must be at most 200 characters.'))),
});
const deletedOut = v.object({ id: v.string(), object: v.literal('customer'), deleted: v.literal(true) });

export function customerRoutes(api: Api): void {
  const service = (c: { var: { deps: { db: Parameters<typeof customerService>[0]; clock: () => Date } } }) =>
    customerService(c.var.deps.db, c.var.deps.clock);

  api.route(
    { method: 'post', path: '/v1/customers', tag, summary: 'Create a customer', body: customerCreateSchema, response: customerOut, status: 201 },
    async (c, { body }) => toJson(await service(c).create(c.var.merchant.id, body)),
  );

  api.route(
    { method: 'get', path: '/v1/customers', tag, summary: 'List or search customers (email, names, company, reference)', query: listQuery, response: listSchema(customerOut) },
    async (c, { query }) => {
      const merchantId = c.var.merchant.id;
      let afterSeq: number | undefined;
      if (query.starting_after) {
        const cursor = await service(c).get(merchantId, query.starting_after).catch(() => undefined);
        if (!cursor) throw notFound('customer', 'starting_after');
        afterSeq = cursor.seq;
      }
      const rows = await service(c).list(merchantId, { limit: query.limit + 1, afterSeq, query: query.query });
      return page(rows.map(toJson), query.limit);
    },
  );

  api.route(
    { method: 'get', path: '/v1/customers/:id', tag, summary: 'Retrieve a customer', response: customerOut },
    async (c) => toJson(await service(c).get(c.var.merchant.id, c.req.param('id') ?? '')),
  );

  api.route(
    { method: 'patch', path: '/v1/customers/:id', tag, summary: 'Update a customer (grey_listed: false removes it from the grey list)', body: customerUpdateSchema, response: customerOut },
    async (c, { body }) => toJson(await service(c).update(c.var.merchant.id, c.req.param('id') ?? '', body)),
  );

  api.route(
    { method: 'delete', path: '/v1/customers/:id', tag, summary: 'Delete a customer (refused while a subscription is active)', response: deletedOut },
    async (c) => {
      const customer = await service(c).remove(c.var.merchant.id, c.req.param('id') ?? '');
      return { id: customer.id, object: 'customer' as const, deleted: true as const };
    },
  );

  api.route(
    { method: 'put', path: '/v1/customers/by-reference/:reference', tag, summary: 'Create or update the customer with this reference', body: customerUpsertSchema, response: customerOut },
    async (c, { body }) => {
      // Hono has already percent-decoded the path parameter: decoding again would turn `50%25` into a 500.
      const reference = parse(referenceSchema, c.req.param('reference') ?? '', 'reference');
      const { customer, created } = await service(c).upsertByReference(c.var.merchant.id, reference, body);
      c.status(created ? 201 : 200);
      return toJson(customer);
    },
  );

  api.route(
    { method: 'post', path: '/v1/customers/:id/anonymize', tag, summary: 'Anonymize a customer (GDPR; refused while a subscription is active)', response: customerOut },
    async (c) => toJson(await service(c).anonymize(c.var.merchant.id, c.req.param('id') ?? '')),
  );

  api.route(
    { method: 'post', path: '/v1/customers/:id/revoke_links', tag, summary: 'Revoke every portal link given so far', response: customerOut },
    async (c) => toJson(await service(c).revokeLinks(c.var.merchant.id, c.req.param('id') ?? '')),
  );

  api.route(
    { method: 'post', path: '/v1/customers/:id/portal_links', tag, summary: 'Create a signed customer-portal link (expires_in 300..604800 s, default 1 day; refused for anonymized customers)', body: portalLinkCreateSchema, response: portalLinkOut, status: 201 },
    async (c, { body }) => createPortalLink(c.var.deps, c.var.merchant.id, c.req.param('id') ?? '', { expiresIn: body.expires_in, locale: body.locale }),
  );
}
