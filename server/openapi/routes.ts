import type { Hono } from 'hono';
import { html, raw } from 'hono/html';
import type { Api } from '../http/api.ts';
import type { AppEnv } from '../http/env.ts';
import { randomToken } from '../lib/ids.ts';
import { openApiDocument } from './document.ts';

const docsCss = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1f2330;background:#fafafa}
main{max-width:960px;margin:0 auto;padding:24px}h1{margin:0 0 4px}
input{font:inherit;padding:8px 10px;width:100%;box-sizing:border-box;margin:12px 0;border:1px solid #999;border-radius:6px}
details{background:#fff;border:1px solid #ddd;border-radius:8px;margin:8px 0;padding:8px 12px}
summary{cursor:pointer}code,pre{font:13px ui-monospace,monospace}pre{overflow:auto;background:#f3f3f6;padding:8px;border-radius:6px}
.m{display:inline-block;min-width:60px;font-weight:700;text-transform:uppercase}
.m-get{color:#0a6}.m-post{color:#05c}.m-patch,.m-put{color:#a60}.m-delete{color:#c22}
summary:focus-visible,input:focus-visible{outline:3px solid #05c;outline-offset:2px}`;

// Filters the endpoint list as the merchant types; the page works without it.
const docsJs = `const q=document.getElementById('filter');q.addEventListener('input',()=>{const t=q.value.toLowerCase();
for(const d of document.querySelectorAll('details[data-text]'))d.hidden=!d.dataset.text.includes(t)})`;

export function openApiRoutes(app: Hono<AppEnv>, api: Api): void {
  const doc = (publicUrl: string) => openApiDocument(api.endpoints, publicUrl);

  app.get('/v1/openapi.json', (c) => c.json(doc(c.var.deps.config.publicUrl)));

  app.get('/docs', (c) => {
    const nonce = randomToken(16);
    const base = c.var.deps.config.publicUrl;
    const items = api.endpoints.map((e) => {
      const path = e.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      const example =
        `curl -X ${e.method.toUpperCase()} ${base}${path} \\\n  -H "Authorization: Bearer porte_sk_test_…"` +
        (e.body ? ` \\\n  -H "Content-Type: application/json" -d '{…}'` : '');
      const operation = (doc(base).paths as Record<string, Record<string, unknown>>)[path]?.[e.method];
      return html`<details data-text="${`${e.method} ${path} ${e.summary}`.toLowerCase()}">
        <summary><span class="m m-${e.method}">${e.method}</span> <code>${path}</code> — ${e.summary}</summary>
        <pre>${example}</pre>
        <pre>${JSON.stringify(operation, null, 2)}</pre>
      </details>`;
    });
    c.header('Content-Security-Policy', `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
    return c.html(html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
      <title>Porte API reference</title><style nonce="${nonce}">${raw(docsCss)}</style></head>
      <body><main><h1>Porte API reference</h1>
      <p>Authenticate with <code>Authorization: Bearer porte_sk_…</code>. The machine-readable document is <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1).</p>
      <label for="filter">Filter endpoints</label><input id="filter" type="search" placeholder="customers, post, anonymize…">
      ${items}</main><script nonce="${nonce}">${raw(docsJs)}</script></body></html>`);
  });
}
