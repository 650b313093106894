import type { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { pickLocale } from '../../hosted-pages/i18n.ts';
import { newNonce } from '../http/csp.ts';
import type { AppEnv } from '../http/env.ts';
import { merchantRepository } from '../merchants/repository.ts';

const css = `body{margin:0;font:16px/1.6 Georgia,serif;color:#222;background:#fffdf8}
nav{display:flex;justify-content:space-between;align-items:center;padding:16px 32px;border-bottom:1px solid #eee}
nav b{font-size:1.3rem}nav a{color:#7a3b00;margin-left:16px}
.hero{text-align:center;padding:48px 16px 16px}.hero h1{font-size:2.4rem;margin:0 0 8px}
.hero p{color:#555;max-width:620px;margin:0 auto}
section{max-width:1040px;margin:0 auto;padding:24px 16px}
[data-porte-pricing-table]{--porte-accent:#b4530a;--porte-radius:14px}
.cta{text-align:center;padding:24px}.cta button{font:inherit;padding:12px 22px;border-radius:10px;border:2px solid #b4530a;background:#fff;color:#b4530a;cursor:pointer}
footer{text-align:center;color:#777;font-size:.9rem;padding:32px}`;

/**
 * /demo: a small merchant's pricing page ("Atelier Lumière"), using the widget exactly as a
 * merchant would: one script tag, a pricing table and a checkout button.
 */
export function demoRoutes(app: Hono<AppEnv>): void {
  app.get('/demo', async (c) => {
    const { deps } = c.var;
    const repo = merchantRepository(deps.db);
    const merchant = await repo.bySlug('demo');
    const key = merchant && (await repo.publishableKey(merchant.id));
    if (!merchant || !key) return c.text('The demo merchant was not seeded (PORTE_SEED=0).', 404);
    const fr = pickLocale(c.req.query('locale'), c.req.header('Accept-Language')) === 'fr';
    const nonce = newNonce();
    const self = new URL(deps.config.publicUrl).origin;
    c.header(
      'Content-Security-Policy',
      `default-src 'none'; script-src ${self} 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src ${self}; frame-src ${self}; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    );
    const locale = fr ? 'fr' : 'en';
    return c.html(html`<!doctype html><html lang="${locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Atelier Lumière — ${fr ? 'Tarifs' : 'Pricing'}</title>
<style nonce="${nonce}">${raw(css)}</style></head><body>
<nav><b>Atelier Lumière</b><span><a href="?locale=en">English</a><a href="?locale=fr">Français</a></span></nav>
<div class="hero"><h1>${fr ? 'Des outils simples pour les créateurs' : 'Simple tools for independent makers'}</h1>
<p>${fr ? 'Choisissez une formule. Sans engagement, résiliable à tout moment.' : 'Pick a plan. No commitment, cancel any time.'}</p></div>
<section><div data-porte-pricing-table="default" data-locale="${locale}"></div></section>
<div class="cta"><button type="button" data-porte-checkout="basic-monthly" data-mode="redirect" data-locale="${locale}">${fr ? 'Commencer avec Basic (page de paiement)' : 'Start with Basic (hosted page)'}</button></div>
<footer>${fr ? 'Boutique de démonstration de Porte — mode test : carte 4242 4242 4242 4242.' : 'Porte demo shop — test mode: card 4242 4242 4242 4242.'}</footer>
<script src="${deps.config.publicUrl}/widget.js" data-key="${key}" async></script>
</body></html>`);
  });
}
