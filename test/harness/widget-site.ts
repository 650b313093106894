// What the widget's browser tests need on top of harness/browser.ts: a merchant's site that can
// listen on any loopback address (127.0.0.2 is an origin the demo merchant does not allow) and send
// its own headers (a strict CSP), the CONTRACT.md snippet, a recorder of the widget's DOM events
// that survives navigations and adds no global, the checkout form filled by its labels, and the
// customer hash a merchant's server computes.
import BetterSqlite3 from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, FrameLocator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchBrowser, listenOnLoopback, type PageWatch, watchPage } from './browser.ts';
import { type PorteServer, repoRoot, startServer } from './server.ts';

/** widget.js (vite.widget.config.ts) and the lazily loaded parts (vite.config.ts), built when missing. */
export function ensureWidgetBuilt(): void {
  const files = ['widget.js', 'assets/grid.js', 'assets/widget-frame.js', 'assets/embed-page.js', 'assets/checkout.js'];
  if (files.every((f) => existsSync(join(repoRoot, 'dist/public', f)))) return;
  const vite = join(repoRoot, 'node_modules/.bin/vite');
  for (const config of ['vite.config.ts', 'vite.widget.config.ts']) {
    execFileSync(vite, ['build', '--config', config, '--logLevel', 'error'], { cwd: repoRoot, stdio: 'pipe' });
  }
  const missing = files.filter((f) => !existsSync(join(repoRoot, 'dist/public', f)));
  if (missing.length > 0) throw new Error(`vite build did not produce ${missing.join(', ')}`);
}

export interface SitePage {
  body: string;
  headers?: Record<string, string>;
}
export type SiteRoute = string | SitePage | ((url: URL) => string | SitePage);

export interface MerchantSite {
  /** e.g. http://127.0.0.2:41235 */
  origin: string;
  port: number;
  /** Every URL requested so far, in order. */
  hits: URL[];
  route(path: string, page: SiteRoute): void;
  stop(): Promise<void>;
}

/** A merchant's site on `host` (any loopback address) and a free port; unknown paths are 404s. */
export async function startMerchantSite(host: string, routes: Record<string, SiteRoute> = {}): Promise<MerchantSite> {
  const pages = new Map<string, SiteRoute>(Object.entries(routes));
  const hits: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    hits.push(url);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end(); // no icon, and no 404 in the console
      return;
    }
    const route = pages.get(url.pathname);
    const page = typeof route === 'function' ? route(url) : route;
    if (page === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><html lang="en"><title>Not found</title><h1>Not found</h1></html>');
      return;
    }
    const { body, headers = {} } = typeof page === 'string' ? { body: page } : page;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...headers }).end(body);
  });
  const { origin, port, stop } = await listenOnLoopback(server, host);
  return { origin, port, hits, route: (path, page) => void pages.set(path, page), stop };
}

const escapeAttr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
export const attrs = (list: Record<string, string> = {}): string =>
  Object.entries(list)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('');

/** CONTRACT.md's three lines, verbatim apart from the URL, the key and optional extra attributes. */
export function contractSnippet(porteUrl: string, key: string, extra: { script?: Record<string, string>; table?: Record<string, string>; button?: Record<string, string> } = {}): string {
  return [
    `<script src="${porteUrl}/widget.js" data-key="${key}"${attrs(extra.script)} async></script>`,
    `<div data-porte-pricing-table="default"${attrs(extra.table)}></div>`,
    `<button data-porte-checkout="pro-monthly"${attrs(extra.button)}>Subscribe</button>`,
  ].join('\n');
}

/** A merchant's page: title, heading, whatever `head` and `body` hold (no inline style or script unless given). */
export const merchantPage = (title: string, body: string, head = ''): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>${head}</head><body><main><h1>${title}</h1>\n${body}\n</main></body></html>`;

export interface PorteEvent {
  type: string;
  /** 'window', or the element the event was dispatched on: its tag and its data-porte-* attribute. */
  target: string;
  // biome-ignore lint/suspicious/noExplicitAny: event details are inspected field by field.
  detail: any;
  /** The page the event fired on. */
  url: string;
}

export interface Recorder {
  events: PorteEvent[];
  of(type: string): PorteEvent[];
  /** securitypolicyviolation events, in any frame of the page. */
  cspViolations: string[];
  /** Keys of `window` that the page's own scripts and the widget added (top frame, latest load). */
  addedGlobals(): Promise<string[]>;
}

const EVENT_PREFIX = '[porte-test-event]';
const CSP_PREFIX = '[porte-test-csp]';
const GLOBALS = Symbol.for('porte-test-globals');

/**
 * Records every porte:* event reaching `window` (capture phase, so even one dispatched on an
 * element), and every CSP violation, through console.debug: the record survives the navigation
 * that follows porte:subscribed, and the page gets no new global (a Symbol-keyed baseline only).
 */
export async function recordEvents(page: Page): Promise<Recorder> {
  const events: PorteEvent[] = [];
  const cspViolations: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'debug') return;
    const text = message.text();
    if (text.startsWith(EVENT_PREFIX)) events.push(JSON.parse(text.slice(EVENT_PREFIX.length)) as PorteEvent);
    else if (text.startsWith(CSP_PREFIX)) cspViolations.push(text.slice(CSP_PREFIX.length));
  });
  await page.addInitScript(
    ({ eventPrefix, cspPrefix, names }) => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.debug(`${cspPrefix}${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} on ${location.href}`),
      );
      if (window.top !== window) return;
      (window as unknown as Record<symbol, string[]>)[Symbol.for('porte-test-globals')] = Object.keys(window);
      for (const name of names) {
        window.addEventListener(
          `porte:${name}`,
          (e) => {
            const el = e.target instanceof Element ? e.target : null;
            const mark = el && [...el.attributes].find((a) => a.name.startsWith('data-porte-') && a.name !== 'data-porte-bound');
            const target = el ? `${el.tagName.toLowerCase()}${mark ? `[${mark.name}=${mark.value}]` : ''}` : 'window';
            console.debug(`${eventPrefix}${JSON.stringify({ type: name, target, detail: (e as CustomEvent).detail ?? null, url: location.href })}`);
          },
          true,
        );
      }
    },
    { eventPrefix: EVENT_PREFIX, cspPrefix: CSP_PREFIX, names: ['ready', 'open', 'close', 'error', 'subscribed'] },
  );
  return {
    events,
    cspViolations,
    of: (type) => events.filter((e) => e.type === type),
    addedGlobals: () =>
      page.evaluate((key) => {
        const before = new Set((window as unknown as Record<symbol, string[]>)[Symbol.for(key)] ?? []);
        return Object.keys(window).filter((k) => !before.has(k));
      }, GLOBALS.description ?? ''),
  };
}

/**
 * expect.poll with room for a loaded machine (vitest's default gives up after 1 s; browser suites
 * share two cores): for what must happen, not for what must not.
 */
export const eventually = <T>(read: () => T | Promise<T>, timeout = 15_000) => expect.poll(read, { timeout, interval: 50 });

export const TEST_CARD = '4242 4242 4242 4242';
export const EXPIRY = `12/${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0')}`;

export interface Visitor {
  email: string;
  first: string;
  last: string;
}

let visitorCount = 0;
export const visitor = (tag: string): Visitor => ({ email: `${tag}.${Date.now()}.${++visitorCount}@example.com`, first: 'Grace', last: 'Hopper' });

/** The checkout form (in the widget's iframe or on the hosted page) filled by its visible labels. */
export async function fillCheckout(scope: FrameLocator | Page, who: Visitor, card = TEST_CARD): Promise<void> {
  await scope.getByLabel('Email', { exact: true }).fill(who.email);
  await scope.getByLabel('First name', { exact: true }).fill(who.first);
  await scope.getByLabel('Last name', { exact: true }).fill(who.last);
  await scope.getByLabel('Address', { exact: true }).fill('5 avenue Anatole France');
  await scope.getByLabel('Postal code', { exact: true }).fill('75007');
  await scope.getByLabel('City', { exact: true }).fill('Paris');
  await scope.getByLabel('Country', { exact: true }).selectOption({ label: 'France' });
  await scope.getByLabel('Card number', { exact: true }).fill(card);
  await scope.getByLabel('Expiry', { exact: true }).fill(EXPIRY);
  await scope.getByLabel('CVC', { exact: true }).fill('123');
}

/**
 * Waits until Porte's checkout in the widget's frame (`porte-overlay` or `porte-inline`) is shown
 * AND its script has run (the frame's load event): the form is server-rendered, so it is visible
 * before it listens to keys such as Esc.
 */
export async function checkoutReady(page: Page, host: 'porte-overlay' | 'porte-inline' = 'porte-overlay'): Promise<FrameLocator> {
  const locator = page.frameLocator(`${host} iframe`);
  await locator.getByLabel('Card number', { exact: true }).waitFor();
  const frame = await (await page.locator(`${host} iframe`).elementHandle())?.contentFrame();
  if (!frame) throw new Error(`no ${host} iframe`);
  await frame.waitForLoadState('load');
  return locator;
}

/**
 * A mouse wheel at (x, y) that must NOT scroll the page (the overlay's scroll lock): the wheel
 * event reaching the page, then a few rendered frames, are the positive signal that the browser
 * had every chance to scroll before scrollY is read. (x, y) must be over the page itself (the
 * backdrop), not over a cross-origin iframe whose events the page never sees.
 */
export async function wheelLeavesPageStill(page: Page, x: number, y: number): Promise<void> {
  const probe = await page.evaluateHandle(() => ({
    scrollY: new Promise<number>((resolve) => {
      const frames = (n: number): unknown => (n === 0 ? resolve(window.scrollY) : requestAnimationFrame(() => frames(n - 1)));
      window.addEventListener('wheel', () => frames(5), { once: true, capture: true, passive: true });
    }),
  }));
  await page.mouse.move(x, y);
  await page.mouse.wheel(0, 600);
  expect(await probe.evaluate((p) => p.scrollY)).toBe(0);
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await probe.dispose();
}

/**
 * The widget's success step: the frame shows Porte's confirmation ("You are subscribed") until the
 * visitor chooses Continue, which closes the checkout (and, unless porte:subscribed was prevented,
 * goes on to the success URL).
 */
export async function continueAfterSuccess(page: Page, host: 'porte-overlay' | 'porte-inline' = 'porte-overlay'): Promise<void> {
  const frame = page.frameLocator(`${host} iframe`);
  await frame.getByRole('heading', { name: 'You are subscribed' }).waitFor();
  await frame.getByRole('link', { name: 'Continue' }).click();
}

/** A merchant's embed secret, read from the server's database (read-only: the server owns it). */
export function embedSecret(dbFile: string, slug = 'demo'): string {
  const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const row = db.prepare('SELECT embed_secret FROM merchants WHERE slug = ?').get(slug) as { embed_secret: string } | undefined;
    if (!row) throw new Error(`no merchant ${slug}`);
    return row.embed_secret;
  } finally {
    db.close();
  }
}

/** What the merchant's server prints into data-customer-hash: hex HMAC-SHA256(reference, embed secret). */
export const customerHash = (reference: string, secret: string): string => createHmac('sha256', secret).update(reference).digest('hex');

/** The merchant REST API with the secret key. */
// biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected field by field.
export async function porteApi(base: string, secretKey: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** window.Porte as CONTRACT.md describes it, for page.evaluate callbacks (a type only). */
export interface PorteWindow {
  Porte: {
    open(options: { offer: string; mode?: string; locale?: string; successUrl?: string; customer?: { reference?: string; email?: string; hash?: string } }): Promise<unknown>;
    on(name: string, handler: (event: CustomEvent) => void): void;
    init(): void;
  };
}

export interface OpenedPage {
  page: Page;
  events: Recorder;
}

/**
 * Pages for one test file: each in a fresh context, watched for console errors and dialogs, with
 * the widget's events recorded. `finish()` closes them and returns the problems seen (minus the
 * errors a test caused on purpose and declared with `allowErrors`).
 */
export function pages(browser: () => Browser) {
  let contexts: BrowserContext[] = [];
  let watches: { page: Page; watch: PageWatch; allowed: RegExp[] }[] = [];
  return {
    /** `block`: requests to refuse (each one tried is pushed to `blocked`), set before the page loads. */
    async open(url: string, options: { locale?: string; width?: number; height?: number; block?: RegExp; blocked?: string[] } = {}): Promise<OpenedPage> {
      const context = await browser().newContext({ locale: options.locale ?? 'en-US', viewport: { width: options.width ?? 1200, height: options.height ?? 800 } });
      contexts.push(context);
      const { block, blocked } = options;
      if (block) {
        await context.route(block, (route) => {
          blocked?.push(route.request().url());
          return route.abort();
        });
      }
      const page = await context.newPage();
      watches.push({ page, watch: watchPage(page), allowed: [] });
      const events = await recordEvents(page);
      await page.goto(url);
      return { page, events };
    },
    allowErrors(page: Page, pattern: RegExp): void {
      watches.find((w) => w.page === page)?.allowed.push(pattern);
    },
    async finish(): Promise<string[]> {
      const problems = watches.flatMap(({ page, watch, allowed }) =>
        [...watch.errors.filter((e) => !allowed.some((a) => a.test(e))), ...watch.dialogs].map((p) => `${page.url()}: ${p}`),
      );
      for (const context of contexts) await context.close();
      contexts = [];
      watches = [];
      return problems;
    },
  };
}

export type Tabs = ReturnType<typeof pages>;

/** What useWidgetSuite() hands a test file; the getters throw before its beforeAll has run. */
export interface WidgetSuite<K extends string> {
  readonly server: PorteServer;
  readonly browser: Browser;
  /** One merchant site per host given, under the same key. */
  readonly sites: Readonly<Record<K, MerchantSite>>;
  /** The first of `sites` (the only one, by default: 127.0.0.1). */
  readonly site: MerchantSite;
  readonly tabs: Tabs;
  /** The merchant REST API of `server`, with its secret key. */
  api(method: string, path: string, body?: unknown): ReturnType<typeof porteApi>;
}

/**
 * The setup every widget browser file shares, with its hooks registered here: beforeAll builds the
 * widget if needed and starts Porte, Chromium and one merchant site per host (default: `site` on
 * 127.0.0.1); afterEach requires no console errors and no dialogs in the test's tabs; afterAll
 * stops them all. Call it once, at the top of the file; add routes in the file's own beforeAll.
 */
export function useWidgetSuite(): WidgetSuite<'site'>;
export function useWidgetSuite<K extends string>(hosts: Record<K, string>): WidgetSuite<K>;
export function useWidgetSuite(hosts: Record<string, string> = { site: '127.0.0.1' }): WidgetSuite<string> {
  let server: PorteServer | undefined;
  let browser: Browser | undefined;
  const sites: Record<string, MerchantSite> = {};
  const started = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`useWidgetSuite: ${name} is not started yet (read it in a hook or a test)`);
    return value;
  };
  const tabs = pages(() => started(browser, 'browser'));

  beforeAll(async () => {
    ensureWidgetBuilt();
    const keys = Object.keys(hosts);
    const [porte, chromium, ...merchants] = await Promise.all([startServer(), launchBrowser(), ...keys.map((key) => startMerchantSite(hosts[key] ?? ''))]);
    server = porte;
    browser = chromium;
    keys.forEach((key, i) => {
      sites[key] = started(merchants[i], key);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    for (const site of Object.values(sites)) await site.stop();
  });

  afterEach(async () => {
    expect(await tabs.finish(), 'no console errors and no dialogs').toEqual([]);
  });

  return {
    get server() {
      return started(server, 'server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    sites,
    get site() {
      return started(Object.values(sites)[0], 'site');
    },
    tabs,
    api: (method, path, body) => porteApi(started(server, 'server').url, started(server, 'server').secretKey, method, path, body),
  };
}
