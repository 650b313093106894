// The overlay through the pages a checkout can lead to: the restricted page and the 3-D Secure page
// (never a trap: close, Esc and the backdrop work), the one moment it must not close (a payment
// request in flight), and the success step: porte:subscribed first, then Porte's confirmation with
// what was bought, what today cost and when the next charge comes, until the visitor moves on.
import BetterSqlite3 from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../harness/browser.ts';
import { type ApiOffer, chargedToday, longDate, money, nextChargeDate } from '../harness/oracle.ts';
import { attrs, checkoutReady, customerHash, embedSecret, eventually, fillCheckout, merchantPage, useWidgetSuite, visitor } from '../harness/widget-site.ts';

const suite = useWidgetSuite();
const { tabs, api } = suite;

const overlayFrame = (page: Page) => page.frameLocator('porte-overlay iframe');
const closeButton = (page: Page) => page.locator('porte-overlay').getByRole('button', { name: 'Close' });
const plain = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

/** Opens the overlay from the page's button `name`, fills the form with `card` and submits it. */
async function submitInOverlay(page: Page, name: string, card?: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
  const frame = await checkoutReady(page);
  await fillCheckout(frame, visitor('steps'), card);
  await frame.getByRole('button', { name: 'Subscribe' }).click();
}

/** Counts, on the merchant's page, what the page itself saw after the widget did (the positive signals). */
async function countOnPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    const bump = (key: string) => (document.body.dataset[key] = String(Number(document.body.dataset[key] ?? 0) + 1));
    document.addEventListener('click', () => bump('clicks'));
    document.addEventListener('keyup', (e) => e.key === 'Escape' && bump('escapes'));
    window.addEventListener('message', (e) => e.data?.ns === 'porte' && e.data.type === 'close' && bump('closeMessages'));
  });
}
const seen = (page: Page, key: string) => page.evaluate((k) => document.body.dataset[k] ?? '0', key);

describe('widget overlay: never a trap, and a success step', { timeout: 90_000 }, () => {
  beforeAll(() => {
    const script = `<script src="${suite.server.url}/widget.js" data-key="${suite.server.publishableKey}" async></script>`;
    suite.site.route('/plans', merchantPage('Plans', `${script}<button data-porte-checkout="basic-monthly">Basic</button>`));
  });

  it('a grey-listed customer lands on the restricted page: Esc in the frame, then the close button, close the overlay', async () => {
    const reference = `locked-${Date.now()}`;
    const created = await api('PUT', `/v1/customers/by-reference/${reference}`, { email: `${reference}@example.com`, first_name: 'Alan', last_name: 'Turing' });
    const db = new BetterSqlite3(suite.server.dbFile);
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare('UPDATE customers SET grey_listed = 1 WHERE id = ?').run(created.body.id);
    } finally {
      db.close();
    }
    const hash = customerHash(reference, embedSecret(suite.server.dbFile));
    suite.site.route('/locked', merchantPage('Account', `<script src="${suite.server.url}/widget.js" data-key="${suite.server.publishableKey}" async></script>
<button${attrs({ 'data-porte-checkout': 'basic-monthly', 'data-customer-reference': reference, 'data-customer-hash': hash })}>Upgrade</button>`));
    const { page, events } = await tabs.open(`${suite.site.origin}/locked`);
    tabs.allowErrors(page, /status of 403/); // the restricted page is served with 403, inside the frame

    await submitInOverlay(page, 'Upgrade');
    await overlayFrame(page).getByRole('heading', { name: 'Access to the payment form has been restricted' }).waitFor();
    await eventually(() => closeButton(page).getAttribute('aria-disabled')).toBe('false');
    await screenshot(page, 'widget-restricted-closable');
    await page.keyboard.press('Escape'); // the focus is in the frame, on Porte's page
    await page.locator('porte-overlay').waitFor({ state: 'detached' });
    expect(events.of('close')).toHaveLength(1);

    await submitInOverlay(page, 'Upgrade');
    await overlayFrame(page).getByRole('heading', { name: 'Access to the payment form has been restricted' }).waitFor();
    await closeButton(page).click();
    await page.locator('porte-overlay').waitFor({ state: 'detached' });
    expect(events.of('close')).toHaveLength(2);
    expect(events.of('subscribed')).toEqual([]);
  });

  it('on the 3-D Secure page, a click on the backdrop and Esc in the frame close the overlay', async () => {
    const { page, events } = await tabs.open(`${suite.site.origin}/plans`);
    await submitInOverlay(page, 'Basic', '4000 0027 6000 3184');
    await overlayFrame(page).getByRole('heading', { name: '3-D Secure verification' }).waitFor();
    await eventually(() => closeButton(page).getAttribute('aria-disabled')).toBe('false');
    await page.mouse.click(20, 20); // the backdrop, outside the dialog
    await page.locator('porte-overlay').waitFor({ state: 'detached' });
    expect(events.of('close')).toHaveLength(1);

    await submitInOverlay(page, 'Basic', '4000 0027 6000 3184');
    await overlayFrame(page).getByRole('heading', { name: '3-D Secure verification' }).waitFor();
    await overlayFrame(page).getByRole('button', { name: 'Approve' }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('porte-overlay').waitFor({ state: 'detached' });
    expect(events.of('close')).toHaveLength(2);
  });

  it('while the payment request is in flight nothing closes it; then porte:subscribed, the success step with the offer’s figures, and the close button goes on to the success URL', async () => {
    const offer = (await api('GET', '/v1/offers/basic-monthly')).body as ApiOffer;
    const { page, events } = await tabs.open(`${suite.site.origin}/plans`);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let requested = () => {};
    const submitted = new Promise<void>((resolve) => (requested = resolve));
    await page.route(
      (url) => /^\/checkout\/cs_\w+$/.test(url.pathname),
      async (route) => {
        if (route.request().method() === 'POST') {
          requested();
          await held;
        }
        await route.continue();
      },
    );
    await submitInOverlay(page, 'Basic');
    await submitted;
    await eventually(() => closeButton(page).getAttribute('aria-disabled')).toBe('true');
    await countOnPage(page);

    // Esc in the frame: the frame asks to close (the page sees the message after the widget), refused.
    await page.keyboard.press('Escape');
    await eventually(() => seen(page, 'closeMessages')).toBe('1');
    // The close button and the backdrop: the page sees each click after the widget's handler, refused.
    await closeButton(page).click({ force: true });
    await eventually(() => seen(page, 'clicks')).toBe('1');
    await page.mouse.click(20, 20);
    await eventually(() => seen(page, 'clicks')).toBe('2');
    expect(await page.locator('porte-overlay').count()).toBe(1);
    expect(events.of('close')).toEqual([]);

    const started = new Date();
    release();
    await eventually(() => events.of('subscribed').length).toBe(1);
    const frame = overlayFrame(page);
    await frame.getByRole('heading', { name: 'You are subscribed' }).waitFor();
    await eventually(() => closeButton(page).getAttribute('aria-disabled')).toBe('false');
    const figure = async (label: string) => plain(await frame.locator('.totals div').filter({ has: frame.getByText(label, { exact: true }) }).locator('dd').textContent());
    expect(await figure('Plan')).toBe(offer.name);
    expect(await figure('Charged today')).toBe(money(chargedToday(offer), offer.currency, 'en'));
    expect(await figure('Next charge')).toBe(`${money(offer.recurring.amount, offer.currency, 'en')} on ${longDate(nextChargeDate(offer, started), 'en')}`);
    expect(await frame.getByText('A receipt is on its way by email.').isVisible()).toBe(true);
    await screenshot(page, 'widget-success-step');
    // Still open: the success step waits for the visitor, who closes it and goes on to the success URL.
    expect(events.of('close')).toEqual([]);
    const session = events.of('subscribed')[0]?.detail.checkout_session;
    await closeButton(page).click();
    await page.waitForURL((url) => url.pathname === '/plans' && url.searchParams.get('checkout_session_id') === session);
    expect(events.events.filter((e) => e.type === 'subscribed' || e.type === 'close').map((e) => e.type)).toEqual(['subscribed', 'close']);
  });
});
