import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './env.ts';
import { ApiError } from './errors.ts';

const KB = 1024;

/**
 * Request body limits in bytes, by path prefix (the longest matching prefix wins). Every route
 * that reads a body is covered, including routes added later: they get `DEFAULT_BODY_LIMIT`.
 * Sizes are what the legitimate client sends, with room to spare: checkout and portal forms are
 * a few hundred bytes, the widget's JSON smaller still; Stripe's event payloads are tens of KB.
 */
export const BODY_LIMITS: readonly (readonly [prefix: string, bytes: number])[] = [
  ['/v1/', 100 * KB],
  ['/widget/v1/', 16 * KB],
  ['/checkout/', 32 * KB],
  ['/portal/', 32 * KB],
  ['/webhooks/stripe', 512 * KB],
  ['/admin/', 64 * KB],
  // The business's logo (at most 256 KB, checked again by its handler), with multipart framing.
  ['/admin/settings/logo', 272 * KB],
];
export const DEFAULT_BODY_LIMIT = 32 * KB;

export const bodyLimitFor = (path: string): number => {
  let best: readonly [string, number] | undefined;
  for (const entry of BODY_LIMITS) if (path.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  return best?.[1] ?? DEFAULT_BODY_LIMIT;
};

const tooLarge = (limit: number) => new ApiError(413, 'invalid_request_error', 'body_too_large', `The request body is larger than ${limit / KB} KB.`);

/**
 * The one body-size guard, in front of every route. Hono's `bodyLimit` counts bytes as they
 * stream in (chunked bodies included: no Content-Length needed) and stops at the limit, so no
 * handler ever buffers more than that; a declared Content-Length above it is refused unread.
 * The rest of an oversized body is then discarded unbuffered (on Node, @hono/node-server drains
 * up to 64 MB, then closes the socket), so the client can still read its 413.
 */
export const bodyLimits = (limitFor: (path: string) => number = bodyLimitFor): MiddlewareHandler<AppEnv> => {
  const cache = new Map<number, MiddlewareHandler>();
  return async (c, next) => {
    // GET and HEAD carry no body (fetch refuses one). Reading `c.req.raw.body` to find out would,
    // on Node, turn @hono/node-server's lightweight request into a full WHATWG Request with a
    // stream and an AbortController (~12% of a POST /v1/customers): the headers say as much.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const limit = limitFor(c.req.path);
    // A declared length without chunking frames the body exactly (the HTTP parser reads that many
    // bytes and no more), so comparing it is the whole check; hono's bodyLimit does the same.
    const declared = c.req.header('Content-Length');
    if (declared !== undefined && c.req.header('Transfer-Encoding') === undefined && /^\d+$/.test(declared)) {
      if (Number(declared) > limit) throw tooLarge(limit);
      return next();
    }
    if (!c.req.raw.body) return next();
    let guard = cache.get(limit);
    if (!guard) {
      guard = bodyLimit({
        maxSize: limit,
        onError: () => {
          throw tooLarge(limit);
        },
      });
      cache.set(limit, guard);
    }
    return guard(c, next);
  };
};
