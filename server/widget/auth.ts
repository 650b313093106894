import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { hashKey, keyHint, keyPattern } from '../merchants/keys.ts';
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
  // Each refusal says what to fix: the widget prints it once in the merchant's console.
  if (!parsed) {
    throw refusal(
      'invalid_key',
      key
        ? `data-key "${key.slice(0, 24)}" is not a Porte publishable key (porte_pk_test_… or porte_pk_live_…). Copy yours from Settings → Keys.`
        : 'The script tag has no data-key. Add data-key="porte_pk_…", your publishable key from Settings → Keys.',
    );
  }
  const [, kind, mode] = parsed;
  if (kind !== 'pk') {
    throw refusal(
      'secret_key_in_page',
      `data-key holds a secret key (porte_sk_${mode}_…), which must never be in a web page: roll it now in Settings → Keys (${mode} mode), and use the ${mode}-mode publishable key (porte_pk_${mode}_…) instead.`,
    );
  }
  const merchant = await merchantRepository(c.var.deps.db).byKeyHash('publishable', await hashKey(key));
  if (!merchant) {
    throw refusal('unknown_key', `The ${mode}-mode publishable key ${keyHint(key)} is not known to the Porte server at ${c.var.deps.config.publicUrl}. Copy the ${mode}-mode publishable key from Settings → Keys into data-key.`);
  }
  if (!originAllowed(origin, merchant.allowedOrigins)) {
    throw new ApiError(
      403,
      'authentication_error',
      'origin_not_allowed',
      `The origin ${origin ?? '(none)'} is not allowed for the ${merchant.mode}-mode key of ${merchant.name}. Add ${origin ?? 'this page’s origin'} in Settings → Allowed origins (${merchant.mode} mode).`,
      'Origin',
    );
  }
  return { merchant, origin: origin ?? '' };
}

const refusal = (code: string, message: string) => new ApiError(401, 'authentication_error', code, message, 'key');

export const publishableKeyAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.header('Vary', 'Origin');
  let found: Awaited<ReturnType<typeof merchantFor>>;
  try {
    found = await merchantFor(c);
  } catch (error) {
    // A refusal holds no data, only what to fix: the page that asked may read it, so the widget can
    // tell the merchant's developer. Its preflight is answered too, so the POST that follows gets
    // the same refusal (the browser would otherwise report a bare CORS failure).
    if (!(error instanceof ApiError)) throw error;
    c.header('Access-Control-Allow-Origin', '*');
    if (c.req.method !== 'OPTIONS') throw error;
    c.header('Access-Control-Allow-Methods', 'GET, POST');
    c.header('Access-Control-Allow-Headers', 'Content-Type');
    return c.body(null, 204);
  }
  const { merchant, origin } = found;
  if (c.req.method === 'OPTIONS') {
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Allow-Methods', 'GET, POST');
    c.header('Access-Control-Allow-Headers', 'Content-Type');
    c.header('Access-Control-Max-Age', '600');
    return c.body(null, 204);
  }
  c.set('merchant', merchant);
  await next();
  c.header('Access-Control-Allow-Origin', origin);
};
