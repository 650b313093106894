// Shared by the back-office browser suites: one real server and one Chromium per file, a signed-in
// owner, pages watched for console errors and dialogs, and the REST API to check what happened.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { ensureBuilt, launchBrowser, type PageWatch, watchPage } from '../harness/browser.ts';
import { type PorteServer, startServer } from '../harness/server.ts';

export interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: API bodies are inspected field by field.
  body: any;
}

export class AdminFixture {
  server!: PorteServer;
  browser!: Browser;
  /** The secret key in use (a test may roll it). */
  secretKey = '';
  private contexts: BrowserContext[] = [];
  private watches: { page: Page; watch: PageWatch }[] = [];

  async start(): Promise<void> {
    ensureBuilt('admin');
    [this.server, this.browser] = await Promise.all([startServer(), launchBrowser()]);
    this.secretKey = this.server.secretKey;
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.server?.stop();
  }

  get url(): string {
    return this.server.url;
  }

  async api(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const res = await fetch(`${this.server.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.secretKey}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  /** Customers whose searchable fields match `query`, through the API. */
  async customers(query: string): Promise<{ id: string; email: string }[]> {
    return (await this.api('GET', `/v1/customers?limit=100&query=${encodeURIComponent(query)}`)).body.data;
  }

  async page(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    this.watches.push({ page, watch: watchPage(page) });
    return page;
  }

  async context(locale = 'en-US', options: { viewport?: { width: number; height: number }; javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
    const context = await this.browser.newContext({ locale, viewport: options.viewport ?? { width: 1200, height: 900 }, javaScriptEnabled: options.javaScriptEnabled ?? true });
    this.contexts.push(context);
    return context;
  }

  /** A fresh browser profile, signed in as the demo owner through the login form; lands on Subscribers. */
  async signedIn(locale = 'en-US', options: Parameters<AdminFixture['context']>[1] = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await this.context(locale, options);
    const page = await this.page(context);
    await page.goto(`${this.url}/admin`);
    const fr = locale.startsWith('fr');
    await page.getByLabel(fr ? 'E-mail' : 'Email', { exact: true }).fill(this.server.ownerEmail);
    await page.getByLabel(fr ? 'Mot de passe' : 'Password').fill(this.server.ownerPassword);
    await page.getByRole('button', { name: fr ? 'Se connecter' : 'Log in' }).click();
    await page.waitForURL(`${this.url}/admin/customers`);
    return { context, page };
  }

  /** After each test: every page stayed free of console errors and dialogs. */
  async check(): Promise<void> {
    const problems = this.watches.flatMap(({ page, watch }) => [...watch.errors, ...watch.dialogs].map((p) => `${page.url()}: ${p}`));
    for (const context of this.contexts) await context.close();
    this.contexts = [];
    this.watches = [];
    expect(problems, 'no console errors and no dialogs').toEqual([]);
  }
}

let counter = 0;
export const unique = (tag: string): string => `${tag}.${Date.now()}.${++counter}@example.com`;
