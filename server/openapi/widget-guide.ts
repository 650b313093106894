import { html, raw } from 'hono/html';

/** The widget guide at /docs/widget: a static page (no script), for the merchant's developer. */
const css = `body{font:16px/1.6 system-ui,sans-serif;margin:0;color:#1f2330;background:#fafafa}
main{max-width:860px;margin:0 auto;padding:24px 20px 64px}h1{margin:0 0 8px}h2{margin-top:40px;border-bottom:1px solid #ddd;padding-bottom:4px}
code,pre{font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace}pre{overflow:auto;background:#f0f1f5;padding:12px;border-radius:6px}
:not(pre)>code{background:#eef0f4;padding:1px 4px;border-radius:4px;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:12px 0}th,td{text-align:left;vertical-align:top;border-bottom:1px solid #e3e4e8;padding:8px 6px}
th{font-weight:600}.names td:first-child code{white-space:nowrap}.wrap{overflow-x:auto}a{color:#2447c9}a:focus-visible{outline:3px solid #2447c9;outline-offset:2px}nav a{margin-right:16px}`;

const attributes: [string, string][] = [
  ['data-key', 'On the script tag only. Your publishable key, <code>porte_pk_test_…</code> or <code>porte_pk_live_…</code>; it decides the environment.'],
  ['data-porte-pricing-table', 'On a container: renders that pricing table (its reference; empty means <code>default</code>).'],
  ['data-porte-checkout', 'On a button or link: opens the checkout for that offer (its reference or id) on click.'],
  ['data-mode', '<code>overlay</code> (default: a dialog over your page), <code>inline</code> (the checkout frame right after the element) or <code>redirect</code> (the hosted checkout page).'],
  ['data-locale', '<code>en</code> or <code>fr</code>. The grid otherwise follows the browser’s language.'],
  ['data-customer-reference', 'Your own id for the signed-in visitor: the subscription is attached to that customer (created if new).'],
  ['data-customer-email', 'Prefills the email field.'],
  ['data-customer-hash', 'Hex HMAC-SHA256 of the reference with your embed secret (back-office → Settings). Required in live mode when a reference is given, so nobody can subscribe under another customer’s reference.'],
  ['data-success-url', 'Where the customer lands after subscribing (must be on one of your allowed origins); <code>checkout_session_id=cs_…</code> is appended.'],
];

const events: [string, string, string][] = [
  ['porte:ready', 'The script has loaded (on <code>window</code>); each pricing table once it has rendered.', '<code>undefined</code> on window; <code>{pricing_table}</code> on a table'],
  ['porte:open', 'A checkout is being opened.', '<code>{offer, mode}</code>'],
  ['porte:close', 'The customer closed the checkout without subscribing.', '<code>{checkout_session}</code>'],
  ['porte:error', 'The checkout or a pricing table could not be shown (wrong key, origin not allowed, unknown offer or table…). Show your visitors a neutral message; <code>message</code> is for you.', '<code>{code, message}</code>, e.g. <code>origin_not_allowed</code>, <code>resource_missing</code>, <code>pricing_table_unavailable</code>'],
  ['porte:subscribed', 'The customer subscribed (confirmed with Porte’s server, not only by the frame). Cancelable: <code>event.preventDefault()</code> keeps the visitor on your page instead of going to the success URL.', '<code>{checkout_session, customer: {id, reference}, subscription: {id, offer}}</code>'],
];

const rows = (items: string[][]) => raw(items.map((cells) => `<tr>${cells.map((cell, i) => (i === 0 ? `<td><code>${cell}</code></td>` : `<td>${cell}</td>`)).join('')}</tr>`).join(''));

export function widgetGuide(nonce: string, publicUrl: string) {
  const origin = new URL(publicUrl).origin;
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Porte widget guide</title><style nonce="${nonce}">${raw(css)}</style></head>
<body><main>
<nav aria-label="Documentation"><a href="/docs">API reference</a><a href="/v1/openapi.json">OpenAPI document</a></nav>
<h1>Embed the Porte widget</h1>
<p>One script tag shows your pricing table and opens the checkout from any button. Card details are typed only into Porte’s own page (in a frame for the overlay and inline modes), never into yours.</p>

<h2 id="install">Install</h2>
<pre tabindex="0"><code>${`<script src="${origin}/widget.js" data-key="porte_pk_test_…" async></script>

<!-- A pricing table (reference "default"), and a button for one offer -->
<div data-porte-pricing-table="default"></div>
<button data-porte-checkout="pro-monthly">Subscribe</button>`}</code></pre>
<p>Your site’s origin must be listed in the back-office under <em>Settings → Allowed origins</em>; the widget refuses to open anywhere else.</p>

<h2 id="attributes">Attributes</h2>
<p>Put them on the element, or on the script tag to apply them to every element (the element wins).</p>
<div class="wrap"><table class="names"><thead><tr><th scope="col">Attribute</th><th scope="col">Meaning</th></tr></thead><tbody>${rows(attributes)}</tbody></table></div>

<h2 id="js-api">JavaScript API</h2>
<div class="wrap"><table><thead><tr><th scope="col">Call</th><th scope="col">What it does</th></tr></thead><tbody>${rows([
    ['Porte.open({offer, mode?, customer?: {reference?, email?, hash?}, locale?, successUrl?})', 'Opens the checkout for an offer. Returns a Promise resolved with the <code>porte:subscribed</code> detail, or with <code>undefined</code> when the customer closes it; rejected when the checkout cannot open (a <code>porte:error</code> event fires too). A second call while one is open returns the same promise.'],
    ['Porte.on(name, handler)', 'Listens to an event on <code>window</code>; <code>name</code> with or without the <code>porte:</code> prefix.'],
    ['Porte.init()', 'Scans the page again for <code>data-porte-*</code> elements you added later (single-page apps).'],
  ])}</tbody></table></div>
<p>To call <code>Porte.open()</code> before the script has loaded, put this stub before it; calls are queued and run in order:</p>
<pre tabindex="0"><code>${`<script>
window.Porte = window.Porte || { q: [],
  open: function () { var a = arguments; return new Promise(function (r, j) { Porte.q.push(['open', a, r, j]); }); },
  on: function () { Porte.q.push(['on', arguments]); },
  init: function () { Porte.q.push(['init', []]); } };
</script>`}</code></pre>
<pre tabindex="0"><code>${`Porte.on('subscribed', (event) => {
  const { checkout_session, customer, subscription } = event.detail;
  event.preventDefault(); // stay on this page instead of going to the success URL
  showWelcome(customer.reference, subscription.offer);
});
document.querySelector('#upgrade').addEventListener('click', () =>
  Porte.open({ offer: 'pro-monthly', customer: { reference: 'user_1842', email: 'jane@example.com', hash: HASH_FROM_YOUR_SERVER } }));`}</code></pre>

<h2 id="events">Events</h2>
<p>Bubbling <code>CustomEvent</code>s dispatched on the element that opened the checkout (so they also reach <code>document</code> and <code>window</code>), or on <code>window</code> for <code>Porte.open()</code>.</p>
<div class="wrap"><table class="names"><thead><tr><th scope="col">Event</th><th scope="col">When</th><th scope="col"><code>event.detail</code></th></tr></thead><tbody>${rows(events)}</tbody></table></div>
<p>Trust <code>porte:subscribed</code> for the visitor’s experience only: provision the account from the <code>checkout_session.completed</code> webhook or <code>GET /v1/checkout_sessions/{id}</code>, on your server.</p>

<h2 id="identity">Signed-in customers</h2>
<p>Compute the hash on your server, never in the page (the embed secret must stay secret):</p>
<pre tabindex="0"><code>${`import { createHmac } from 'node:crypto';
const hash = createHmac('sha256', process.env.PORTE_EMBED_SECRET).update(user.id).digest('hex');`}</code></pre>

<h2 id="csp">Content Security Policy</h2>
<p>If your site sends a <code>Content-Security-Policy</code>, add Porte’s origin to these directives (keep your other sources):</p>
<pre tabindex="0"><code>${`script-src ${origin};
connect-src ${origin};
frame-src ${origin};`}</code></pre>
<p><code>script-src</code> loads <code>widget.js</code> and the modules it imports, <code>connect-src</code> lets it fetch your pricing table and create checkout sessions, <code>frame-src</code> shows the checkout in the overlay or inline. No <code>style-src</code> change is needed: the widget adds no inline script or style (its styles are constructed stylesheets inside shadow roots). With a nonce-based policy using <code>'strict-dynamic'</code>, put your nonce on the script tag instead of listing the origin in <code>script-src</code>. <code>redirect</code> mode needs none of the three.</p>

<h2 id="theme">Theme</h2>
<p>The pricing table renders in a shadow root, so your page’s CSS does not reach it; set these custom properties on the element instead:</p>
<pre tabindex="0"><code>${`[data-porte-pricing-table] {
  --porte-accent: #0b7a53;
  --porte-radius: 10px;
  --porte-font: "Inter", system-ui, sans-serif;
}`}</code></pre>
</main></body></html>`;
}
