// The widget as part of a real merchant page: several grids and a button on one page, calls made
// before widget.js arrived (the queue stub below), elements added later (Porte.init()), exactly one
// global, and an identified visitor (data-customer-reference + the hash the merchant's server signs).
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { attrs, checkoutReady, continueAfterSuccess, customerHash, embedSecret, eventually, fillCheckout, merchantPage, type PorteWindow, useWidgetSuite, visitor } from '../harness/widget-site.ts';

/**
 * The README's stub: paste it BEFORE the script tag to call Porte.open()/Porte.on() before
 * widget.js has loaded (it is `async`). widget.js keeps this very object as window.Porte and runs
 * the queued calls in order: each entry is [method, arguments, resolve?, reject?].
 *
 *   <script>
 *   window.Porte=window.Porte||{q:[],open:function(){var a=arguments;return new Promise(function(r,j){Porte.q.push(['open',a,r,j])})},on:function(){Porte.q.push(['on',arguments])}};
 *   </script>
 *   <script src="https://porte.example/widget.js" data-key="porte_pk_…" async></script>
 */
const STUB =
  "window.Porte=window.Porte||{q:[],open:function(){var a=arguments;return new Promise(function(r,j){Porte.q.push(['open',a,r,j])})},on:function(){Porte.q.push(['on',arguments])}};";

/** The page's own top-level const (see `early` below): a global binding, not a property of window. */
declare const porteAtStart: unknown;

const suite = useWidgetSuite();
const { tabs, api } = suite;

const overlayFrame = (page: Page) => page.frameLocator('porte-overlay iframe');
const tables = (page: Page) => page.locator('[data-porte-pricing-table]');

// Generous per-test limit: these suites share two cores with other browser and workerd suites.
describe('widget on a full merchant page, in Chromium', { timeout: 60_000 }, () => {
  beforeAll(() => {
    const script = `<script src="${suite.server.url}/widget.js" data-key="${suite.server.publishableKey}" async></script>`;
    // Page scripts keep their state in the DOM or in a top-level const: no window property of their own.
    const early = `<script>${STUB}
const porteAtStart = window.Porte;
Porte.on('close', function (e) { document.body.dataset.closeSeen = e.detail.checkout_session; });
Porte.open({ offer: 'business-yearly' }).then(function (result) { document.body.dataset.openResult = result === undefined ? 'closed' : 'subscribed'; });
</script>`;
    suite.site.route(
      '/plans',
      merchantPage(
        'Plans',
        `<h2>Monthly</h2><div data-porte-pricing-table="default"></div>
<h2>En français</h2><div data-porte-pricing-table="default" data-locale="fr"></div>
<button data-porte-checkout="basic-monthly">Start with Basic</button>
${script}`,
        early,
      ),
    );
  });

  it('two grids and a button; Porte.open() queued before load runs; the stub object is kept; only one global', async () => {
    const { page, events } = await tabs.open(`${suite.site.origin}/plans`);
    // The call queued by the stub opened the overlay on its own.
    await checkoutReady(page);
    expect(await overlayFrame(page).locator('.offer-name').textContent()).toBe('Business');
    expect(events.of('open')).toMatchObject([{ target: 'window', detail: { offer: 'business-yearly', mode: 'overlay' } }]);

    // Both grids, each in its own language.
    await eventually(() => tables(page).nth(0).getByRole('button', { name: 'Subscribe' }).count()).toBe(3);
    await eventually(() => tables(page).nth(1).getByRole('button', { name: "S'abonner" }).count()).toBe(3);
    expect(await tables(page).nth(1).getByText('Essai gratuit de 14 jours').isVisible()).toBe(true);

    // The stub object is window.Porte, now with the real methods.
    expect(await page.evaluate(() => (window as unknown as PorteWindow).Porte === porteAtStart && typeof (window as unknown as PorteWindow).Porte.init === 'function')).toBe(true);
    expect(await page.evaluate(() => (window as unknown as PorteWindow & { Porte: { q: unknown[] } }).Porte.q)).toEqual([]);

    // Closing settles the queued promise (no subscription) and reaches the queued handler.
    // (The close button: Esc itself is covered by widget.overlay.test.ts.)
    await page.locator('porte-overlay').getByRole('button', { name: 'Close' }).click();
    await page.locator('porte-overlay').waitFor({ state: 'detached' });
    await eventually(() => page.evaluate(() => document.body.dataset.openResult)).toBe('closed');
    expect(await page.evaluate(() => document.body.dataset.closeSeen)).toMatch(/^cs_\w+$/);

    // The light-DOM button works on the same page.
    await page.getByRole('button', { name: 'Start with Basic' }).click();
    await checkoutReady(page);
    expect(await overlayFrame(page).locator('.offer-name').textContent()).toBe('Basic');

    // Loader, grid, overlay all loaded: the page's window gained exactly one key.
    expect(await events.addedGlobals()).toEqual(['Porte']);
  });

  it('Porte.init() binds a button and renders a grid added later, once, however often it is called', async () => {
    const { page, events } = await tabs.open(`${suite.site.origin}/plans`);
    await checkoutReady(page);
    await page.locator('porte-overlay').getByRole('button', { name: 'Close' }).click();
    await page.locator('porte-overlay').waitFor({ state: 'detached' });
    await eventually(() => tables(page).nth(1).getByRole('button').count()).toBe(3);

    await page.evaluate((html) => document.querySelector('main')?.insertAdjacentHTML('beforeend', html), `<section id="later"><h2>Later</h2><button${attrs({ 'data-porte-checkout': 'pro-monthly', 'data-mode': 'inline' })}>Try Pro</button><div data-porte-pricing-table="default"></div></section>`);
    const later = page.getByRole('button', { name: 'Try Pro' });
    // The page sees the click after any handler on the button itself (which would start a checkout at once).
    await page.evaluate(() => document.addEventListener('click', () => (document.body.dataset.clicked = 'yes')));
    await later.click();
    await eventually(() => page.evaluate(() => document.body.dataset.clicked)).toBe('yes');
    expect(events.of('open')).toHaveLength(1); // only the queued one: the new button is not bound yet
    expect(await tables(page).nth(2).getByRole('button').count()).toBe(0);

    await page.evaluate(() => {
      const porte = (window as unknown as PorteWindow).Porte;
      porte.init();
      porte.init();
    });
    await eventually(() => tables(page).nth(2).getByRole('button', { name: 'Subscribe' }).count()).toBe(3);
    // The grids rendered before are left as they were (not rendered twice).
    expect(await tables(page).nth(0).getByRole('heading', { level: 3 }).count()).toBe(3);

    await later.click();
    await page.locator('porte-inline').waitFor();
    await checkoutReady(page, 'porte-inline');
    expect(await page.locator('porte-inline').count()).toBe(1);
    expect(events.of('open').slice(1)).toMatchObject([{ target: 'button[data-porte-checkout=pro-monthly]', detail: { offer: 'pro-monthly', mode: 'inline' } }]);
  });

  it('identified visitor: the right hash attaches the subscription to the existing customer; a wrong hash is refused', async () => {
    const reference = `acct-${Date.now()}`;
    const created = await api('PUT', `/v1/customers/by-reference/${reference}`, { email: `${reference}@example.com`, first_name: 'Katherine', last_name: 'Johnson' });
    expect([200, 201]).toContain(created.status);
    const customerId: string = created.body.id;
    const secret = embedSecret(suite.server.dbFile);
    const good = customerHash(reference, secret);
    const button = (label: string, hash: string) =>
      `<button${attrs({ 'data-porte-checkout': 'pro-monthly', 'data-customer-reference': reference, 'data-customer-hash': hash })}>${label}</button>`;
    suite.site.route(
      '/account',
      merchantPage(
        'Your account',
        `<script src="${suite.server.url}/widget.js" data-key="${suite.server.publishableKey}" async></script>
${button('Upgrade', good)}
${button('Upgrade (tampered)', customerHash(`${reference}-other`, secret))}
${button('Upgrade (wrong secret)', customerHash(reference, 'not-the-embed-secret'))}`,
      ),
    );

    const { page, events } = await tabs.open(`${suite.site.origin}/account`);
    await eventually(() => events.of('ready').length).toBeGreaterThan(0);
    // A page without a pricing table never downloads the grid; nothing else comes before a click.
    const scripts = () => page.evaluate(() => performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname).filter((p) => p.endsWith('.js')));
    expect(await scripts()).toEqual(['/widget.js']);
    // The refused attempts answer 400 (Chromium logs the failed request) and the widget says why, once each.
    tabs.allowErrors(page, /status of 400|^Porte: customer\.hash does not match/);
    for (const [i, label] of ['Upgrade (tampered)', 'Upgrade (wrong secret)'].entries()) {
      await page.getByRole('button', { name: label }).click();
      await eventually(() => events.of('error').length).toBe(i + 1);
      expect(events.of('error')[i]?.detail).toMatchObject({ code: 'customer_hash_invalid', param: 'customer.hash' });
      // The visitor's neutral line under the button is the sign that this attempt has ended.
      await page.getByRole('button', { name: label }).locator('xpath=following-sibling::porte-notice[1]').getByRole('alert').waitFor();
    }
    expect(await page.locator('porte-overlay, porte-inline').count()).toBe(0);
    expect(page.frames()).toHaveLength(1);

    await page.getByRole('button', { name: 'Upgrade', exact: true }).click();
    await checkoutReady(page);
    expect(await scripts()).toContain('/assets/widget-frame.js');
    expect((await scripts()).filter((p) => p.includes('grid'))).toEqual([]);
    await fillCheckout(overlayFrame(page), visitor('identified'));
    await overlayFrame(page).getByRole('button', { name: 'Subscribe' }).click();
    await eventually(() => events.of('subscribed').length).toBe(1);
    const detail = events.of('subscribed')[0]?.detail;
    expect(detail.customer).toEqual({ id: customerId, reference });
    await continueAfterSuccess(page);
    await page.waitForURL((url) => url.pathname === '/account' && url.searchParams.get('checkout_session_id') === detail.checkout_session);

    const subscriptions = await api('GET', `/v1/subscriptions?customer=${customerId}`);
    expect(subscriptions.body.data.map((s: { id: string }) => s.id)).toEqual([detail.subscription.id]);
    const sameReference = await api('GET', `/v1/customers?query=${encodeURIComponent(reference)}`);
    expect(sameReference.body.data.map((c: { id: string }) => c.id)).toEqual([customerId]);
  });
});
