// What the browser tests of Porte's hosted pages (checkout, portal) share: the real Node server,
// Chromium, the merchant's own site (/thanks, /pricing) for the redirects, pages watched for console
// errors and dialogs, the merchant REST API, and the test card filled by its labels.
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { ensureBuilt, launchBrowser, type PageWatch, sitePage, type StaticSite, startStaticSite, watchPage } from './browser.ts';
import { type PorteServer, startServer } from './server.ts';
import { EXPIRY, porteApi } from './widget-site.ts';

export const CARDS = { ok: '4242 4242 4242 4242', declined: '4000 0000 0000 0002', challenge: '4000 0027 6000 3184' } as const;
export const TEST_IBAN = 'DE89 3704 0044 0532 0130 00';
export { EXPIRY };

/** The card fields filled by their visible labels (English by default), expiry three years ahead. */
export async function fillCard(page: Page, number: string, labels = { number: 'Card number', expiry: 'Expiry', cvc: 'CVC' }): Promise<void> {
  await page.getByLabel(labels.number, { exact: true }).fill(number);
  await page.getByLabel(labels.expiry, { exact: true }).fill(EXPIRY);
  await page.getByLabel(labels.cvc, { exact: true }).fill('123');
}

/** What useHostedPagesSuite() hands a test file; the getters throw before its beforeAll has run. */
export interface HostedPagesSuite {
  readonly server: PorteServer;
  /** The merchant's site, with /thanks ('Thanks for subscribing') and /pricing. */
  readonly site: StaticSite;
  readonly browser: Browser;
  /** The merchant REST API of `server`, with its secret key. */
  api(method: string, path: string, body?: unknown): ReturnType<typeof porteApi>;
  /** A fresh context (closed after the test). */
  newContext(options: BrowserContextOptions): Promise<BrowserContext>;
  /** A page in a fresh 1100×900 context with this locale, watched. */
  newPage(locale?: string): Promise<Page>;
  /** A page in `context`, watched. */
  openIn(context: BrowserContext): Promise<Page>;
}

/**
 * The setup the hosted pages' browser files share, with its hooks registered here: beforeAll builds
 * `bundle` if needed and starts the merchant's site, Porte and Chromium; afterEach closes the test's
 * contexts and requires no console errors and no dialogs in its pages; afterAll stops everything.
 */
export function useHostedPagesSuite(bundle: 'checkout' | 'portal'): HostedPagesSuite {
  let server: PorteServer | undefined;
  let site: StaticSite | undefined;
  let browser: Browser | undefined;
  /** Every page opened by a test, watched for console errors and dialogs (checked after each test). */
  let watches: { page: Page; watch: PageWatch }[] = [];
  let contexts: BrowserContext[] = [];
  const started = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`useHostedPagesSuite: ${name} is not started yet (read it in a hook or a test)`);
    return value;
  };

  beforeAll(async () => {
    ensureBuilt(bundle);
    [site, server, browser] = await Promise.all([startStaticSite({ '/thanks': sitePage('Thanks for subscribing'), '/pricing': sitePage('Pricing') }), startServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await site?.stop();
  });

  afterEach(async () => {
    const problems = watches.flatMap(({ page, watch }) => [...watch.errors, ...watch.dialogs].map((p) => `${page.url()}: ${p}`));
    for (const context of contexts) await context.close();
    watches = [];
    contexts = [];
    expect(problems, 'no console errors and no dialogs').toEqual([]);
  });

  const newContext = async (options: BrowserContextOptions): Promise<BrowserContext> => {
    const context = await started(browser, 'browser').newContext(options);
    contexts.push(context);
    return context;
  };
  const openIn = async (context: BrowserContext): Promise<Page> => {
    const page = await context.newPage();
    watches.push({ page, watch: watchPage(page) });
    return page;
  };

  return {
    get server() {
      return started(server, 'server');
    },
    get site() {
      return started(site, 'site');
    },
    get browser() {
      return started(browser, 'browser');
    },
    api: (method, path, body) => porteApi(started(server, 'server').url, started(server, 'server').secretKey, method, path, body),
    newContext,
    newPage: async (locale = 'en-US') => openIn(await newContext({ locale, viewport: { width: 1100, height: 900 } })),
    openIn,
  };
}
