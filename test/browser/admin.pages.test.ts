// Every back-office page in English and French under axe-core, creation by keyboard alone, and the
// offers, pricing tables and settings pages, in real Chromium against `npm start`'s server.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, screenshot } from '../harness/browser.ts';
import { AdminFixture, unique } from './admin.helpers.ts';

const f = new AdminFixture();

async function scan(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await axeScan(page), name).toEqual([]);
}

describe('back-office pages in Chromium', () => {
  beforeAll(() => f.start());
  afterAll(() => f.stop());
  afterEach(() => f.check());

  for (const [locale, lang] of [['en-US', 'en'], ['fr-FR', 'fr']] as const) {
    it(`every page has no serious or critical axe violation (${lang})`, async () => {
      const fr = lang === 'fr';
      const login = await f.page(await f.context(locale));
      await login.goto(`${f.url}/admin/login`);
      expect(await login.locator('html').getAttribute('lang')).toBe(lang);
      await scan(login, `admin-login-${lang}`);

      const { body: customer } = await f.api('POST', '/v1/customers', { email: unique(`axe-${lang}`), first_name: 'Émilie', last_name: 'Du Châtelet', billing_address: { line1: '1 rue Voltaire', postal_code: '75011', city: 'Paris', country: 'FR' } });
      const { page } = await f.signedIn(locale);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(fr ? 'Abonnés' : 'Subscribers');
      await scan(page, `admin-list-${lang}`);

      await page.locator('.add-menu summary').click();
      await page.getByRole('link', { name: fr ? 'Nouveau client' : 'New customer' }).click();
      if (fr) {
        // The CONTRACT's labels, shared with the hosted pages; the country list in French.
        for (const label of ['E-mail', 'Prénom', 'Nom', 'Adresse', 'Code postal', 'Ville', 'Pays']) {
          expect(await page.getByLabel(label, { exact: true }).count(), label).toBe(1);
        }
        expect(await page.getByLabel('Société (facultatif)').count()).toBe(1);
        expect(await page.locator('#f-country option[value="DE"]').textContent()).toBe('Allemagne');
        expect(await page.getByRole('button', { name: 'Enregistrer' }).count()).toBe(1);
      }
      await scan(page, `admin-new-customer-${lang}`);
      await page.getByRole('button', { name: fr ? 'Enregistrer' : 'Save' }).click();
      await scan(page, `admin-new-customer-errors-${lang}`);

      await page.goto(`${f.url}/admin/customers/${customer.id}`);
      await scan(page, `admin-customer-${lang}`);
      await page.goto(`${f.url}/admin/customers/${customer.id}/edit`);
      expect(await page.getByLabel(fr ? 'Ville' : 'City', { exact: true }).inputValue()).toBe('Paris');
      await scan(page, `admin-edit-customer-${lang}`);
      for (const [path, name] of [['offers', 'offers'], ['offers/new', 'new-offer'], ['pricing-tables', 'tables'], ['pricing-tables/default', 'table'], ['settings', 'settings'], ['team', 'team']]) {
        await page.goto(`${f.url}/admin/${path}`);
        await scan(page, `admin-${name}-${lang}`);
      }
    }, 90_000); // 16 pages under axe-core: over 30 s on a loaded 2-core machine
  }

  it('the language switcher changes the language and remembers it', async () => {
    const { page } = await f.signedIn('en-US');
    await page.getByRole('link', { name: 'Français' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Abonnés');
    await page.getByRole('link', { name: 'Offres' }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Offres');
  });

  it('a customer can be created with the keyboard alone, with a visible focus', async () => {
    const { page } = await f.signedIn();
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent || '');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to content');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('q');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SUMMARY');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('New customer');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${f.url}/admin/customers/new`);

    const email = unique('keyboard');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // "Skip to content"
    const steps: [string, string?][] = [
      ['f-first_name', 'Katherine'], ['f-last_name', 'Johnson'], ['f-company'], ['f-reference'], ['f-email', email],
      ['f-language'], ['f-line1', '1 NASA Drive'], ['f-line2'], ['f-postal_code', '23681'], ['f-city', 'Hampton'],
      ['f-region'], ['f-country', 'United States of America'], ['f-phone'], ['f-tax_id'], ['billing-auto'],
    ];
    for (const [id, text] of steps) {
      await page.keyboard.press('Tab');
      expect(await focused()).toBe(id);
      if (text) await page.keyboard.type(text);
    }
    await page.keyboard.press('ArrowDown'); // "No": the manual methods open below
    expect(await focused()).toBe('billing-manual');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('f-manual_method-bank_transfer');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Save');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)).not.toBe('none');
    await screenshot(page, 'admin-keyboard-save-focused');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${f.url}/admin/customers`);
    const [created] = await f.customers(email);
    expect((await f.api('GET', `/v1/customers/${created?.id}`)).body).toMatchObject({
      first_name: 'Katherine',
      billing_address: { city: 'Hampton', country: 'US' },
      payment_method: { type: 'bank_transfer' },
    });
  });

  it('offers: create, hide; pricing table: reorder, highlight, preview of the widget grid', async () => {
    const { page } = await f.signedIn();
    await page.goto(`${f.url}/admin/offers/new`);
    const reference = `team-${Date.now()}`;
    await page.getByLabel('Name', { exact: true }).fill('Team');
    await page.getByLabel('Reference', { exact: true }).fill(reference);
    await page.getByLabel('Price per period').fill('49.90');
    await page.getByLabel('Trial (days)').fill('7');
    await page.getByLabel('Features (one per line)').fill('10 users\nSSO');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`${f.url}/admin/offers`);
    const row = page.locator(`tr[data-offer="${reference}"]`);
    expect(await row.textContent()).toContain('€49.90 / month');
    expect((await f.api('GET', `/v1/offers/${reference}`)).body).toMatchObject({ recurring: { amount: 4990, interval: 'month' }, trial: { days: 7 }, features: ['10 users', 'SSO'], visible: true });
    await row.getByRole('button', { name: 'Hide Team' }).click();
    expect(await page.locator(`tr[data-offer="${reference}"]`).textContent()).toContain('Hidden');
    expect((await f.api('GET', `/v1/offers/${reference}`)).body.visible).toBe(false);

    await page.goto(`${f.url}/admin/pricing-tables/default`);
    const names = () => page.locator('.preview .card h3').allTextContents();
    expect(await names()).toEqual(['Basic', 'Pro', 'Business']);
    expect(await page.locator('.preview .card.hl h3').textContent()).toBe('Pro');
    // The widget's own cards and words (widget/grid/card.tsx), with inert buttons.
    expect(await page.locator('.preview .card.hl .badge').textContent()).toBe('Most popular');
    expect(await page.locator('.preview .card', { hasText: 'Pro' }).locator('.trial').textContent()).toBe('14-day free trial');
    expect(await page.locator('.preview button').first().isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Move Business up' }).click();
    expect(await names()).toEqual(['Basic', 'Business', 'Pro']);
    await page.getByLabel('Highlighted offer').selectOption('business-yearly');
    await page.locator('form[action$="/highlight"] button').click();
    await page.getByLabel('Add an offer').selectOption(reference);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    expect((await f.api('GET', '/v1/pricing_tables/default')).body).toMatchObject({ offers: ['basic-monthly', 'business-yearly', 'pro-monthly', reference], highlighted: 'business-yearly' });
    // The hidden offer stays in the table but not in the widget's grid.
    expect(await names()).toEqual(['Basic', 'Business', 'Pro']);
    expect(await page.locator('.preview .card.hl h3').textContent()).toBe('Business');
    await screenshot(page, 'admin-table-preview');
  });

  it('settings: origins and redirect URLs validated, Stripe secret never shown back, secret key rolled once', async () => {
    const { page } = await f.signedIn();
    await page.goto(`${f.url}/admin/settings`);
    const origins = page.getByRole('textbox', { name: 'Allowed origins' });
    await origins.fill('http://localhost:*\nhttp://127.0.0.1:*\nftp://nope');
    await page.locator('form[action$="/origins"] button').click();
    expect(await page.locator('#f-origins-error').isVisible()).toBe(true);
    await page.getByRole('textbox', { name: 'Allowed origins' }).fill('http://localhost:*\nhttp://127.0.0.1:*\nhttps://Shop.Example/');
    await page.locator('form[action$="/origins"] button').click();
    expect(await page.getByRole('textbox', { name: 'Allowed origins' }).inputValue()).toBe('http://localhost:*\nhttp://127.0.0.1:*\nhttps://shop.example');

    await page.getByLabel('Success URL').fill('https://evil.example/thanks');
    await page.locator('form[action$="/redirects"] button').click();
    expect(await page.locator('#f-success_url-error').textContent()).toBe('Enter a full http(s) address on one of the allowed origins.');
    await page.getByLabel('Success URL').fill('https://shop.example/thanks');
    await page.locator('form[action$="/redirects"] button').click();
    expect(await page.getByRole('status').textContent()).toBe('Settings saved.');

    const stripeSecret = `sk_test_${'x1'.repeat(20)}`;
    await page.getByLabel('Stripe', { exact: true }).check();
    await page.getByLabel('Stripe secret key').fill(stripeSecret);
    await page.getByLabel('Stripe publishable key').fill(`pk_test_${'y2'.repeat(20)}`);
    await page.locator('form[action$="/gateway"] button').click();
    expect(await page.content()).not.toContain(stripeSecret);
    expect(await page.locator('#f-stripe_secret_key-hint').textContent()).toContain('sk_test_…x1x1');
    await page.getByLabel(/^Test gateway/).check();
    await page.locator('form[action$="/gateway"] button').click();

    const old = f.secretKey;
    expect(await page.locator('#secret-hint').textContent()).toBe(`${old.slice(0, 14)}…${old.slice(-4)}`);
    await page.getByText('Roll the secret key…').click();
    await page.getByRole('button', { name: 'Roll now' }).first().click();
    const fresh = await page.locator('#new-secret').inputValue();
    expect(fresh).toMatch(/^porte_sk_test_\w{32}$/);
    await screenshot(page, 'admin-settings-new-secret');
    expect((await f.api('GET', '/v1/customers?limit=1')).status).toBe(401);
    f.secretKey = fresh;
    expect((await f.api('GET', '/v1/customers?limit=1')).status).toBe(200);
    await page.goto(`${f.url}/admin/settings`);
    expect(await page.locator('#new-secret').count()).toBe(0);
    expect(await page.locator('#secret-hint').textContent()).toBe(`${fresh.slice(0, 14)}…${fresh.slice(-4)}`);
  });
});
