// The back-office on a phone (390×844, the width the issue was seen at) in real Chromium: every page
// fits the width (no horizontal scroll) and the menu folds behind a "Menu" toggle that works
// without JavaScript. Screenshots are kept in test-output/screenshots/admin-phone-*.png.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../harness/browser.ts';
import { AdminFixture, unique } from './admin.helpers.ts';

const f = new AdminFixture();
const PHONE = { width: 390, height: 844 };

/** How wide the page is laid out: more than the viewport means the page scrolls sideways. */
const pageWidth = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth);

describe('back-office on a 390 px wide phone', () => {
  beforeAll(() => f.start());
  afterAll(() => f.stop());
  afterEach(() => f.check());

  it('no page scrolls sideways', async () => {
    // Content as long as real data gets: a 50-character reference, a long company name and email.
    const { body: customer } = await f.api('POST', '/v1/customers', {
      email: unique('a-rather-long-mailbox-name-for-a-phone'),
      first_name: 'Maximilian-Alexander',
      last_name: 'Oberhausen-Württemberg',
      company: 'Internationale Handelsgesellschaft für Abonnements mbH',
      reference: 'CUSTOMER-2026-000000000000000000000000000000000042',
      billing_address: { line1: '1 Hauptstraße', postal_code: '10115', city: 'Berlin', country: 'DE', tax_id: 'DE136695976' },
    });
    expect(customer.id).toMatch(/^cus_/);
    const { body: hook } = await f.api('POST', '/v1/webhook_endpoints', { url: 'https://hooks.example.com/porte/webhooks/receiver/endpoint', events: ['*'] });
    expect(hook.id).toMatch(/^we_/);

    const login = await f.page(await f.context('en-US', { viewport: PHONE }));
    await login.goto(`${f.url}/admin/login`);
    await screenshot(login, 'admin-phone-login');
    expect(await pageWidth(login), 'login').toBeLessThanOrEqual(PHONE.width);

    const { page } = await f.signedIn('en-US', { viewport: PHONE });
    const pages: [string, string][] = [
      ['customers', 'subscribers'],
      [`customers/${customer.id}`, 'customer'],
      [`customers/${customer.id}/edit`, 'edit-customer'],
      ['customers/new', 'new-customer'],
      ['offers', 'offers'],
      ['offers/new', 'new-offer'],
      ['pricing-tables', 'pricing-tables'],
      ['pricing-tables/default', 'pricing-table'],
      ['settings', 'settings'],
      ['settings/webhooks/new', 'new-webhook'],
      [`settings/webhooks/${hook.id}`, 'webhook'],
      ['team', 'team'],
    ];
    const widths: Record<string, number> = {};
    for (const [path, name] of pages) {
      const res = await page.goto(`${f.url}/admin/${path}`);
      expect(res?.status(), path).toBe(200);
      await screenshot(page, `admin-phone-${name}`);
      widths[name] = await pageWidth(page);
    }
    expect(Object.entries(widths).filter(([, w]) => w > PHONE.width)).toEqual([]);
  });

  it('the menu folds behind a "Menu" toggle on the phone, without JavaScript; on a desktop it is always shown', async () => {
    const { page } = await f.signedIn('en-US', { viewport: PHONE, javaScriptEnabled: false });
    const offers = page.getByRole('link', { name: 'Offers', exact: true });
    const toggle = page.getByText('Menu', { exact: true });
    await expect.poll(() => toggle.isVisible()).toBe(true);
    expect(await offers.isVisible()).toBe(false);
    // The folded menu leaves the page's heading near the top of the screen: below the header, the
    // "Menu" toggle and the test-mode banner (~250 px in all), not below a whole unfolded menu.
    expect((await page.getByRole('heading', { level: 1 }).boundingBox())?.y ?? 999).toBeLessThan(320);
    await toggle.click();
    await expect.poll(() => offers.isVisible()).toBe(true);
    await screenshot(page, 'admin-phone-menu-open');
    await offers.click();
    await page.waitForURL(`${f.url}/admin/offers`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Offers');
    // By keyboard too: the toggle takes the focus and Space opens it.
    await page.getByRole('checkbox', { name: 'Menu' }).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByRole('link', { name: 'Pricing tables', exact: true }).isVisible()).toBe(true);

    const desktop = await f.signedIn('en-US');
    expect(await desktop.page.getByRole('link', { name: 'Offers', exact: true }).isVisible()).toBe(true);
    expect(await desktop.page.getByText('Menu', { exact: true }).isVisible()).toBe(false);
  });

  it('the invoice filters are separate links on the phone, the one in use marked and styled apart', async () => {
    const { page } = await f.signedIn('en-US', { viewport: PHONE });
    await page.goto(`${f.url}/admin/invoices?status=paid`);
    const filters = page.getByRole('navigation', { name: 'Status' }).getByRole('link');
    expect(await filters.allTextContents()).toEqual(['All', 'Open', 'Paid', 'Void', 'Uncollectible']);
    const boxes = await Promise.all((await filters.all()).map(async (l) => (await l.boundingBox()) ?? { x: 0, y: 0, width: 0, height: 0 }));
    // Each link starts clear of the one before it (on the same line) or on a line of its own.
    for (let i = 1; i < boxes.length; i++) {
      const [a, b] = [boxes[i - 1], boxes[i]];
      if (a && b && Math.abs(a.y - b.y) < 4) expect(b.x - (a.x + a.width), `gap before filter ${i}`).toBeGreaterThanOrEqual(4);
    }
    expect(await filters.and(page.locator('[aria-current="page"]')).allTextContents()).toEqual(['Paid']);
    const bg = (name: string) => filters.filter({ hasText: name }).first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await bg('Paid')).not.toBe(await bg('Open'));
    await screenshot(page, 'admin-phone-invoice-filters');
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  });
});
