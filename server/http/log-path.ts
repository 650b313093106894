import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/** Path segments kept as they are when no route pattern applies: plain words, never ids or tokens. */
const WORD = /^(?:[a-z_-]{1,30}|v\d{1,2})$/;

/**
 * What request and error logs record as the path. Portal, invoice and invitation links carry
 * their bearer token in the path, and anyone who reads logs must not be able to use them: so the
 * log holds the route pattern that answered (`/portal/:token/payment_method`), never the values.
 * When only a middleware or a catch-all answered (a 404, a 413), every segment that is not a
 * plain word is replaced. The query string is never logged (`/admin/setup?token=…`).
 */
export function loggedPath(c: Context): string {
  let pattern: string | undefined;
  try {
    pattern = matchedRoutes(c)[c.req.routeIndex]?.path;
  } catch {
    pattern = undefined;
  }
  if (pattern && !pattern.includes('*')) return pattern;
  return c.req.path
    .split('/')
    .map((segment, i) => (i === 0 || segment === '' || WORD.test(segment) ? segment : ':redacted'))
    .join('/');
}
