import type { Context } from 'hono';
import type { Api } from '../http/api.ts';
import type { AppEnv } from '../http/env.ts';
import { accountOut, accountUpdateSchema } from './schema.ts';
import { accountService, toJson } from './service.ts';

const tag = 'Account';
const service = (c: Context<AppEnv>) => accountService(c.var.deps.db);

/** The business profile, shared by the account's test and live environments. */
export function accountRoutes(api: Api): void {
  api.route({ method: 'get', path: '/v1/account', tag, summary: 'Retrieve the business profile of the key’s account', response: accountOut }, async (c) =>
    toJson(await service(c).get(c.var.merchant.accountId), c.var.merchant, c.var.deps.config.publicUrl),
  );
  api.route(
    { method: 'patch', path: '/v1/account', tag, summary: 'Update the business profile (null clears a field); applies to both environments', body: accountUpdateSchema, response: accountOut },
    async (c, { body }) => toJson(await service(c).update(c.var.merchant.accountId, body), c.var.merchant, c.var.deps.config.publicUrl),
  );
}
