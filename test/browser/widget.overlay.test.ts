// The checkout overlay as a modal dialog a keyboard user can leave (Esc, the close button), which
// gives focus and scrolling back; `preventDefault()` on porte:subscribed keeps the visitor on the
// page; and messages forged by the host page or by another frame never pass for Porte's.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkoutReady, continueAfterSuccess, contractSnippet, eventually, fillCheckout, merchantPage, type PorteWindow, useWidgetSuite, visitor, wheelLeavesPageStill } from '../harness/widget-site.ts';

const suite = useWidgetSuite();
const { tabs, api } = suite;

/** The merchant's page: the snippet, then enough text to scroll. */
const pricingPage = () =>
  merchantPage(
    'Pricing',
    `${contractSnippet(suite.server.url, suite.server.publishableKey)}\n<p>${'Our plans come with no commitment. '.repeat(400)}</p>`,
  );

const open = async () => {
  const opened = await tabs.open(`${suite.site.origin}/pricing`, { height: 600 });
  await opened.page.locator('[data-porte-pricing-table]').getByRole('button', { name: 'Subscribe' }).first().waitFor();
  return opened;
};
const checkoutButton = (page: Page) => page.locator('button[data-porte-checkout]');
const gridButton = (page: Page, index: number) => page.locator('[data-porte-pricing-table]').getByRole('button', { name: 'Subscribe' }).nth(index);
const overlayFrame = (page: Page) => page.frameLocator('porte-overlay iframe');

async function openOverlay(page: Page, opener: ReturnType<typeof checkoutButton>): Promise<string> {
  await opener.click();
  await checkoutReady(page);
  const src = (await page.locator('porte-overlay iframe').getAttribute('src')) ?? '';
  return /\/checkout\/(cs_\w+)/.exec(src)?.[1] ?? '';
}

/** The deepest focused element, through shadow roots: what a keyboard user is on. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el ? `${el.tagName} ${el.textContent?.trim().slice(0, 40) ?? ''} ${el.getAttribute('data-porte-checkout') ?? ''}`.trim() : 'none';
  });

/** The offer whose grid button has the focus (inside the grid's shadow root). */
const focusedOffer = (page: Page) =>
  page.evaluate(() => (document.activeElement?.shadowRoot?.activeElement as HTMLElement | null)?.closest('li')?.querySelector('h3')?.textContent ?? null);

/**
 * Whether a mouse wheel over the page scrolls it (then scrolls back to the top). When it must not,
 * the wheel goes over the backdrop beside the dialog, and the page seeing it is the signal to read.
 */
async function wheelScrolls(page: Page, expected: boolean): Promise<void> {
  if (expected) {
    await page.mouse.move(600, 300);
    await page.mouse.wheel(0, 600);
    await eventually(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  } else await wheelLeavesPageStill(page, 40, 300);
  await page.evaluate(() => window.scrollTo(0, 0));
}

// Generous per-test limit: these suites share two cores with other browser and workerd suites.
describe('widget overlay in Chromium', { timeout: 60_000 }, () => {
  beforeAll(() => {
    suite.site.route('/pricing', pricingPage());
  });

  it('Esc (focus inside the checkout) closes it: porte:close, focus back on the button, the page scrolls again', async () => {
    const { page, events } = await open();
    await wheelScrolls(page, true);
    const session = await openOverlay(page, checkoutButton(page));
    expect(session).toMatch(/^cs_\w+$/);
    await eventually(() => focused(page)).toBe('IFRAME');
    await wheelScrolls(page, false);

    await page.keyboard.press('Escape'); // typed inside Porte's iframe
    await page.locator('porte-overlay').waitFor({ state: 'detached' });
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(events.of('close')).toMatchObject([{ target: 'button[data-porte-checkout=pro-monthly]', detail: { checkout_session: session } }]);
    expect(await focused(page)).toBe('BUTTON Subscribe pro-monthly');
    await wheelScrolls(page, true);
    expect(events.of('subscribed')).toEqual([]);
  });

  it('the close button and Esc on the dialog itself close it too; focus returns to the grid button that opened it', async () => {
    const { page, events } = await open();
    await openOverlay(page, gridButton(page, 2));
    const close = page.getByRole('dialog', { name: 'Checkout' }).getByRole('button', { name: 'Close' });
    await close.click();
    await page.locator('porte-overlay').waitFor({ state: 'detached' });
    expect(events.of('close')).toHaveLength(1);
    expect(await focused(page)).toBe('BUTTON Subscribe');
    expect(await focusedOffer(page)).toBe('Business');
    await wheelScrolls(page, true);

    // Keyboard: Enter on a grid button, then Esc with the focus on the close button (the merchant's document, not the iframe).
    await gridButton(page, 0).focus();
    await page.keyboard.press('Enter');
    await checkoutReady(page);
    await close.focus();
    expect(await focused(page)).toBe('BUTTON ×');
    await page.keyboard.press('Escape');
    await page.locator('porte-overlay').waitFor({ state: 'detached' });
    expect(events.of('close')).toHaveLength(2);
    expect(await focusedOffer(page)).toBe('Basic');
  });

  it('a double click opens one checkout, not two; so do two Porte.open() calls in a row (same promise)', async () => {
    const { page, events } = await open();
    // Counted after the widget's own handler (bound on the button, earlier in the event's path).
    await page.evaluate(() => document.addEventListener('click', () => (document.body.dataset.clicks = String(Number(document.body.dataset.clicks ?? 0) + 1))));
    await checkoutButton(page).dblclick();
    await checkoutReady(page);
    // Both clicks went through the widget's handler, which starts a checkout (porte:open) synchronously.
    await eventually(() => page.evaluate(() => document.body.dataset.clicks)).toBe('2');
    expect(events.of('open')).toHaveLength(1);
    expect(await page.locator('porte-overlay').count()).toBe(1);
    await page.locator('porte-overlay').getByRole('button', { name: 'Close' }).click();
    await page.locator('porte-overlay').waitFor({ state: 'detached' });
    // Nothing left behind: the page is usable and scrolls.
    await wheelScrolls(page, true);

    expect(
      await page.evaluate(() => {
        const porte = (window as unknown as PorteWindow).Porte;
        const first = porte.open({ offer: 'basic-monthly', mode: 'inline' });
        const second = porte.open({ offer: 'pro-monthly', mode: 'inline' });
        return first === second;
      }),
    ).toBe(true);
    // Same promise, so no second checkout was started (each start fires porte:open synchronously).
    await checkoutReady(page, 'porte-inline');
    expect(await page.locator('porte-inline').count()).toBe(1);
    expect(events.of('open')).toHaveLength(2);
  });

  it('preventDefault() on porte:subscribed keeps the visitor on the page; Porte.open() resolves with the same detail', async () => {
    const { page, events } = await open();
    await page.evaluate(() => {
      document.body.dataset.visit = 'first';
      (window as unknown as PorteWindow).Porte.on('subscribed', (e) => e.preventDefault());
      // The Navigation API sees a navigation the moment it starts (location.assign included).
      (window as unknown as { navigation: EventTarget }).navigation.addEventListener('navigate', () => (document.body.dataset.navigated = 'yes'));
    });
    const result = page.evaluate(() => (window as unknown as PorteWindow).Porte.open({ offer: 'basic-monthly' }));
    await checkoutReady(page);
    expect(await overlayFrame(page).locator('.offer-name').textContent()).toBe('Basic');
    await fillCheckout(overlayFrame(page), visitor('prevented'));
    await overlayFrame(page).getByRole('button', { name: 'Subscribe' }).click();

    const detail = await result;
    expect(detail).toMatchObject({ checkout_session: expect.stringMatching(/^cs_/), customer: { id: expect.stringMatching(/^cus_/) }, subscription: { id: expect.stringMatching(/^sub_/) } });
    expect(events.of('subscribed').map((e) => e.detail)).toEqual([detail]);
    // The success step stays until the visitor moves on; porte:close is fired after the widget
    // would have started the redirect, so by then a navigation would have been seen.
    await continueAfterSuccess(page);
    await page.locator('porte-overlay').waitFor({ state: 'detached' });
    await eventually(() => events.of('close').length).toBe(1);
    expect(await page.evaluate(() => document.body.dataset.navigated)).toBeUndefined();
    // Same document, same URL: no navigation happened.
    expect(page.url()).toBe(`${suite.site.origin}/pricing`);
    expect(await page.evaluate(() => document.body.dataset.visit)).toBe('first');
    expect(suite.site.hits.filter((u) => u.searchParams.has('checkout_session_id'))).toEqual([]);
    expect((await api('GET', `/v1/checkout_sessions/${(detail as { checkout_session: string }).checkout_session}`)).body.status).toBe('complete');
  });

  it('forged messages (from the host page, a synthetic event naming the iframe, another frame on Porte’s origin) neither fire porte:subscribed nor close the overlay', async () => {
    const { page, events } = await open();
    const session = await openOverlay(page, checkoutButton(page));
    const porteOrigin = new URL(suite.server.url).origin;
    // Counted after the widget's own listener (added when the overlay opened): the signal that the
    // widget has handled each forged message before the overlay is checked.
    await page.evaluate(() => window.addEventListener('message', (e) => {
      if (e.data?.ns === 'porte') document.body.dataset.porteMessages = String(Number(document.body.dataset.porteMessages ?? 0) + 1);
    }));
    const serverAsked = page.waitForResponse((r) => r.url().includes(`/widget/v1/checkout_sessions/${session}?`));

    // 1. The host page posting to itself, as in the README's warning.
    await page.evaluate((cs) => {
      window.postMessage({ ns: 'porte', v: 1, type: 'subscribed', session: 'cs_x' }, '*');
      window.postMessage({ ns: 'porte', v: 1, type: 'subscribed', session: cs }, '*');
      window.postMessage({ ns: 'porte', v: 1, type: 'close' }, '*');
    }, session);
    // 2. A synthetic MessageEvent claiming Porte's origin AND the widget's iframe as its source: it
    //    passes the envelope checks, so only the server's word (the session is still open) stops it.
    await page.evaluate(
      ({ cs, origin }) => {
        const iframe = document.querySelector('porte-overlay')?.shadowRoot?.querySelector('iframe');
        window.dispatchEvent(new MessageEvent('message', { data: { ns: 'porte', v: 1, type: 'subscribed', session: cs }, origin, source: iframe?.contentWindow ?? null }));
      },
      { cs: session, origin: porteOrigin },
    );
    // 3. Another frame on Porte's own origin (not the widget's iframe) posting to the page.
    await page.evaluate((src) => {
      const other = document.createElement('iframe');
      other.src = src;
      other.title = 'Other frame';
      document.body.append(other);
    }, `${suite.server.url}/widget.js`);
    const other = await (await page.locator('iframe[title="Other frame"]').elementHandle())?.contentFrame();
    await other?.waitForLoadState();
    expect(other?.url()).toBe(`${suite.server.url}/widget.js`);
    await other?.evaluate((cs) => {
      window.parent.postMessage({ ns: 'porte', v: 1, type: 'close' }, '*');
      window.parent.postMessage({ ns: 'porte', v: 1, type: 'subscribed', session: cs }, '*');
    }, session);

    // 3 from the page, 1 synthetic, 2 from the other frame; the synthetic one made the widget ask the server.
    await eventually(() => page.evaluate(() => document.body.dataset.porteMessages)).toBe('6');
    expect((await (await serverAsked).json()).status).toBe('open');
    expect(events.of('subscribed')).toEqual([]);
    expect(events.of('close')).toEqual([]);
    expect(await page.getByRole('dialog', { name: 'Checkout' }).isVisible()).toBe(true);
    expect(page.url()).toBe(`${suite.site.origin}/pricing`);

    // The real thing still works, exactly once.
    await fillCheckout(overlayFrame(page), visitor('forged'));
    await overlayFrame(page).getByRole('button', { name: 'Subscribe' }).click();
    await continueAfterSuccess(page);
    await page.waitForURL((url) => url.searchParams.get('checkout_session_id') === session);
    expect(events.of('subscribed').map((e) => e.detail.checkout_session)).toEqual([session]);
  });
});
