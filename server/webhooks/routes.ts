import * as v from 'valibot';
import type { Api } from '../http/api.ts';
import { notFound } from '../http/errors.ts';
import { listQueryEntries, listSchema, page } from '../http/pagination.ts';
import { resend } from './delivery.ts';
import { type Delivery, type Endpoint, webhookRepository } from './repository.ts';
import { createEndpoint, deleteEndpoint } from './service.ts';
import { webhookDeliveryOut, webhookEndpointCreateSchema, webhookEndpointOut } from './schema.ts';

const tag = 'Webhook endpoints';

const endpointJson = (e: Endpoint, withSecret = false): v.InferOutput<typeof webhookEndpointOut> => ({
  id: e.id,
  object: 'webhook_endpoint',
  url: e.url,
  events: e.events,
  status: e.status,
  ...(withSecret ? { secret: e.secret } : {}),
  created_at: e.createdAt,
});

const deliveryJson = (d: Delivery): v.InferOutput<typeof webhookDeliveryOut> => ({
  id: d.id,
  object: 'webhook_delivery',
  event: d.eventId,
  event_type: d.eventType,
  status: d.status,
  attempts: d.attempts,
  next_attempt_at: d.status === 'pending' ? d.nextAttemptAt : null,
  last_status: d.lastStatus,
  last_error: d.lastError,
  created_at: d.createdAt,
  delivered_at: d.deliveredAt,
});

export function webhookRoutes(api: Api): void {
  api.route(
    { method: 'post', path: '/v1/webhook_endpoints', tag, summary: 'Create a webhook endpoint (the signing secret is shown only here)', body: webhookEndpointCreateSchema, response: webhookEndpointOut, status: 201 },
    async (c, { body }) => {
      const endpoint = await createEndpoint(c.var.deps, c.var.merchant, body);
      return endpointJson(endpoint, true);
    },
  );

  api.route(
    { method: 'get', path: '/v1/webhook_endpoints', tag, summary: 'List webhook endpoints', query: v.strictObject(listQueryEntries), response: listSchema(webhookEndpointOut) },
    async (c, { query }) => {
      const repo = webhookRepository(c.var.deps.db);
      let afterSeq: number | undefined;
      if (query.starting_after) {
        const cursor = await repo.endpoint(c.var.merchant.id, query.starting_after);
        if (!cursor) throw notFound('webhook endpoint', 'starting_after');
        afterSeq = cursor.seq;
      }
      const rows = await repo.endpoints(c.var.merchant.id, query.limit + 1, afterSeq);
      return page(rows.map((e) => endpointJson(e)), query.limit);
    },
  );

  const mustGet = async (c: Parameters<Parameters<Api['route']>[1]>[0]) => {
    const endpoint = await webhookRepository(c.var.deps.db).endpoint(c.var.merchant.id, c.req.param('id') ?? '');
    if (!endpoint) throw notFound('webhook endpoint');
    return endpoint;
  };

  api.route({ method: 'get', path: '/v1/webhook_endpoints/:id', tag, summary: 'Retrieve a webhook endpoint', response: webhookEndpointOut }, async (c) =>
    endpointJson(await mustGet(c)),
  );

  api.route(
    { method: 'delete', path: '/v1/webhook_endpoints/:id', tag, summary: 'Delete a webhook endpoint', response: v.object({ id: v.string(), object: v.literal('webhook_endpoint'), deleted: v.literal(true) }) },
    async (c) => {
      const endpoint = await mustGet(c);
      await deleteEndpoint(c.var.deps, endpoint);
      return { id: endpoint.id, object: 'webhook_endpoint' as const, deleted: true as const };
    },
  );

  api.route(
    { method: 'get', path: '/v1/webhook_endpoints/:id/deliveries', tag, summary: 'Delivery history of an endpoint (newest first)', response: listSchema(webhookDeliveryOut) },
    async (c) => {
      const endpoint = await mustGet(c);
      const rows = await webhookRepository(c.var.deps.db).deliveries(endpoint.id, 101);
      return page(rows.map(deliveryJson), 100);
    },
  );

  api.route(
    { method: 'post', path: '/v1/webhook_endpoints/:id/deliveries/:delivery/resend', tag, summary: 'Send a delivery again now', response: v.object({ id: v.string(), object: v.literal('webhook_delivery'), status: v.literal('pending') }) },
    async (c) => {
      const endpoint = await mustGet(c);
      const id = c.req.param('delivery') ?? '';
      const owned = await c.var.deps.db.get('SELECT 1 FROM webhook_deliveries WHERE id = ? AND endpoint_id = ?', [id, endpoint.id]);
      if (!owned || !(await resend(c.var.deps.db, id, c.var.deps.clock()))) throw notFound('webhook delivery', 'delivery');
      return { id, object: 'webhook_delivery' as const, status: 'pending' as const };
    },
  );
}
