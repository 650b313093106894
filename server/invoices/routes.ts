import * as v from 'valibot';
import { clockFor } from '../billing/clock.ts';
import type { Api } from '../http/api.ts';
import { invalid, notFound } from '../http/errors.ts';
import { listQueryEntries, listSchema, page } from '../http/pagination.ts';
import { jsonObject } from '../http/validate.ts';
import { invoiceJson, invoicesJson } from './links.ts';
import { invoiceRepository } from './repository.ts';
import { invoiceOut } from './schema.ts';
import { payInvoice, upcomingInvoice, voidInvoice } from './service.ts';

const tag = 'Invoices';
const id = v.pipe(v.string(), v.maxLength(64));
const listQuery = v.strictObject({
  ...listQueryEntries,
  customer: v.optional(id),
  subscription: v.optional(id),
  status: v.optional(v.picklist(['draft', 'open', 'paid', 'void', 'uncollectible'], 'status must be one of draft, open, paid, void, uncollectible.')),
});
const payBody = jsonObject(
  v.strictObject({
    paid_out_of_band: v.optional(v.boolean('paid_out_of_band must be true or false.')),
    method: v.optional(v.picklist(['bank_transfer', 'check', 'cash', 'other'], 'method must be bank_transfer, check, cash or other.')),
  }),
  'The request body must be a JSON object.',
);
const upcomingOut = v.object({ ...invoiceOut.entries, id: v.null() });

export function invoiceRoutes(api: Api): void {
  api.route(
    { method: 'get', path: '/v1/invoices', tag, summary: 'List invoices, newest first, by customer, subscription or status', query: listQuery, response: listSchema(invoiceOut) },
    async (c, { query }) => {
      const { db, config } = c.var.deps;
      const repo = invoiceRepository(db);
      let afterSeq: number | undefined;
      if (query.starting_after) {
        const cursor = await repo.byId(c.var.merchant.id, query.starting_after);
        if (!cursor) throw notFound('invoice', 'starting_after');
        afterSeq = cursor.seq;
      }
      const rows = await repo.list(c.var.merchant.id, { limit: query.limit + 1, afterSeq, customerId: query.customer, subscriptionId: query.subscription, status: query.status });
      const now = (await clockFor(c.var.deps, c.var.merchant))();
      return page(await invoicesJson(db, config.publicUrl, rows, now), query.limit);
    },
  );
  api.route(
    {
      method: 'get',
      path: '/v1/invoices/upcoming',
      tag,
      summary: 'Preview the next invoice of a subscription (not stored)',
      query: v.strictObject({ subscription: id }),
      response: upcomingOut,
    },
    async (c, { query }) => upcomingInvoice(c.var.deps, c.var.merchant, query.subscription),
  );
  api.route({ method: 'get', path: '/v1/invoices/:id', tag, summary: 'Retrieve an invoice', response: invoiceOut }, async (c) => {
    const inv = await invoiceRepository(c.var.deps.db).byId(c.var.merchant.id, c.req.param('id') ?? '');
    if (!inv) throw notFound('invoice');
    return invoiceJson(c.var.deps.db, c.var.deps.config.publicUrl, inv, (await clockFor(c.var.deps, c.var.merchant))());
  });
  api.route(
    {
      method: 'post',
      path: '/v1/invoices/:id/pay',
      tag,
      summary: 'Charge the saved payment method now, or record an offline payment (paid_out_of_band, method); open and uncollectible invoices can be paid',
      body: payBody,
      response: invoiceOut,
    },
    async (c, { body }) => {
      if (body.method && !body.paid_out_of_band) throw invalidPair();
      const offline = body.paid_out_of_band ? (body.method ?? 'other') : null;
      const inv = await payInvoice(c.var.deps, c.var.merchant, c.req.param('id') ?? '', offline);
      return invoiceJson(c.var.deps.db, c.var.deps.config.publicUrl, inv, (await clockFor(c.var.deps, c.var.merchant))());
    },
  );
  api.route(
    { method: 'post', path: '/v1/invoices/:id/void', tag, summary: 'Void an open, unpaid invoice (a credit note keeps the numbering gapless)', response: invoiceOut },
    async (c) => {
      const inv = await voidInvoice(c.var.deps, c.var.merchant, c.req.param('id') ?? '');
      return invoiceJson(c.var.deps.db, c.var.deps.config.publicUrl, inv, (await clockFor(c.var.deps, c.var.merchant))());
    },
  );
}

const invalidPair = () => invalid('method', 'method is for offline payments: send it with paid_out_of_band: true.');
