// How the grid gets on screen: the pricing table's response carries the grid's markup (rendered and
// escaped by Porte's server) and its stylesheet, which widget.js paints into the shadow root at once
// and wires with one click listener — the grid's own code (grid.js + Preact) is never downloaded
// before a click. Where the page forbids innerHTML (Trusted Types), the grid's code draws it instead.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkoutReady, contractSnippet, eventually, merchantPage, useWidgetSuite } from '../harness/widget-site.ts';

const suite = useWidgetSuite();
const { tabs } = suite;

const grid = (page: Page) => page.locator('[data-porte-pricing-table]');
const card = (page: Page, name: string) => grid(page).getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
/** The grid's own code (its entry: refused here, so that a painted grid proves it was not needed). */
const GRID_CODE = /\/assets\/grid\.js$/;
/** Which of Porte's modules the page has fetched so far (widget-frame.js, after a click, shares Preact's chunk). */
const modulesFetched = (page: Page) =>
  page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/assets/')));

// Generous per-test limit: these suites share two cores with other browser and workerd suites.
describe('the grid painted from the server’s markup, in Chromium', { timeout: 60_000 }, () => {
  beforeAll(() => {
    const { server, site } = suite;
    const snippet = (table: Record<string, string> = {}) => contractSnippet(server.url, server.publishableKey, { table });
    site.route('/pricing', merchantPage('Pricing', snippet()));
    site.route('/pricing-fr', merchantPage('Pricing', snippet({ 'data-locale': 'fr', style: '--porte-accent: #b4530a' })));
    // Trusted Types: assigning a string to innerHTML throws, as on pages that lock down DOM XSS sinks.
    site.route('/trusted-types', { body: merchantPage('Pricing', snippet()), headers: { 'Content-Security-Policy': "require-trusted-types-for 'script'" } });
  });

  it('offers, prices and a working keyboard-reachable Subscribe without grid.js: focus + Enter opens the overlay for that offer', async () => {
    const blocked: string[] = [];
    const { page, events } = await tabs.open(`${suite.site.origin}/pricing`, { block: GRID_CODE, blocked });
    await eventually(() => grid(page).getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Basic', 'Pro', 'Business']);
    expect((await card(page, 'Pro').locator('.price').textContent())?.replace(/\s+/g, ' ')).toBe('€29.00 / month');
    expect(await card(page, 'Pro').getByText('Most popular').isVisible()).toBe(true);
    // The grid's stylesheet is applied (Porte's accent on the buttons), though the page never saw grid.js.
    expect(await card(page, 'Pro').getByRole('button').evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(59, 91, 219)');
    await eventually(() => events.of('ready').map((e) => e.target)).toContain('div[data-porte-pricing-table=default]');
    // Before any click: no module at all, so neither the grid's code nor Preact.
    expect(await modulesFetched(page)).toEqual([]);

    // Keyboard only: focus the Pro card's button, then Enter.
    await card(page, 'Pro').getByRole('button', { name: 'Subscribe' }).focus();
    await page.keyboard.press('Enter');
    const frame = await checkoutReady(page, 'porte-overlay');
    expect(await frame.locator('.offer-name').textContent()).toBe('Pro');
    expect(events.of('open')).toMatchObject([{ target: 'div[data-porte-pricing-table=default]', detail: { offer: 'pro-monthly', mode: 'overlay' } }]);
    // Nothing tried to fetch the grid's code (an attempt would have been recorded, and refused).
    expect(blocked).toEqual([]);
  });

  it('data-locale="fr": the server paints French words and prices; --porte-accent still themes the painted grid', async () => {
    const blocked: string[] = [];
    const { page } = await tabs.open(`${suite.site.origin}/pricing-fr`, { block: GRID_CODE, blocked });
    await eventually(() => grid(page).getByRole('button', { name: "S'abonner" }).count()).toBe(3);
    expect((await card(page, 'Pro').locator('.price').textContent())?.replace(/\s+/g, ' ')).toBe('29,00 € / mois');
    expect(await card(page, 'Pro').getByRole('button').evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(180, 83, 10)');
    expect(await modulesFetched(page)).toEqual([]);
    expect(blocked).toEqual([]);
  });

  it('widget.js running while the page is still loading asks for the grids already parsed at once, not at DOMContentLoaded', async () => {
    const { server, site } = suite;
    // The page's parser is held by a classic script of its own after the grid (as a slow tag
    // manager would hold it); widget.js, async, arrives and runs meanwhile. The held script is
    // answered once Porte's pricing table has been asked for, or after 10 s if it never is.
    site.route('/held', merchantPage('Pricing', `${contractSnippet(server.url, server.publishableKey)}\n<script src="/held.js"></script><p>Footer</p>`));
    const context = await suite.browser.newContext();
    try {
      const page = await context.newPage();
      const asked = page.waitForRequest(/\/widget\/v1\/pricing_tables\/default\?/, { timeout: 10_000 }).catch(() => undefined);
      await context.route(/\/held\.js$/, async (route) => {
        await asked;
        await route.fulfill({ contentType: 'text/javascript', body: '' });
      });
      await page.goto(`${site.origin}/held`);
      await eventually(() => grid(page).getByRole('button', { name: 'Subscribe' }).count()).toBe(3);
      const [tableAskedAt, contentLoadedAt] = await page.evaluate(() => [
        performance.getEntriesByType('resource').find((e) => e.name.includes('/pricing_tables/default'))?.startTime ?? Number.NaN,
        (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventStart,
      ]);
      expect(await asked).toBeDefined();
      expect(tableAskedAt).toBeLessThan(contentLoadedAt);
    } finally {
      await context.close();
    }
  });

  it('a page with Trusted Types (no innerHTML): the grid’s own code draws the same grid, and its buttons work', async () => {
    const { page, events } = await tabs.open(`${suite.site.origin}/trusted-types`);
    // Chromium reports the refused innerHTML assignment itself; that is the point of this page.
    tabs.allowErrors(page, /TrustedHTML/);
    await eventually(() => grid(page).getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Basic', 'Pro', 'Business']);
    expect(await modulesFetched(page)).toContain('/assets/grid.js');
    await card(page, 'Business').getByRole('button', { name: 'Subscribe' }).click();
    const frame = await checkoutReady(page, 'porte-overlay');
    expect(await frame.locator('.offer-name').textContent()).toBe('Business');
    expect(events.of('error')).toEqual([]);
  });

  it('a visitor who saw the grid sees a new price on the next page view: the one the checkout will charge', async () => {
    // No route on this context (routing would turn Chromium's HTTP cache off): the cache is real.
    const { page } = await tabs.open(`${suite.site.origin}/pricing`);
    const price = () => card(page, 'Pro').locator('.price').textContent().then((t) => t?.replace(/\s+/g, ' '));
    await eventually(price).toBe('€29.00 / month');
    const offers = await suite.api('GET', '/v1/offers?limit=100');
    const pro = offers.body.data.find((o: { reference: string }) => o.reference === 'pro-monthly');
    const changed = await suite.api('PATCH', `/v1/offers/${pro.id}`, { recurring: { ...pro.recurring, amount: 3100 } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    try {
      await page.reload();
      await eventually(price).toBe('€31.00 / month');
    } finally {
      expect((await suite.api('PATCH', `/v1/offers/${pro.id}`, { recurring: pro.recurring })).status).toBe(200);
    }
  });

  it('with VAT, the "incl. VAT" mention stands apart from the period, not glued to it', async () => {
    const before = await suite.api('GET', '/v1/account');
    expect((await suite.api('PATCH', '/v1/account', { country: 'FR' })).status).toBe(200);
    try {
      const { page } = await tabs.open(`${suite.site.origin}/pricing`);
      const label = card(page, 'Pro').locator('.price small');
      await eventually(() => label.textContent()).toBe('incl. VAT');
      const period = await card(page, 'Pro').locator('.price span').boundingBox();
      const mention = await label.boundingBox();
      // On the same line, with a visible gap (about a space) between "/ month" and "incl. VAT".
      expect(mention && period && mention.x - (period.x + period.width)).toBeGreaterThanOrEqual(3);
    } finally {
      expect((await suite.api('PATCH', '/v1/account', { country: before.body.country })).status).toBe(200);
    }
  });
});
