// The embeddable widget in real Chromium, on a merchant's page served from ANOTHER origin
// (http://127.0.0.1:<port>, while Porte is http://localhost:<port>) with exactly CONTRACT.md's
// snippet: the offer grid, then a subscription in each of the three modes (overlay, inline,
// redirect), checked the way the merchant would: DOM events on their page, then the REST API.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { axeScan, screenshot } from '../harness/browser.ts';
import { checkoutReady, continueAfterSuccess, contractSnippet, eventually, fillCheckout, merchantPage, useWidgetSuite, visitor, wheelLeavesPageStill } from '../harness/widget-site.ts';

const suite = useWidgetSuite();
const { tabs, api } = suite;

/** Spaces of any kind (Intl uses U+00A0 and U+202F) as plain spaces, for readable expectations. */
const plain = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();
const open = (path: string, locale = 'en-US') => tabs.open(`${suite.site.origin}${path}`, { locale });

const grid = (page: Page) => page.locator('[data-porte-pricing-table]');
/** An offer's card in the grid (inside its shadow root), found by its heading. */
const card = (page: Page, name: string) => grid(page).getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });

// Generous per-test limit: these suites share two cores with other browser and workerd suites.
describe('widget on a merchant page (CONTRACT.md snippet), in Chromium', { timeout: 60_000 }, () => {
  beforeAll(() => {
    const { server, site } = suite;
    const pricing = (extra: Parameters<typeof contractSnippet>[2] = {}) => merchantPage('Pricing', contractSnippet(server.url, server.publishableKey, extra));
    site.route('/pricing', pricing());
    site.route('/pricing-fr', pricing({ table: { 'data-locale': 'fr', style: '--porte-accent: #b4530a; --porte-radius: 3px; --porte-font: monospace' } }));
    site.route('/pricing-inline', pricing({ button: { 'data-mode': 'inline' } }));
    site.route('/pricing-redirect', pricing({ button: { 'data-mode': 'redirect' } }));
    expect(new URL(server.url).origin).not.toBe(site.origin);
  });

  it('the grid shows the three offers with Intl prices, the trial, the setup fee and the highlighted offer; axe finds nothing serious', async () => {
    const { page, events } = await open('/pricing');
    await eventually(() => grid(page).getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Basic', 'Pro', 'Business']);
    expect(await grid(page).evaluate((el) => el.shadowRoot !== null)).toBe(true);

    expect(plain(await card(page, 'Basic').locator('.price').textContent())).toBe('€9.00 / month');
    expect(plain(await card(page, 'Pro').locator('.price').textContent())).toBe('€29.00 / month');
    expect(plain(await card(page, 'Business').locator('.price').textContent())).toBe('€290.00 / year');
    expect(await card(page, 'Pro').getByText('14-day free trial').isVisible()).toBe(true);
    expect(await card(page, 'Basic').getByText(/free trial/).count()).toBe(0);
    expect(await card(page, 'Business').getByText('+ €49.00 setup fee').isVisible()).toBe(true);
    expect(await card(page, 'Pro').getByText(/setup fee/).count()).toBe(0);
    // Exactly one offer is marked, and it is the table's highlighted one.
    expect(await grid(page).getByText('Most popular').count()).toBe(1);
    expect(await card(page, 'Pro').getByText('Most popular').isVisible()).toBe(true);
    expect(await grid(page).getByRole('button', { name: 'Subscribe' }).count()).toBe(3);
    // Porte's own look by default (the host page's fonts and colours stay outside the shadow root).
    expect(await card(page, 'Pro').getByRole('button').evaluate((b) => [getComputedStyle(b).fontFamily, getComputedStyle(b).backgroundColor])).toEqual([
      expect.stringMatching(/^system-ui/),
      'rgb(59, 91, 219)',
    ]);

    // porte:ready for the loader (on window) and for the grid (on its element, bubbling to window).
    await eventually(() => events.of('ready').map((e) => e.target)).toEqual(expect.arrayContaining(['window', 'div[data-porte-pricing-table=default]']));
    expect(events.of('error')).toEqual([]);

    const violations = await axeScan(page);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await screenshot(page, 'widget-grid-en');
  });

  it('data-locale="fr" formats prices the French way and speaks French; --porte-* custom properties theme the grid', async () => {
    const { page } = await open('/pricing-fr', 'en-US');
    await eventually(() => grid(page).getByRole('heading', { level: 3 }).count()).toBe(3);
    expect(plain(await card(page, 'Pro').locator('.price').textContent())).toBe('29,00 € / mois');
    expect(plain(await card(page, 'Business').locator('.price').textContent())).toBe('290,00 € / an');
    expect(await card(page, 'Pro').getByText('Essai gratuit de 14 jours').isVisible()).toBe(true);
    expect(plain(await card(page, 'Business').locator('.setup').textContent())).toBe('+ 49,00 € de frais de mise en service');
    expect(await grid(page).getByRole('button', { name: "S'abonner" }).count()).toBe(3);
    expect(await card(page, 'Pro').getByText('Le plus choisi').isVisible()).toBe(true);
    const look = await card(page, 'Pro').getByRole('button').evaluate((b) => {
      const style = getComputedStyle(b);
      return { background: style.backgroundColor, font: style.fontFamily, cardRadius: getComputedStyle(b.closest('li') as Element).borderTopLeftRadius };
    });
    expect(look).toEqual({ background: 'rgb(180, 83, 10)', font: 'monospace', cardRadius: '3px' });
  });

  it('overlay: grid Subscribe → modal dialog (close button, focus inside, scroll locked) → test card → porte:subscribed → customer in the API → back on the page with checkout_session_id', async () => {
    const { page, events } = await open('/pricing');
    await page.evaluate(() => {
      // A long page, so that the scroll lock is observable.
      const filler = document.createElement('p');
      filler.textContent = 'Terms and conditions';
      filler.style.height = '3000px';
      document.querySelector('main')?.append(filler);
    });
    await card(page, 'Pro').getByRole('button', { name: 'Subscribe' }).click();

    const dialog = page.getByRole('dialog', { name: 'Checkout' });
    await dialog.waitFor();
    expect(await page.locator('porte-overlay').count()).toBe(1);
    expect(await dialog.getByRole('button', { name: 'Close' }).isVisible()).toBe(true);
    const frame = await checkoutReady(page, 'porte-overlay');
    expect(await frame.locator('.offer-name').textContent()).toBe('Pro');
    // The iframe is Porte's own page: card details never touch the merchant's document.
    expect(new URL((await page.locator('porte-overlay iframe').getAttribute('src')) ?? '').origin).toBe(new URL(suite.server.url).origin);
    // Focus moved into the dialog (the shadow host, then the iframe within).
    await eventually(() => page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.tagName ?? document.activeElement?.tagName)).toBe('IFRAME');
    // The page behind does not scroll (a wheel over the backdrop, beside the dialog).
    await wheelLeavesPageStill(page, 40, 400);
    expect(events.of('open')).toMatchObject([{ target: 'div[data-porte-pricing-table=default]', detail: { offer: 'pro-monthly', mode: 'overlay' } }]);

    const who = visitor('overlay');
    await fillCheckout(frame, who);
    await frame.getByRole('button', { name: 'Subscribe' }).click();

    await eventually(() => events.of('subscribed').length).toBe(1);
    const [subscribed] = events.of('subscribed');
    expect(subscribed?.target).toBe('div[data-porte-pricing-table=default]');
    const detail = subscribed?.detail;
    expect(detail.checkout_session).toMatch(/^cs_\w+$/);
    expect(detail.customer.id).toMatch(/^cus_\w+$/);
    expect(detail.subscription.id).toMatch(/^sub_\w+$/);

    // Not prevented: after the success step, the visitor lands on the success URL, the page they subscribed from.
    await continueAfterSuccess(page);
    await page.waitForURL((url) => url.origin === suite.site.origin && url.pathname === '/pricing' && url.searchParams.has('checkout_session_id'));
    expect(new URL(page.url()).searchParams.get('checkout_session_id')).toBe(detail.checkout_session);

    const customer = await api('GET', `/v1/customers/${detail.customer.id}`);
    expect(customer.status).toBe(200);
    expect(customer.body).toMatchObject({ email: who.email, first_name: who.first, last_name: who.last });
    const subscription = await api('GET', `/v1/subscriptions/${detail.subscription.id}`);
    expect(subscription.body).toMatchObject({ customer: detail.customer.id, status: 'trialing' });
    const session = await api('GET', `/v1/checkout_sessions/${detail.checkout_session}`);
    expect(session.body).toMatchObject({ status: 'complete', customer: detail.customer.id, subscription: detail.subscription.id });
  });

  it('inline: the checkout opens in place, its height follows its content, and the subscription completes', async () => {
    const { page, events } = await open('/pricing-inline');
    await page.getByRole('button', { name: 'Subscribe' }).and(page.locator('[data-porte-checkout]')).click();

    const inline = page.locator('porte-inline');
    await inline.waitFor();
    // In place: right after the button, no dialog, the page still scrolls normally.
    expect(await page.evaluate(() => document.querySelector('[data-porte-checkout]')?.nextElementSibling?.tagName)).toBe('PORTE-INLINE');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).not.toBe('hidden');

    const frame = await checkoutReady(page, 'porte-inline');
    const iframe = page.locator('porte-inline iframe');
    const contentHeight = () => frame.locator('html').evaluate((html) => html.scrollHeight);
    const frameHeight = async () => (await iframe.boundingBox())?.height ?? 0;
    // The whole form shows without a scrollbar inside the iframe.
    await eventually(async () => Math.abs((await frameHeight()) - (await contentHeight()))).toBeLessThanOrEqual(2);
    const before = await frameHeight();
    expect(before).toBeGreaterThan(600);

    // Submitting an empty form adds error messages: the iframe grows with them.
    await frame.getByRole('button', { name: 'Subscribe' }).click();
    await frame.getByRole('alert').first().waitFor();
    tabs.allowErrors(page, /status of 422/); // the re-rendered form comes with 422, as it should
    await eventually(async () => Math.abs((await frameHeight()) - (await contentHeight()))).toBeLessThanOrEqual(2);
    expect(await frameHeight()).toBeGreaterThan(before);

    const who = visitor('inline');
    await fillCheckout(frame, who);
    await frame.getByRole('button', { name: 'Subscribe' }).click();
    await eventually(() => events.of('subscribed').length).toBe(1);
    const detail = events.of('subscribed')[0]?.detail;
    expect(events.of('subscribed')[0]?.target).toBe('button[data-porte-checkout=pro-monthly]');
    expect(detail.customer.id).toMatch(/^cus_\w+$/);
    expect(detail.subscription.id).toMatch(/^sub_\w+$/);
    await continueAfterSuccess(page, 'porte-inline');
    await page.waitForURL((url) => url.pathname === '/pricing-inline' && url.searchParams.get('checkout_session_id') === detail.checkout_session);
    expect((await api('GET', `/v1/customers/${detail.customer.id}`)).body.email).toBe(who.email);
  });

  it('redirect: the button navigates to the hosted checkout, then back to the merchant page with checkout_session_id', async () => {
    const { page } = await open('/pricing-redirect');
    await page.getByRole('button', { name: 'Subscribe' }).and(page.locator('[data-porte-checkout]')).click();
    await page.waitForURL((url) => url.origin === new URL(suite.server.url).origin && /^\/checkout\/cs_\w+$/.test(url.pathname));
    expect(await page.locator('porte-overlay, porte-inline').count()).toBe(0);
    const sessionId = new URL(page.url()).pathname.split('/')[2] ?? '';
    expect(await page.locator('.offer-name').textContent()).toBe('Pro');

    const who = visitor('redirect');
    await fillCheckout(page, who);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL((url) => url.origin === suite.site.origin && url.pathname === '/pricing-redirect');
    expect(new URL(page.url()).searchParams.get('checkout_session_id')).toBe(sessionId);

    const session = await api('GET', `/v1/checkout_sessions/${sessionId}`);
    expect(session.body.status).toBe('complete');
    expect((await api('GET', `/v1/customers/${session.body.customer}`)).body.email).toBe(who.email);
  });
});
