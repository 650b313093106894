// Branding and translations as a customer sees them (issue 10), in real Chromium against the demo
// server: the business's logo and colour on checkout, its frame (the page the widget embeds) and
// the portal; the grid and checkout in French with the offer's French words. Screenshots kept.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, screenshot } from '../harness/browser.ts';
import { AdminFixture } from './admin.helpers.ts';

const f = new AdminFixture();
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR42mNkYPjPQApgHNUwqmH4agAAlCgEEYiRxA8AAAAASUVORK5CYII=', 'base64');
const COLOR = '#0b5d3b';

describe('branding and translations in Chromium', () => {
  beforeAll(() => f.start(), 120_000);
  afterAll(() => f.stop());
  afterEach(() => f.check());

  it('logo, colour and trading name on checkout, the widget frame and the portal', async () => {
    expect((await f.api('PATCH', '/v1/account', { trading_name: 'Atelier Lumière', brand_color: COLOR, support_email: 'help@lumiere.example' })).status).toBe(200);
    const { page } = await f.signedIn();
    await page.goto(`${f.url}/admin/settings/profile`);
    expect(await axeScan(page), 'profile page').toEqual([]);
    await page.locator('#f-logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Upload the logo' }).click();
    await page.waitForURL(`${f.url}/admin/settings/profile`);
    await expect.poll(() => page.locator('img.logo-preview').count()).toBe(1);
    await screenshot(page, 'branding-admin-profile');

    const session = (await f.api('POST', '/v1/checkout_sessions', { offer: 'pro-monthly', success_url: `${f.url}/demo`, cancel_url: `${f.url}/demo` })).body;
    for (const [path, name] of [[`/checkout/${session.id}`, 'checkout'], [`/checkout/${session.id}?embed=1`, 'widget-frame']] as const) {
      await page.goto(`${f.url}${path}`);
      const logo = page.locator('[data-brand] img');
      await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(16);
      expect(await logo.getAttribute('alt')).toBe('Atelier Lumière');
      const button = page.getByRole('button', { name: 'Subscribe' });
      expect(await button.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(11, 93, 59)');
      await screenshot(page, `branding-${name}`);
      expect(await axeScan(page), name).toEqual([]);
    }

    const customer = (await f.api('POST', '/v1/customers', { email: `brand.${Date.now()}@example.com` })).body;
    const link = (await f.api('POST', `/v1/customers/${customer.id}/portal_links`, {})).body;
    await page.goto(link.url);
    await expect.poll(() => page.locator('[data-brand] img').count()).toBe(1);
    await screenshot(page, 'branding-portal');
  }, 90_000);

  it('the grid and checkout in French show the offer’s French words', async () => {
    const patched = await f.api('PATCH', '/v1/offers/pro-monthly', { translations: { fr: { name: 'Formule Pro', features: ['Support prioritaire'] } } });
    expect(patched.status).toBe(200);
    const page = await f.page(await f.context('fr-FR'));
    await page.goto(`${f.url}/demo?locale=fr`);
    const grid = page.locator('[data-porte-pricing-table]');
    await expect.poll(() => grid.evaluate((el) => el.shadowRoot?.textContent ?? '')).toContain('Formule Pro');
    expect(await grid.evaluate((el) => el.shadowRoot?.textContent ?? '')).toContain('Support prioritaire');
    await screenshot(page, 'translations-grid-fr');

    const session = (await f.api('POST', '/v1/checkout_sessions', { offer: 'pro-monthly', locale: 'fr', success_url: `${f.url}/demo`, cancel_url: `${f.url}/demo` })).body;
    await page.goto(`${f.url}/checkout/${session.id}`);
    await expect.poll(() => page.locator('main').textContent()).toContain('Formule Pro');
    await screenshot(page, 'translations-checkout-fr');
    expect(await axeScan(page), 'checkout fr').toEqual([]);

    const en = await f.page(await f.context('en-US'));
    await en.goto(`${f.url}/checkout/${session.id}?locale=en`);
    await expect.poll(() => en.locator('main').textContent()).toContain('Pro');
    expect(await en.locator('main').textContent()).not.toContain('Formule Pro');
  }, 90_000);
});
