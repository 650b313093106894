import type { Api } from '../http/api.ts';
import { checkoutSessionCreateSchema, checkoutSessionOut } from './schema.ts';
import { checkoutService, sessionJson } from './service.ts';

const tag = 'Checkout sessions';

export function checkoutRoutes(api: Api): void {
  api.route(
    {
      method: 'post',
      path: '/v1/checkout_sessions',
      tag,
      summary: 'Create a checkout session (redirect the customer to its url; valid 24 h)',
      body: checkoutSessionCreateSchema,
      response: checkoutSessionOut,
      status: 201,
    },
    async (c, { body }) => {
      const { deps } = c.var;
      const { session } = await checkoutService(deps).create(c.var.merchant, body, 'api');
      return sessionJson(session, deps.config.publicUrl, deps.clock());
    },
  );
  api.route(
    { method: 'get', path: '/v1/checkout_sessions/:id', tag, summary: 'Retrieve a checkout session (status, customer, subscription)', response: checkoutSessionOut },
    async (c) => {
      const { deps } = c.var;
      const session = await checkoutService(deps).get(c.var.merchant.id, c.req.param('id') ?? '');
      return sessionJson(session, deps.config.publicUrl, deps.clock());
    },
  );
}
