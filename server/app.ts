import { Hono } from 'hono';
import { accountRoutes } from './accounts/routes.ts';
import { logoRoutes } from './accounts/logo-routes.ts';
import { adminApp } from './admin/index.ts';
import { HTTPException } from 'hono/http-exception';
import { challengePages } from './checkout/challenge.tsx';
import { linkPages } from './checkout/link.tsx';
import { checkoutPages } from './checkout/pages.tsx';
import { checkoutRoutes } from './checkout/routes.ts';
import { stripeRoutes } from './checkout/stripe-routes.ts';
import { customerRoutes } from './customers/routes.ts';
import { type Deps, jsonLogger } from './deps.ts';
import { Api } from './http/api.ts';
import { bodyLimits } from './http/body-limit.ts';
import { secretKeyAuth } from './http/auth.ts';
import type { AppEnv } from './http/env.ts';
import { ApiError } from './http/errors.ts';
import { idempotency } from './http/idempotency.ts';
import { loggedPath } from './http/log-path.ts';
import { offerRoutes } from './offers/routes.ts';
import { openApiRoutes } from './openapi/routes.ts';
import { subscriptionRoutes } from './subscriptions/routes.ts';
import { invoiceRoutes } from './invoices/routes.ts';
import { documentRoutes } from './documents/routes.ts';
import { testClockRoutes } from './billing/routes.ts';
import { demoRoutes } from './demo/routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';
import { widgetRoutes } from './widget/routes.ts';
import { pricingTableRoutes } from './pricing-tables/routes.ts';
import { portalPages } from './portal/pages.tsx';
import { invoicePages } from './invoices/pages.tsx';
import { documentPages } from './documents/pages.ts';

const apiError = (status: 400 | 404 | 413 | 500, code: string, message: string, type: 'invalid_request_error' | 'not_found' | 'api_error') =>
  new ApiError(status, type, code, message);

/** Builds the whole Porte HTTP app from its dependencies. Reads no environment. */
export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const incoming = c.req.header('X-Request-Id');
    const requestId = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : `req_${crypto.randomUUID().replaceAll('-', '')}`;
    c.set('deps', deps);
    c.set('requestId', requestId);
    const started = performance.now();
    await next();
    deps.log?.({
      level: c.res.status >= 500 ? 'error' : 'info',
      msg: 'request',
      request_id: requestId,
      method: c.req.method,
      path: loggedPath(c),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      merchant: c.var.merchant?.id,
    });
    // Set on the response's own headers: c.header() on a finished response rebuilds it (on Node a
    // full WHATWG Response each call, ~6% of a POST /v1/customers). Headers of a Response built
    // elsewhere may be immutable (Response.redirect, fetch): then c.header() copies it, as before.
    const headers = c.res.headers;
    const set = (name: string, value: string) => {
      try {
        headers.set(name, value);
      } catch {
        c.header(name, value);
      }
    };
    set('X-Request-Id', requestId);
    set('X-Content-Type-Options', 'nosniff');
    // A page may ask for a stricter policy (the portal's token is in its URL): keep it.
    if (!headers.has('Referrer-Policy')) set('Referrer-Policy', 'strict-origin-when-cross-origin');
  });

  app.onError((error, c) => {
    let apiErr: ApiError;
    if (error instanceof ApiError) apiErr = error;
    else if (error instanceof HTTPException && error.status < 500) {
      apiErr = apiError(error.status === 413 ? 413 : 400, 'request_invalid', error.message || 'Bad request.', 'invalid_request_error');
    } else {
      (deps.log ?? jsonLogger)({ level: 'error', msg: 'unhandled error', request_id: c.var.requestId, method: c.req.method, path: loggedPath(c), error: String(error instanceof Error ? (error.stack ?? error.message) : error) });
      apiErr = apiError(500, 'internal_error', 'Something went wrong on our side; it is safe to retry.', 'api_error');
    }
    const body = apiErr.toJSON();
    (body.error as Record<string, string>).request_id = c.var.requestId;
    return c.json(body, apiErr.status);
  });

  // Before any route: no handler reads more of a body than its area's byte limit.
  app.use(bodyLimits());

  app.notFound((c) => c.json(apiError(404, 'route_not_found', `No route ${c.req.method} ${c.req.path}.`, 'not_found').toJSON(), 404));

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/favicon.ico', (c) => c.body(null, 204));
  logoRoutes(app);

  const api = new Api(app);
  // Public documentation first: it must not sit behind the secret-key middleware below.
  openApiRoutes(app, api);

  // The merchant REST API: server-to-server only, so no CORS headers are ever sent from here.
  app.use('/v1/*', secretKeyAuth, idempotency);
  customerRoutes(api);
  checkoutRoutes(api);
  subscriptionRoutes(api);
  invoiceRoutes(api);
  documentRoutes(api);
  testClockRoutes(api);
  webhookRoutes(api);
  accountRoutes(api);

  // Hosted pages: server-rendered Preact, hydrated by /assets/*.js.
  checkoutPages(app);
  linkPages(app);
  challengePages(app);
  stripeRoutes(app);
  portalPages(app);
  invoicePages(app);
  documentPages(app);
  widgetRoutes(app);
  demoRoutes(app);
  offerRoutes(api);
  pricingTableRoutes(api);
  app.route('/admin', adminApp());

  return app;
}
