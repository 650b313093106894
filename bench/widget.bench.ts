/**
 * The offer grid on a merchant's page: how many bytes a visitor downloads before any click
 * (widget.js on every page; grid.js and the chunks it imports once a grid is on the page), and how
 * long after DOMContentLoaded the grid is painted in headless Chromium. The page is served from
 * another port than Porte (cross-origin, as on a real shop), each load in a fresh browser context
 * (cold cache). Baseline: the same page with the same three cards written inline in its HTML
 * (declarative shadow DOM with the grid's own stylesheet), measured the same way.
 *
 * Two clocks: from DOMContentLoaded (the issue's figure; the inline grid is often painted before
 * DCL, which counts as 0, so its ratio swings with a few ms), and from the navigation's start (what
 * a visitor waits, page included), both with the ≤ 1.5× target. Bytes before a click are measured
 * as the visitor's browser fetches them (widget.js, the pricing table's JSON with the grid's markup,
 * any module loaded), each gzipped; the grid's own code (grid.js and its imports, now fetched only
 * to explain a refusal or where innerHTML is forbidden) is reported with the same 12 KB budget.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { formatMoney } from '../hosted-pages/format.ts';
import { gridCss } from '../widget/grid/styles.ts';
import {
  ensureBuilt,
  freePort,
  gzipBytes,
  gzipText,
  log,
  quantiles,
  repoRoot,
  type Row,
  type ServerProcess,
  startServer,
  staticGraph,
  stopAll,
  tempDir,
  porteEntry,
} from './harness.ts';

export const name = 'widget';

const LOADER_BUDGET = 2048;
const WITH_GRID_BUDGET = 12 * 1024;
const LOADS = Number(process.env.BENCH_WIDGET_LOADS ?? 10);
const WARMUP_LOADS = 2;

/**
 * First in <head>, on both pages: notes DOMContentLoaded, when the grid's buttons enter its shadow
 * root (a MutationObserver on every shadow root attached), and the first animation frame in which
 * they exist — the frame that paints them. Polling by requestAnimationFrame also covers a shadow
 * root that was never attached by script (the baseline's declarative one). The paint is announced on
 * the console, which the bench hears through CDP: waiting with page.waitForFunction instead made
 * Playwright inject its ~30 ms utility script into the page right after DOMContentLoaded, on the
 * main thread the loader needs then (a Chromium trace showed widget.js's bytes waiting behind it),
 * while the inline grid was already painted: a cost of the harness, counted against the widget.
 */
const PROBE = `<script>
(() => {
  const r = (window.__bench = { dcl: NaN, inDom: NaN, painted: NaN, loader: NaN });
  // The loader's own porte:ready (the first one, on window) marks when widget.js ran.
  addEventListener('porte:ready', () => { if (Number.isNaN(r.loader)) r.loader = performance.now(); }, { once: true });
  const has = (root) => !!(root && root.querySelector('button'));
  const host = () => document.querySelector('[data-porte-pricing-table]');
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    new MutationObserver((_, observer) => {
      if (has(root)) { r.inDom = performance.now(); performance.mark('grid-in-dom'); observer.disconnect(); }
    }).observe(root, { childList: true, subtree: true });
    return root;
  };
  document.addEventListener('DOMContentLoaded', () => { r.dcl = performance.now(); performance.mark('dcl'); });
  const poll = () => {
    const root = host() && host().shadowRoot;
    if (has(root)) { r.painted = performance.now(); performance.mark('grid-painted'); if (Number.isNaN(r.inDom)) r.inDom = r.painted; console.debug('porte-bench:painted'); return; }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();
</script>`;

const page = (head: string, grid: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pricing — Bench Shop</title>${PROBE}${head}
<style>body{font-family:system-ui,sans-serif;margin:0 auto;max-width:960px;padding:24px}</style></head>
<body><header><h1>Bench Shop</h1><p>Plans for every team.</p></header><main>${grid}</main><footer><p>© Bench Shop</p></footer></body></html>`;

interface Offer {
  reference: string;
  name: string;
  description: string | null;
  currency: string;
  amount_upfront: number;
  recurring: { amount: number; interval: string; interval_count: number };
  trial: { days: number };
  features: string[];
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The markup widget/grid renders for a table, written out by hand as a server would. */
function staticGrid(table: { offers: Offer[]; highlighted?: string }): string {
  const cards = table.offers.map((o) => {
    const id = `porte-offer-${escapeHtml(o.reference)}`;
    const hl = o.reference === table.highlighted;
    return `<li class="${hl ? 'card hl' : 'card'}" aria-labelledby="${id}">${hl ? '<p class="badge">Most popular</p>' : ''}<h3 id="${id}">${escapeHtml(o.name)}</h3>${
      o.description ? `<p class="desc">${escapeHtml(o.description)}</p>` : ''
    }<p class="price"><strong>${formatMoney(o.recurring.amount, o.currency, 'en')}</strong> <span>/ ${o.recurring.interval}</span></p>${
      o.trial.days > 0 ? `<p class="trial">${o.trial.days}-day free trial</p>` : ''
    }${o.amount_upfront > 0 ? `<p class="setup">+ ${formatMoney(o.amount_upfront, o.currency, 'en')} setup fee</p>` : ''}<ul class="features">${o.features
      .map((f) => `<li>${escapeHtml(f)}</li>`)
      .join('')}</ul><button type="button" aria-describedby="${id}">Subscribe</button></li>`;
  });
  return `<div data-porte-pricing-table="default"><template shadowrootmode="open"><style>${gridCss}</style><ul class="grid" lang="en">${cards.join('')}</ul></template></div>`;
}

async function merchantSite(pages: Record<string, string>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const body = pages[req.url ?? ''];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Chromium's own account of one request (CDP Network events; cross-origin too): durations in ms. */
interface Fetch {
  /** Queued in the browser before the request was sent (priority, connection limits). */
  queued: number;
  /** DNS + TCP (+ TLS) of a new connection; 0 on a reused one. */
  connect: number;
  reused: boolean;
  /** Request sent → response headers: the server's time plus one round trip. */
  ttfb: number;
  /** Headers → last byte. */
  body: number;
}

/** The fields of CDP's Network.ResourceTiming read here: requestTime in s, the others in ms after it (-1: none). */
interface CdpTiming {
  requestTime: number;
  dnsStart: number;
  dnsEnd: number;
  connectStart: number;
  connectEnd: number;
  sendStart: number;
  sendEnd: number;
  receiveHeadersEnd: number;
}

interface Load {
  /** performance.now() at DOMContentLoaded, buttons in the DOM, first frame with them. */
  dcl: number;
  inDom: number;
  painted: number;
  /** performance.now() when widget.js ran (NaN on the inline page). */
  loader: number;
  /** Resource timing of what the page fetched: [name, startTime, responseEnd]. */
  resources: [string, number, number][];
  /** The same requests as Chromium's network stack saw them, by name. */
  network: Record<string, Fetch>;
}

async function load(browser: Browser, url: string): Promise<Load> {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    await cdp.send('Network.enable');
    const sent = new Map<string, { name: string; at: number; timing?: CdpTiming; reused?: boolean }>();
    const network: Record<string, Fetch> = {};
    cdp.on('Network.requestWillBeSent', (e) => sent.set(e.requestId, { name: new URL(e.request.url).pathname.split('/').pop() ?? '', at: e.timestamp }));
    cdp.on('Network.responseReceived', (e) => {
      const r = sent.get(e.requestId);
      if (r) Object.assign(r, { timing: e.response.timing, reused: e.response.connectionReused });
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = sent.get(e.requestId);
      const t = r?.timing;
      if (!r || !t) return;
      // A new connection: from the DNS lookup (or the connect, without one) to connected.
      const opened = t.dnsStart >= 0 ? t.dnsStart : t.connectStart;
      const connect = t.connectEnd >= 0 && opened >= 0 ? t.connectEnd - opened : 0;
      network[r.name] = {
        queued: Math.max(0, ((t.requestTime - r.at) * 1000 + t.sendStart) - connect),
        connect,
        reused: r.reused ?? false,
        ttfb: t.receiveHeadersEnd - t.sendEnd,
        body: (e.timestamp - t.requestTime) * 1000 - t.receiveHeadersEnd,
      };
    });
    const painted = tab.waitForEvent('console', { predicate: (m) => m.text() === 'porte-bench:painted', timeout: 15_000 });
    await tab.goto(url, { waitUntil: 'commit' });
    await painted;
    return await tab.evaluate((network) => ({
      ...(window as unknown as { __bench: Load }).__bench,
      resources: performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname.split('/').pop() ?? '', e.startTime, (e as PerformanceResourceTiming).responseEnd] as [string, number, number]),
      network,
    }), network);
  } finally {
    await context.close();
  }
}

export async function run(): Promise<Row[]> {
  // 1. Sizes, from the built files.
  const pub = join(repoRoot, 'dist/public');
  ensureBuilt(join(pub, 'assets/grid.js'));
  ensureBuilt(join(pub, 'widget.js'));
  const loaderGraph = staticGraph(join(pub, 'widget.js'));
  const gridGraph = staticGraph(join(pub, 'assets/grid.js'));
  const loaderGzip = gzipBytes(join(pub, 'widget.js'));
  const sizes = [...new Set([...loaderGraph, ...gridGraph])].map((f) => ({ file: f.slice(pub.length + 1), gzip: gzipBytes(f) }));
  const fallbackBytes = sizes.reduce((s, x) => s + x.gzip, 0);
  log(`widget.js + the grid's own code (gzip): ${sizes.map((s) => `${s.file} ${s.gzip} B`).join(', ')}`);

  // 2. Time to the painted grid.
  const dir = tempDir(name);
  const servers: ServerProcess[] = [];
  let site: Server | undefined;
  let browser: Browser | undefined;
  try {
    const portePort = await freePort();
    const porte = await startServer({
      label: 'porte',
      ...porteEntry(),
      env: { PORTE_DB: join(dir.path, 'porte.sqlite'), PORTE_PUBLIC_URL: `http://127.0.0.1:${portePort}` },
      port: portePort,
      ready: /data-key="(porte_pk_test_[0-9A-Za-z]+)"/,
    });
    servers.push(porte);
    const key = porte.ready[1] ?? '';

    // The merchant's site on its own port; the static page shows the very offers the widget fetches.
    const pages: Record<string, string> = {};
    const merchant = await merchantSite(pages);
    site = merchant.server;
    const tableRes = await fetch(`${porte.url}/widget/v1/pricing_tables/default?key=${key}`, { headers: { Origin: merchant.url } });
    if (tableRes.status !== 200) throw new Error(`pricing table: ${tableRes.status} ${await tableRes.text()}`);
    const tableText = await tableRes.text();
    const table = JSON.parse(tableText) as { offers: Offer[]; highlighted?: string };
    pages['/widget'] = page(`<script src="${porte.url}/widget.js" data-key="${key}" async></script>`, '<div data-porte-pricing-table="default"></div>');
    pages['/static'] = page('', staticGrid(table));

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    for (let i = 0; i < WARMUP_LOADS; i++) {
      await load(browser, `${merchant.url}/static`);
      await load(browser, `${merchant.url}/widget`);
    }
    const widget: Load[] = [];
    const baseline: Load[] = [];
    for (let i = 0; i < LOADS; i++) {
      baseline.push(await load(browser, `${merchant.url}/static`));
      widget.push(await load(browser, `${merchant.url}/widget`));
    }
    // The inline grid is often on screen before DOMContentLoaded fires: that counts as 0.
    const painted = (loads: Load[]) => quantiles(loads.map((l) => Math.max(0, l.painted - l.dcl)));
    const fromNavigation = (loads: Load[]) => quantiles(loads.map((l) => l.painted));
    const inDom = (loads: Load[]) => quantiles(loads.map((l) => Math.max(0, l.inDom - l.dcl)));
    const w = painted(widget);
    const b = painted(baseline);
    log(`DCL → painted, widget: ${widget.map((l) => (l.painted - l.dcl).toFixed(0)).join(' ')} ms; static: ${baseline.map((l) => (l.painted - l.dcl).toFixed(0)).join(' ')} ms`);
    // Where the widget's time goes, stage by stage (p50 over the loads), so that a regression names
    // its cause: the page, widget.js on the wire, the main thread before it ran, the pricing table on
    // the wire (Chromium's timings, the server's own from Porte's request log), the frame that paints.
    const p50 = (xs: number[]) => quantiles(xs.filter(Number.isFinite)).p50;
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    const at = (l: Load, n: string) => l.resources.find((r) => r[0] === n) ?? [n, Number.NaN, Number.NaN];
    const wire = (n: string) => {
      const of = widget.map((l) => l.network[n]).filter((f): f is Fetch => !!f);
      const fresh = of.filter((f) => !f.reused).length;
      return `queued ${ms(p50(of.map((f) => f.queued)))}, connect ${ms(p50(of.map((f) => f.connect)))} (new connection ${fresh}/${of.length}), TTFB ${ms(p50(of.map((f) => f.ttfb)))}, body ${ms(p50(of.map((f) => f.body)))}`;
    };
    const serverMs = porte
      .output()
      .split('\n')
      .filter((line) => line.includes('"path":"/widget/v1/pricing_tables/:reference"'))
      .slice(-LOADS)
      .map((line) => Number((JSON.parse(line) as { ms: number }).ms));
    const stages = {
      scriptArrived: p50(widget.map((l) => at(l, 'widget.js')[2] - l.dcl)),
      arrivedToRan: p50(widget.map((l) => l.loader - at(l, 'widget.js')[2])),
      ranToAsked: p50(widget.map((l) => at(l, 'default')[1] - l.loader)),
      asked: p50(widget.map((l) => at(l, 'default')[2] - at(l, 'default')[1])),
      answeredToPainted: p50(widget.map((l) => l.painted - at(l, 'default')[2])),
      server: p50(serverMs),
    };
    log(`navigation → DCL p50: widget page ${ms(p50(widget.map((l) => l.dcl)))}, inline page ${ms(p50(baseline.map((l) => l.dcl)))}`);
    const fromDcl = (x: number) => `DCL${x < 0 ? '−' : '+'}${ms(Math.abs(x))}`;
    log(`widget.js: requested ${fromDcl(p50(widget.map((l) => at(l, 'widget.js')[1] - l.dcl)))}, ${wire('widget.js')}; arrived ${fromDcl(stages.scriptArrived)}`);
    // 'ran' is the end of widget.js's run (its porte:ready), so the request it made starts just before.
    log(`widget.js arrived → ran (main thread busy): ${ms(stages.arrivedToRan)}; ran → pricing table asked: ${ms(stages.ranToAsked)}`);
    log(`pricing table: ${wire('default')}; Porte's own time ${stages.server.toFixed(1)} ms (${serverMs.map((x) => x.toFixed(1)).join(' ')})`);
    log(`pricing table answered → grid painted: ${ms(stages.answeredToPainted)}`);

    // What the visitor's browser fetched from Porte before any click, gzipped as it would travel:
    // the files by name from dist/public, the pricing table (JSON with the grid's markup) as served.
    const fetched = [...new Set(widget.flatMap((l) => l.resources.map((r) => r[0])))];
    const bytesOf = (n: string) => (n === 'default' ? gzipText(tableText) : n.endsWith('.js') ? gzipBytes(join(pub, n === 'widget.js' ? n : `assets/${n}`)) : 0);
    const beforeClick = fetched.reduce((sum, n) => sum + bytesOf(n), 0);
    log(`fetched before a click (gzip): ${fetched.map((n) => `${n} ${bytesOf(n)} B`).join(', ')}`);
    const w0 = fromNavigation(widget);
    const b0 = fromNavigation(baseline);

    return [
      { metric: 'widget.js gzip', unit: 'B', value: loaderGzip, target: { on: 'value', atMost: LOADER_BUDGET } },
      { metric: `fetched before a click gzip (${fetched.length} responses)`, unit: 'KB', value: beforeClick / 1024, target: { on: 'value', atMost: WITH_GRID_BUDGET / 1024 }, decimals: 1 },
      { metric: `widget.js + grid's own code gzip (${sizes.length} files)`, unit: 'KB', value: fallbackBytes / 1024, target: { on: 'value', atMost: WITH_GRID_BUDGET / 1024 }, decimals: 1 },
      { metric: `DCL → grid painted p50 (${LOADS} cold loads; base: inline)`, unit: 'ms', value: w.p50, baseline: b.p50, target: { on: 'ratio', atMost: 1.5 }, decimals: 1 },
      { metric: 'navigation → grid painted p50 (base: inline)', unit: 'ms', value: w0.p50, baseline: b0.p50, target: { on: 'ratio', atMost: 1.5 }, decimals: 1 },
      { metric: `DCL → grid painted max (${LOADS} cold loads; base: inline)`, unit: 'ms', value: w.max, baseline: b.max, decimals: 1 },
      { metric: 'DCL → buttons in the DOM p50', unit: 'ms', value: inDom(widget).p50, baseline: inDom(baseline).p50, decimals: 1 },
      // The widget's stages (p50), so that a slower run says which one grew.
      { metric: 'widget.js arrived → ran p50 (main thread)', unit: 'ms', value: stages.arrivedToRan, decimals: 1 },
      { metric: 'widget.js ran → pricing table answered p50', unit: 'ms', value: stages.ranToAsked + stages.asked, decimals: 1 },
      { metric: "pricing table: Porte's own time p50", unit: 'ms', value: stages.server, decimals: 1 },
      { metric: 'pricing table answered → grid painted p50', unit: 'ms', value: stages.answeredToPainted, decimals: 1 },
    ];
  } finally {
    try {
      await browser?.close();
      if (site) {
        const closed = new Promise((resolve) => site?.close(resolve));
        site.closeAllConnections();
        await closed;
      }
      await stopAll(servers);
    } finally {
      dir.dispose();
    }
  }
}
