// Real Chromium through playwright-core, plus what every browser test needs: screenshots, an axe-core
// scan, a watch on console errors and dialogs, and a stand-in for a merchant's own web site.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { AxeResults, Result } from 'axe-core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { repoRoot } from './server.ts';

export const screenshotDir = join(repoRoot, 'test-output', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * The hosted pages hydrate with /assets/*.js built by vite. `npm test` builds first; when a single
 * file runs on its own and the bundle is missing, build it once here.
 */
export function ensureBuilt(bundle = 'checkout'): void {
  const file = join(repoRoot, 'dist/public/assets', `${bundle}.js`);
  if (existsSync(file)) return;
  // The whole build (pages, then widget.js): building one config alone would empty dist/public.
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'pipe' });
  if (!existsSync(file)) throw new Error(`vite build did not produce ${file}`);
}

/** Full-page PNG in test-output/screenshots/<name>.png (gitignored); returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core in the page and returns the serious and critical violations (an empty list is the
 * goal). The source is evaluated through the DevTools protocol, which the page's strict CSP does
 * not govern, so the page is scanned exactly as served.
 */
export async function axeScan(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<AxeResults> } }).axe;
    return axe.run(document);
  });
  return results.violations
    .filter((v: Result) => v.impact === 'serious' || v.impact === 'critical')
    .map((v: Result) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

export interface PageWatch {
  /**
   * console.error messages and uncaught exceptions, as text. Chromium's "Failed to load resource"
   * line for a top-level page answered with an error status (a 422 form, a 410 page) is not
   * counted: that status is the page itself, which tests assert on; subresources still count.
   */
  readonly errors: string[];
  /** alert/confirm/prompt/beforeunload dialogs (each is dismissed). */
  dialogs: string[];
}

/** Collects what a user should never see or a developer never find in the console. */
export function watchPage(page: Page): PageWatch {
  const logged: { text: string; url: string }[] = [];
  const documents = new Set<string>();
  const dialogs: string[] = [];
  page.on('response', (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.resourceType() === 'document' && response.frame() === page.mainFrame()) documents.add(response.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error') logged.push({ text: message.text(), url: message.location().url });
  });
  page.on('pageerror', (error) => logged.push({ text: `uncaught: ${error.message}`, url: '' }));
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return {
    get errors() {
      return logged
        .filter((e) => !(e.text.startsWith('Failed to load resource: the server responded with a status of') && documents.has(e.url)))
        .map((e) => (e.url ? `${e.text} (${e.url})` : e.text));
    },
    dialogs,
  };
}

export type StaticRoute = string | ((url: URL, req: IncomingMessage) => string);

export interface StaticSite {
  /** e.g. http://127.0.0.1:41235 */
  url: string;
  origin: string;
  port: number;
  /** Every URL requested so far (path and query), in order. */
  hits: URL[];
  /** Adds or replaces a page. */
  route(path: string, page: StaticRoute): void;
  stop(): Promise<void>;
}

/**
 * A merchant's web site on its own origin (127.0.0.1 on a free port): pages by path, anything else
 * is a 404. Success/cancel URLs land here; the widget tests embed the script tag in its pages.
 */
export async function startStaticSite(routes: Record<string, StaticRoute> = {}): Promise<StaticSite> {
  const pages = new Map<string, StaticRoute>(Object.entries(routes));
  const hits: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    hits.push(url);
    if (url.pathname === '/favicon.ico' && !pages.has(url.pathname)) {
      res.writeHead(204).end();
      return;
    }
    const page = pages.get(url.pathname);
    if (page === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><html lang="en"><title>Not found</title><h1>Not found</h1></html>');
      return;
    }
    const body = typeof page === 'string' ? page : page(url, req);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(body);
  });
  const { origin, port, stop } = await listenOnLoopback(server, '127.0.0.1');
  return { url: origin, origin, port, hits, route: (path, page) => void pages.set(path, page), stop };
}

/**
 * Starts `server` on `host` (a loopback address) and a free port; `stop` drops open connections
 * (keep-alive from the browser) and closes it.
 */
export async function listenOnLoopback(server: Server, host: string): Promise<{ origin: string; port: number; stop(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A minimal accessible page for the merchant's site (title + heading + optional body HTML). */
export const sitePage = (title: string, body = ''): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
