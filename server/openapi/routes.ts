import { Scalar } from '@scalar/hono-api-reference';
import type { Hono } from 'hono';
import type { Api } from '../http/api.ts';
import { newNonce } from '../http/csp.ts';
import type { AppEnv } from '../http/env.ts';
import { openApiDocument } from './document.ts';
import { widgetGuide } from './widget-guide.ts';

/**
 * Scalar's standalone bundle, copied from @scalar/api-reference into dist/public/assets by the
 * build (vite.config.ts): served from Porte's own origin, like every other script on its pages.
 */
export const SCALAR_BUNDLE = '/assets/scalar-api-reference.js';

/**
 * Runs before Scalar's bundle, under the page's nonce, so the reference works under a strict CSP:
 * - zod (inside the bundle) probes whether it may compile with `Function()`; the policy forbids
 *   eval, so say so up front instead of triggering a violation report on every visit;
 * - some of Scalar's components (its theme, its toasts) insert <style> elements without the nonce
 *   Scalar itself reads from meta[csp-nonce]: give them that nonce as they are inserted.
 */
const bootstrap = `globalThis.__zod_globalConfig={...globalThis.__zod_globalConfig,jitless:true};
(()=>{const nonce=document.currentScript.nonce;for(const name of['appendChild','insertBefore']){const original=Node.prototype[name];
Node.prototype[name]=function(node,...rest){if(node instanceof HTMLStyleElement&&!node.nonce)node.nonce=nonce;return original.call(this,node,...rest)}}})()`;

// Scripts and <style> elements: this page's nonce only (so only Porte's own scripts and the bundle
// can add styles). Scalar's Vue components also set style attributes (no script can run from one),
// hence style-src-attr on /docs. Nothing is fetched from another origin.
const docsCsp = (nonce: string, options: { styleAttributes?: boolean; api?: string } = {}) =>
  [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    ...(options.styleAttributes ? ["style-src-attr 'unsafe-inline'"] : []),
    "img-src 'self' data:",
    "font-src 'self' data:",
    // "Test request" calls the API at PORTE_PUBLIC_URL, which a proxy may serve on another origin.
    `connect-src 'self'${options.api ? ` ${options.api}` : ''}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

/**
 * A reference for Porte's API only: none of Scalar's own product prompts (AI agent, SDK generator,
 * developer tools), which lead to Scalar's services. Options of the bundle newer than the Hono package's types.
 */
const withoutScalarPrompts = {
  showDeveloperTools: 'never',
  mcp: { disabled: true },
  agent: { disabled: true },
  customCss: '[class*="explore-scalar"]{display:none!important}',
} as const;

export function openApiRoutes(app: Hono<AppEnv>, api: Api): void {
  app.get('/v1/openapi.json', (c) => c.json(openApiDocument(api.endpoints, c.var.deps.config.publicUrl)));

  app.get('/docs', async (c, next) => {
    const nonce = newNonce();
    const page = await Scalar<AppEnv>({
      url: '/v1/openapi.json',
      cdn: SCALAR_BUNDLE,
      nonce,
      pageTitle: 'Porte API reference',
      withDefaultFonts: false,
      telemetry: false,
      hideClientButton: true,
      ...withoutScalarPrompts,
      defaultHttpClient: { targetKey: 'shell', clientKey: 'curl' },
      metaData: { title: 'Porte API reference' },
    })(c, next);
    // Scalar's page has no language and shows nothing without JavaScript: add both.
    const body = (await page?.text() ?? '')
      .replace('<html>', '<html lang="en">')
      .replace('</title>', `</title>\n    <script nonce="${nonce}">${bootstrap}</script>`)
      .replace('<div id="app"></div>', `<noscript><p>The interactive reference needs JavaScript. The same content is in <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1); the widget guide is at <a href="/docs/widget">/docs/widget</a>.</p></noscript><div id="app"></div>`);
    c.header('Content-Security-Policy', docsCsp(nonce, { styleAttributes: true, api: new URL(c.var.deps.config.publicUrl).origin }));
    return c.html(body);
  });

  app.get('/docs/widget', (c) => {
    const nonce = newNonce();
    c.header('Content-Security-Policy', docsCsp(nonce));
    return c.html(widgetGuide(nonce, c.var.deps.config.publicUrl));
  });
}
