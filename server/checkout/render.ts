import type { Context } from 'hono';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { renderDocument } from '../../hosted-pages/document.ts';
import type { Locale } from '../../hosted-pages/i18n.ts';
import { type CspOptions, contentSecurityPolicy, newNonce } from '../http/csp.ts';
import { brandOf } from '../accounts/service.ts';
import type { AppEnv } from '../http/env.ts';
import type { Merchant } from '../merchants/repository.ts';

export interface PageOptions extends CspOptions {
  locale: Locale;
  title: string;
  node: VNode;
  status?: 200 | 400 | 403 | 404 | 409 | 410 | 422 | 429 | 503;
  /** Name of the hydration bundle under /assets (e.g. `checkout`) and its props. */
  hydrate?: { bundle: string; props: unknown };
  /** Whose page this is: its brand (colour, logo) is shown. */
  merchant?: Merchant;
}

/** Server-renders a Preact page inside the shared document, with a fresh nonce and its CSP. */
export async function renderPage(c: Context<AppEnv>, o: PageOptions): Promise<Response> {
  const nonce = newNonce();
  const body = renderToString(o.node);
  c.header('Content-Security-Policy', contentSecurityPolicy(nonce, o));
  c.header('Cache-Control', 'no-store');
  const document = await renderDocument({
    locale: o.locale,
    title: o.title,
    nonce,
    body,
    script: o.hydrate && { src: `/assets/${o.hydrate.bundle}.js`, props: o.hydrate.props },
    externalScripts: o.stripe ? ['https://js.stripe.com/v3/'] : [],
    brand: o.merchant && brandOf(o.merchant, c.var.deps.config.publicUrl),
  });
  return c.html(document, o.status ?? 200);
}
