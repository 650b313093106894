import type { Hono } from 'hono';
import { etag } from 'hono/etag';
import * as v from 'valibot';
import { checkoutUrl } from '../checkout/service.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { parse } from '../http/validate.ts';
import { publicPricingTable } from '../pricing-tables/service.ts';
import { offerService } from '../offers/service.ts';
import { toJson as offerJson } from '../offers/repository.ts';
import { publishableKeyAuth } from './auth.ts';
import { widgetSessionCreateSchema } from './schema.ts';
import { createWidgetSession, widgetSessionResult } from './service.ts';
import { notModified, tableResponse } from './table-response.ts';

const browserLocale = (accept = '') => (accept.trim().toLowerCase().startsWith('fr') ? 'fr' : 'en');

/** Public endpoints the widget calls from merchants' pages (publishable key + allowed origin). */
export function widgetRoutes(app: Hono<AppEnv>): void {
  app.use('/widget/v1/*', publishableKeyAuth);

  // Revalidated on every use (no-cache): a visitor who saw the grid must see a new price on the
  // next page view, the price the checkout will charge, and a 304 costs about what a fresh answer
  // would on that path. Whoever caches it keys on the locale in the URL, or on Vary. The body
  // carries the grid's markup in the asked locale (the URL, hence the cache key, names it). It is
  // on the path to a painted grid, so the rendered body is kept per content (table-response.ts).
  app.get('/widget/v1/pricing_tables/:reference', async (c) => {
    const { merchant, deps } = c.var;
    // data-locale when the page sets one; otherwise the browser's first language, as navigator.language.
    const asked = c.req.query('locale') || undefined;
    const locale = parse(v.optional(v.picklist(['en', 'fr'], 'locale must be "en" or "fr": check data-locale.')), asked, 'locale') ?? browserLocale(c.req.header('Accept-Language'));
    // Accept-Encoding too: the Node entry gzips the 200 (the 304 must carry the same Vary).
    c.header('Vary', asked ? 'Origin, Accept-Encoding' : 'Origin, Accept-Language, Accept-Encoding');
    const table = await publicPricingTable(deps.db, merchant.id, c.req.param('reference'), merchant.vat);
    if (!table) {
      const reference = c.req.param('reference');
      throw new ApiError(404, 'not_found', 'pricing_table_not_found', `No pricing table "${reference}" in ${merchant.mode} mode. Check data-porte-pricing-table, or create the table in the back-office (Pricing tables).`, 'reference');
    }
    const { body, etag: tag } = await tableResponse(merchant, table, locale);
    c.header('Cache-Control', 'public, no-cache');
    c.header('ETag', tag);
    if (notModified(c.req.header('If-None-Match'), tag)) return c.body(null, 304);
    return c.body(body, 200, { 'Content-Type': 'application/json' });
  });

  app.get('/widget/v1/offers/:reference', etag(), async (c) => {
    const { merchant, deps } = c.var;
    const offer = await offerService(deps.db, deps.clock).find(merchant.id, c.req.param('reference')).catch(() => undefined);
    if (!offer?.visible) throw notFound('offer', 'offer');
    c.header('Cache-Control', 'public, no-cache');
    return c.json(offerJson(offer));
  });

  app.post('/widget/v1/checkout_sessions', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      body = undefined;
    }
    const input = parse(widgetSessionCreateSchema, body, 'body');
    const { merchant, deps } = c.var;
    const session = await createWidgetSession(deps, merchant, input, c.req.header('Origin') ?? '', c.req.header('x-porte-client-ip') ?? null);
    return c.json({ id: session.id, url: checkoutUrl(deps.config.publicUrl, session.id), expires_at: session.expiresAt }, 201);
  });

  app.get('/widget/v1/checkout_sessions/:id', async (c) => {
    const id = parse(v.pipe(v.string(), v.regex(/^cs_\w+$/, 'id must be a checkout session id.')), c.req.param('id'), 'id');
    return c.json(await widgetSessionResult(c.var.deps, c.var.merchant, id));
  });
}
