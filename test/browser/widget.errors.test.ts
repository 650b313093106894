// What a merchant's developer sees when the snippet is wrong (a key, a pricing table, an offer
// reference): ONE console line from Porte per failure naming exactly what to fix, porte:error with
// a code their own script can test, and, for visitors, a neutral message instead of the reason.
import type { ConsoleMessage, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../harness/browser.ts';
import { attrs, eventually, merchantPage, type OpenedPage, useWidgetSuite } from '../harness/widget-site.ts';

const suite = useWidgetSuite();
const { tabs } = suite;

// A well-formed test-mode key that no merchant has.
const UNKNOWN_KEY = `porte_pk_test_${'Z'.repeat(32)}`;

const page = (key: string, table: string, offer: string) =>
  merchantPage(
    'Pricing',
    `<script src="${suite.server.url}/widget.js"${attrs({ 'data-key': key })} async></script>
<div${attrs({ 'data-porte-pricing-table': table })}></div>
<button${attrs({ 'data-porte-checkout': offer })}>Subscribe</button>`,
  );

/** Opens `path` and collects Porte's own console lines (the browser's network lines are not Porte's). */
async function openWatched(path: string, allowed: RegExp): Promise<OpenedPage & { lines: string[] }> {
  const opened = await tabs.open(`${suite.site.origin}${path}`);
  const lines: string[] = [];
  opened.page.on('console', (m: ConsoleMessage) => {
    if (m.text().startsWith('Porte:')) lines.push(`${m.type()}: ${m.text()}`);
  });
  tabs.allowErrors(opened.page, allowed);
  return { ...opened, lines };
}

const gridAlert = (p: Page) => p.locator('[data-porte-pricing-table]').getByRole('alert');
const buttonNotice = (p: Page) => p.locator('porte-notice').getByRole('alert');

describe('widget errors for the merchant, neutral messages for visitors', { timeout: 60_000 }, () => {
  beforeAll(() => {
    suite.site.route('/wrong-key', page(UNKNOWN_KEY, 'default', 'pro-monthly'));
    suite.site.route('/secret-key', page(suite.server.secretKey, 'default', 'pro-monthly'));
    suite.site.route('/wrong-table', page(suite.server.publishableKey, 'summer-sale', 'pro-monthly'));
    suite.site.route('/wrong-offer', page(suite.server.publishableKey, 'default', 'pro-montly'));
  });

  it('an unknown key: one line naming the key’s mode, porte:error unknown_key, "Prices are not available" for visitors; the button too', async () => {
    const { page: p, events, lines } = await openWatched('/wrong-key', /status of 401|^Porte: /);
    await gridAlert(p).waitFor();
    expect(await gridAlert(p).textContent()).toBe('Prices are not available right now. Please try again later.');
    await eventually(() => events.of('error').map((e) => e.detail.code)).toEqual(['unknown_key']);
    expect(lines).toEqual([`error: Porte: The test-mode publishable key porte_pk_test_…ZZZZ is not known to the Porte server at ${suite.server.url}. Copy the test-mode publishable key from Settings → Keys into data-key.`]);

    await p.locator('button[data-porte-checkout]').click();
    await buttonNotice(p).waitFor();
    expect(await buttonNotice(p).textContent()).toBe('Checkout is not available right now. Please try again later.');
    expect(events.of('error').map((e) => [e.target, e.detail.code])).toEqual([
      ['div[data-porte-pricing-table=default]', 'unknown_key'],
      ['button[data-porte-checkout=pro-monthly]', 'unknown_key'],
    ]);
    expect(lines).toHaveLength(2);
    expect(await p.locator('porte-overlay').count()).toBe(0);
    await screenshot(p, 'widget-error-wrong-key');
  });

  it('a secret key in the page: the line says to roll it and which publishable key to use', async () => {
    const { page: p, events, lines } = await openWatched('/secret-key', /status of 401|^Porte: /);
    await gridAlert(p).waitFor();
    await eventually(() => events.of('error').map((e) => e.detail.code)).toEqual(['secret_key_in_page']);
    expect(lines).toEqual([expect.stringMatching(/^error: Porte: data-key holds a secret key \(porte_sk_test_…\).*roll it now in Settings → Keys \(test mode\), and use the test-mode publishable key/)]);
    // The secret itself is not repeated back into the console.
    expect(lines.join('')).not.toContain(suite.server.secretKey.slice(14));
  });

  it('an unknown pricing table: one line naming its reference and the mode', async () => {
    const { page: p, events, lines } = await openWatched('/wrong-table', /status of 404|^Porte: /);
    await gridAlert(p).waitFor();
    await eventually(() => events.of('error').map((e) => e.detail.code)).toEqual(['pricing_table_not_found']);
    expect(lines).toEqual(['error: Porte: No pricing table "summer-sale" in test mode. Check data-porte-pricing-table, or create the table in the back-office (Pricing tables).']);
    // The button, with a known offer, still opens the checkout.
    await p.locator('button[data-porte-checkout]').click();
    await p.getByRole('dialog', { name: 'Checkout' }).waitFor();
  });

  it('an unknown offer on a data-porte-checkout button: one line naming the reference; the visitor sees a neutral line; the grid is fine', async () => {
    const { page: p, events, lines } = await openWatched('/wrong-offer', /status of 400|^Porte: /);
    await eventually(() => p.locator('[data-porte-pricing-table]').getByRole('button', { name: 'Subscribe' }).count()).toBe(3);
    await p.locator('button[data-porte-checkout]').click();
    await buttonNotice(p).waitFor();
    expect(events.of('error').map((e) => [e.target, e.detail.code, e.detail.param])).toEqual([['button[data-porte-checkout=pro-montly]', 'offer_not_found', 'offer']]);
    expect(lines).toEqual([
      'error: Porte: No offer "pro-montly" in test mode. Check data-porte-checkout (or the offer given to Porte.open): it takes an offer reference, as listed under Offers in the back-office.',
    ]);
    expect(await p.locator('porte-overlay').count()).toBe(0);
    // A second try replaces the line rather than piling them up.
    await p.locator('button[data-porte-checkout]').click();
    await eventually(() => events.of('error').length).toBe(2);
    await eventually(() => p.locator('porte-notice').count()).toBe(1);
    expect(lines).toHaveLength(2);
  });
});
