import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { ApiError, unauthenticated } from '../http/errors.ts';
import { hashKey, keyPattern } from '../merchants/keys.ts';
import { originAllowed } from '../merchants/origins.ts';
import { merchantRepository } from '../merchants/repository.ts';

/**
 * The widget's public endpoints: a publishable key (never a secret one) AND a request Origin among
 * the merchant's allowed origins. The key travels in the query string so even a preflight can be
 * checked: CORS headers go to allowed origins only, everyone else is refused by the browser.
 */
async function merchantFor(c: Parameters<MiddlewareHandler<AppEnv>>[0]) {
  // Browsers omit Origin on same-origin GETs (Porte's own /demo page); Sec-Fetch-Site vouches for it.
  const origin =
    c.req.header('Origin') ??
    (c.req.header('Sec-Fetch-Site') === 'same-origin' ? new URL(c.var.deps.config.publicUrl).origin : undefined);
  const key = c.req.query('key') ?? '';
  const parsed = keyPattern.exec(key);
  if (parsed?.[1] !== 'pk') throw unauthenticated('A publishable key (porte_pk_…) is required.');
  const merchant = await merchantRepository(c.var.deps.db).byKeyHash('publishable', await hashKey(key));
  if (!merchant) throw unauthenticated('Unknown publishable key.');
  if (!originAllowed(origin, merchant.allowedOrigins)) {
    throw new ApiError(403, 'authentication_error', 'origin_not_allowed', `The origin ${origin ?? '(none)'} is not allowed for this key. Add it in Settings → Allowed origins.`, 'Origin');
  }
  return { merchant, origin: origin ?? '' };
}

export const publishableKeyAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.header('Vary', 'Origin');
  if (c.req.method === 'OPTIONS') {
    const { origin } = await merchantFor(c);
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Allow-Methods', 'GET, POST');
    c.header('Access-Control-Allow-Headers', 'Content-Type');
    c.header('Access-Control-Max-Age', '600');
    return c.body(null, 204);
  }
  const { merchant, origin } = await merchantFor(c);
  c.set('merchant', merchant);
  await next();
  c.header('Access-Control-Allow-Origin', origin);
};

