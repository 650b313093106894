import type { MiddlewareHandler } from 'hono';
import { hashKey, keyPattern } from '../merchants/keys.ts';
import { merchantRepository } from '../merchants/repository.ts';
import type { AppEnv } from './env.ts';
import { unauthenticated } from './errors.ts';

/** `Authorization: Bearer porte_sk_…` for the merchant REST API. Publishable keys are refused here. */
export const secretKeyAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('Authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw unauthenticated('Missing API key: send `Authorization: Bearer porte_sk_…`.');
  const token = match[1];
  const parsed = keyPattern.exec(token);
  if (!parsed) throw unauthenticated('Invalid API key.');
  if (parsed[1] === 'pk') {
    throw unauthenticated('This is a publishable key: the REST API needs the secret key (porte_sk_…).');
  }
  const merchant = await merchantRepository(c.var.deps.db).byKeyHash('secret', await hashKey(token));
  // The key decides the environment; a key whose prefix says another mode than its row is no key.
  if (!merchant || merchant.mode !== parsed[2]) throw unauthenticated('Invalid API key.');
  c.set('merchant', merchant);
  await next();
};
