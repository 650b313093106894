// The merchant developer's first look: /docs renders the API reference (Scalar, served from Porte's
// own origin) and /docs/widget the widget guide, in real Chromium, with no console error, no CSP
// violation and no request to any other origin.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, ensureBuilt, launchBrowser, screenshot, watchPage } from '../harness/browser.ts';
import { type PorteServer, startServer } from '../harness/server.ts';

let server: PorteServer;
let browser: Browser;

beforeAll(async () => {
  ensureBuilt('scalar-api-reference');
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A page that records CSP violations (any frame) and every request that leaves Porte's origin. */
async function open(path: string): Promise<{ page: Page; violations: string[]; foreign: string[]; errors: () => string[] }> {
  const page = await browser.newPage();
  const watch = watchPage(page);
  const violations: string[] = [];
  const foreign: string[] = [];
  const origin = new URL(server.url).origin;
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
  });
  page.on('console', (message) => {
    if (message.type() === 'debug' && message.text().startsWith('[csp]')) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.debug(`[csp] ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`));
  });
  await page.goto(`${server.url}${path}`);
  return { page, violations, foreign, errors: () => watch.errors };
}

describe('developer docs in Chromium', () => {
  it('/docs renders the reference: operations, request examples with real bodies that work, webhook events', async () => {
    const { page, violations, foreign, errors } = await open('/docs');
    // Scalar has rendered the document: the endpoint registry's tags and summaries are in the sidebar.
    await expect.poll(() => page.getByRole('link', { name: 'Create a customer' }).first().isVisible()).toBe(true);
    for (const tag of ['Customers', 'Checkout sessions', 'Subscriptions', 'Webhook endpoints', 'Offers', 'Pricing tables', 'Webhook events']) {
      expect(await page.getByText(tag, { exact: true }).first().isVisible(), tag).toBe(true);
    }
    // The request example for POST /v1/customers is a curl command with the documented body,
    // shown above the response example.
    await page.getByRole('link', { name: 'Create a customer' }).first().click();
    await expect.poll(() => page.getByText('jane.doe@example.com').first().isVisible()).toBe(true);
    const order = await page.evaluate(() => {
      const blocks = [...document.querySelectorAll('pre, code')];
      const top = (test: (t: string) => boolean) => blocks.find((b) => test(b.textContent ?? ''))?.getBoundingClientRect().top ?? Number.NaN;
      return {
        request: top((t) => t.includes('curl') && t.includes('--data') && t.includes('"email": "jane.doe@example.com"') && t.includes('"country": "FR"')),
        response: top((t) => !t.includes('curl') && t.includes('"object": "customer"')),
      };
    });
    expect(order.request).toBeLessThan(order.response);
    // Webhook events and their payloads come from the OpenAPI `webhooks` section.
    await page.getByText('Webhook events', { exact: true }).first().click();
    await expect.poll(() => page.getByText('invoice.payment_failed').first().isVisible()).toBe(true);
    // "Test Request" sends the documented example with the developer's key, and it works.
    await page.getByRole('link', { name: 'Create a customer' }).first().click();
    await page.getByRole('button', { name: 'Test Request' }).first().click();
    await page.getByPlaceholder('Token').first().fill(server.secretKey);
    await page.getByRole('button', { name: /Send/ }).first().click();
    await expect.poll(() => page.getByText('201 Created').first().isVisible()).toBe(true);
    const found = await fetch(`${server.url}/v1/customers?query=user_1842`, { headers: { Authorization: `Bearer ${server.secretKey}` } });
    expect(((await found.json()) as { data: { reference: string; email: string }[] }).data).toEqual([
      expect.objectContaining({ reference: 'user_1842', email: 'jane.doe@example.com' }),
    ]);
    await screenshot(page, 'docs-reference');
    // The 4.9 MB bundle travels gzipped (built beside it) to browsers that accept it.
    const bundle = await fetch(`${server.url}/assets/scalar-api-reference.js`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(bundle.headers.get('Content-Encoding')).toBe('gzip');
    expect(Number(bundle.headers.get('Content-Length'))).toBeLessThan(2_000_000);
    await bundle.body?.cancel();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(violations).toEqual([]);
    expect(foreign).toEqual([]);
    expect(errors()).toEqual([]);
    await page.close();
  }, 90_000);

  it('/docs/widget documents attributes, the JS API, events and the CSP lines, and passes axe', async () => {
    const { page, violations, foreign, errors } = await open('/docs/widget');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Embed the Porte widget');
    for (const heading of ['Attributes', 'JavaScript API', 'Events', 'Content Security Policy']) {
      expect(await page.getByRole('heading', { level: 2, name: heading }).count(), heading).toBe(1);
    }
    const text = (await page.locator('main').textContent()) ?? '';
    for (const attribute of ['data-mode', 'data-locale', 'data-customer-reference', 'data-customer-email', 'data-customer-hash', 'data-success-url']) {
      expect(text, attribute).toContain(attribute);
    }
    for (const event of ['porte:ready', 'porte:open', 'porte:close', 'porte:error', 'porte:subscribed']) expect(text, event).toContain(event);
    for (const directive of ['script-src', 'connect-src', 'frame-src']) expect(text).toContain(`${directive} ${server.url}`);
    expect(text).toContain('{checkout_session, customer: {id, reference}, subscription: {id, offer}}');
    await screenshot(page, 'docs-widget');
    expect(await axeScan(page)).toEqual([]);
    expect(violations).toEqual([]);
    expect(foreign).toEqual([]);
    expect(errors()).toEqual([]);
    await page.close();
  });
});
