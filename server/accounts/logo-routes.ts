import type { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { accountRepository } from './repository.ts';

/**
 * `/brand/{sha256}`: an account's logo, public (checkout, portal, widget frame show it). The URL
 * names the bytes, so it is cached for a year and never changes meaning; a new logo is a new URL.
 */
export function logoRoutes(app: Hono<AppEnv>): void {
  app.get('/brand/:hash', async (c) => {
    const hash = c.req.param('hash');
    const logo = /^[0-9a-f]{64}$/.test(hash) ? await accountRepository(c.var.deps.db).logo(hash) : undefined;
    if (!logo) return c.body('Not found', 404);
    const bytes = Uint8Array.from(atob(logo.data), (ch) => ch.charCodeAt(0));
    return c.body(bytes, 200, {
      'Content-Type': logo.content_type,
      'Cache-Control': 'public, max-age=31536000, immutable',
      // Only ever an image: never sniffed into anything else, never a document that runs script.
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
  });
}
