// The widget on pages that make its life hard: a site whose origin the merchant did not allow, a
// site whose global CSS tries to unset and hide everything, and a site with a strict CSP (no
// 'unsafe-inline'). The visitor must see a clear message in the first case, and a working grid
// and checkout in the other two.
import { request } from 'node:http';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../harness/browser.ts';
import { checkoutReady, continueAfterSuccess, contractSnippet, eventually, fillCheckout, merchantPage, useWidgetSuite, visitor } from '../harness/widget-site.ts';

// 127.0.0.2 is loopback too, but the demo merchant allows only localhost and 127.0.0.1.
const suite = useWidgetSuite({ allowed: '127.0.0.1', stranger: '127.0.0.2' });
const { tabs, api, sites } = suite;

const grid = (page: Page) => page.locator('[data-porte-pricing-table]');
const offerButton = (page: Page, name: string) =>
  grid(page).getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) }).getByRole('button', { name: 'Subscribe' });

/** Global CSS a careless theme (or a hostile one) might ship. */
const HOSTILE_CSS = `* { all: unset !important; }
div { display: none !important; }
iframe { display: none !important; visibility: hidden !important; }
[data-porte-pricing-table], porte-overlay, porte-inline { display: none !important; visibility: hidden !important; opacity: 0 !important; pointer-events: none !important; }
button, ul, li, h3, p { color: transparent !important; font-size: 0 !important; }`;

/** Subscribes through the overlay with the test card and waits for the success redirect. */
async function subscribeInOverlay(page: Page, path: string): Promise<string> {
  const frame = await checkoutReady(page);
  const who = visitor(path.slice(1));
  await fillCheckout(frame, who);
  await frame.getByRole('button', { name: 'Subscribe' }).click();
  await continueAfterSuccess(page);
  await page.waitForURL((url) => url.pathname === path && url.searchParams.has('checkout_session_id'));
  const id = new URL(page.url()).searchParams.get('checkout_session_id') ?? '';
  const session = await api('GET', `/v1/checkout_sessions/${id}`);
  expect(session.body.status).toBe('complete');
  expect((await api('GET', `/v1/customers/${session.body.customer}`)).body.email).toBe(who.email);
  return id;
}

/** POST /widget/v1/checkout_sessions from a chosen loopback address (what the rate limit counts). */
function postSessionFrom(localAddress: string, origin: string, extraHeaders: Record<string, string> = {}): Promise<{ status: number; code?: string }> {
  const body = JSON.stringify({ offer: 'basic-monthly', page_url: `${origin}/pricing` });
  const url = new URL(`${suite.server.url}/widget/v1/checkout_sessions?key=${encodeURIComponent(suite.server.publishableKey)}`);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: url.port, path: `${url.pathname}${url.search}`, method: 'POST', localAddress, headers: { Origin: origin, 'Content-Type': 'application/json', ...extraHeaders } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, code: res.statusCode === 201 ? undefined : JSON.parse(text).error?.code }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// Generous per-test limit: these suites share two cores with other browser and workerd suites.
describe('widget on difficult host pages, in Chromium', { timeout: 60_000 }, () => {
  let porteOrigin: string;

  beforeAll(() => {
    const { server } = suite;
    const { allowed, stranger } = sites;
    porteOrigin = new URL(server.url).origin;
    const snippet = contractSnippet(server.url, server.publishableKey);
    stranger.route('/pricing', merchantPage('Pricing', snippet));
    allowed.route('/hostile', merchantPage('Pricing', snippet, `<style>${HOSTILE_CSS}</style>`));
    const csp = `default-src 'self'; script-src ${porteOrigin}; connect-src ${porteOrigin}; frame-src ${porteOrigin}; style-src 'self'`;
    allowed.route('/strict', { body: merchantPage('Pricing', snippet), headers: { 'Content-Security-Policy': csp } });
    // Control: the same policy with one inline style, to prove violations are seen.
    allowed.route('/strict-control', { body: merchantPage('Pricing', '<p>Plans</p>', '<style>p{color:red}</style>'), headers: { 'Content-Security-Policy': csp } });
  });

  it('an origin the merchant did not allow: visitors read a neutral message, the console names the origin to add, porte:error fires, no checkout opens', async () => {
    const { page, events } = await tabs.open(`${sites.stranger.origin}/pricing`);
    const porteLines: string[] = [];
    page.on('console', (m) => m.text().startsWith('Porte:') && porteLines.push(m.text()));
    // The refused requests (403) and the widget's own line for the merchant: expected here, and only here.
    tabs.allowErrors(page, /status of 403|^Porte: /);
    const alert = grid(page).getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Prices are not available right now. Please try again later.');
    expect(await alert.isVisible()).toBe(true);
    expect(await grid(page).getByRole('button').count()).toBe(0);
    await eventually(() => events.of('error').map((e) => [e.target, e.detail.code])).toEqual([['div[data-porte-pricing-table=default]', 'origin_not_allowed']]);
    expect(porteLines).toEqual([expect.stringContaining(`Add ${sites.stranger.origin} in Settings → Allowed origins (test mode)`)]);

    await page.getByRole('button', { name: 'Subscribe' }).click();
    await eventually(() => events.of('error').length).toBe(2);
    expect(events.of('error')[1]).toMatchObject({ target: 'button[data-porte-checkout=pro-monthly]', detail: { code: 'origin_not_allowed' } });
    // The visitor's side of it: a neutral line under the button (the reason is for the merchant).
    const notice = page.locator('porte-notice').getByRole('alert');
    await notice.waitFor();
    expect(await notice.textContent()).toBe('Checkout is not available right now. Please try again later.');
    expect(porteLines).toHaveLength(2);
    expect(await page.locator('porte-overlay, porte-inline').count()).toBe(0);
    expect(page.frames()).toHaveLength(1);
    expect(events.of('subscribed')).toEqual([]);
    await screenshot(page, 'widget-origin-not-allowed');
  });

  it('the public API refuses that origin (403: the refusal is readable, the data is not) and serves the allowed one', async () => {
    const key = encodeURIComponent(suite.server.publishableKey);
    const get = (origin: string) => fetch(`${suite.server.url}/widget/v1/pricing_tables/default?key=${key}`, { headers: { Origin: origin } });
    const refused = await get(sites.stranger.origin);
    expect(refused.status).toBe(403);
    // Only the error, readable by the page that asked so the widget can say what to fix; no offers.
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(await refused.json()).toEqual({ error: { type: 'authentication_error', code: 'origin_not_allowed', message: expect.stringContaining(sites.stranger.origin), param: 'Origin', request_id: expect.any(String) } });

    // The preflight is answered so the browser sends the POST and reads its refusal; no session is opened.
    const preflight = await fetch(`${suite.server.url}/widget/v1/checkout_sessions?key=${key}`, {
      method: 'OPTIONS',
      headers: { Origin: sites.stranger.origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    const post = await fetch(`${suite.server.url}/widget/v1/checkout_sessions?key=${key}`, {
      method: 'POST',
      headers: { Origin: sites.stranger.origin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ offer: 'pro-monthly', page_url: `${sites.stranger.origin}/pricing` }),
    });
    expect(post.status).toBe(403);
    const body = await post.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toBe('origin_not_allowed');

    const served = await get(sites.allowed.origin);
    expect(served.status).toBe(200);
    expect(served.headers.get('access-control-allow-origin')).toBe(sites.allowed.origin);
    expect((await served.json()).offers).toHaveLength(3);
  });

  it('global CSS that unsets and hides everything: the grid stays visible and clickable, the overlay still works', async () => {
    const { page, events } = await tabs.open(`${sites.allowed.origin}/hostile`);
    // The hostile rules do apply to the merchant's own elements…
    expect(await page.locator('main').evaluate((el) => getComputedStyle(el).display)).toBe('inline');
    // …but not to Porte's.
    await eventually(() => grid(page).getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Basic', 'Pro', 'Business']);
    for (const name of ['Basic', 'Pro', 'Business']) expect(await grid(page).getByRole('heading', { name }).isVisible()).toBe(true);
    const box = await grid(page).boundingBox();
    expect(box?.height ?? 0).toBeGreaterThan(200);
    expect(await offerButton(page, 'Pro').evaluate((b) => getComputedStyle(b).fontSize)).not.toBe('0px');
    await screenshot(page, 'widget-hostile-css');

    await offerButton(page, 'Pro').click(); // actionability: visible, enabled, receives the click
    const dialog = page.getByRole('dialog', { name: 'Checkout' });
    await dialog.waitFor();
    const frameBox = await page.locator('porte-overlay iframe').boundingBox();
    expect(frameBox?.width ?? 0).toBeGreaterThan(600);
    expect(frameBox?.height ?? 0).toBeGreaterThan(500);
    expect(await dialog.getByRole('button', { name: 'Close' }).isVisible()).toBe(true);
    const id = await subscribeInOverlay(page, '/hostile');
    expect(events.of('subscribed').map((e) => e.detail.checkout_session)).toEqual([id]);
  });

  it('a strict CSP without unsafe-inline: grid, overlay and subscription work with no CSP violation', async () => {
    const control = await tabs.open(`${sites.allowed.origin}/strict-control`);
    tabs.allowErrors(control.page, /Content Security Policy/);
    await eventually(() => control.events.cspViolations.length).toBeGreaterThan(0);

    const { page, events } = await tabs.open(`${sites.allowed.origin}/strict`);
    await eventually(() => grid(page).getByRole('heading', { level: 3 }).count()).toBe(3);
    // The grid is styled (its stylesheet is adopted, not an inline <style> the policy would block).
    expect(await offerButton(page, 'Pro').evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(59, 91, 219)');
    await offerButton(page, 'Pro').click();
    await page.getByRole('dialog', { name: 'Checkout' }).waitFor();
    const id = await subscribeInOverlay(page, '/strict');
    expect(events.of('subscribed').map((e) => e.detail.checkout_session)).toEqual([id]);
    // Back on the strict page after the redirect: the grid renders again.
    await eventually(() => grid(page).getByRole('heading', { level: 3 }).count()).toBe(3);
    expect(events.cspViolations).toEqual([]);
  });

  it('one address gets at most 20 checkout sessions a minute; a forged client-IP header does not reset the count', async () => {
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await postSessionFrom('127.0.0.9', sites.allowed.origin));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(await postSessionFrom('127.0.0.9', sites.allowed.origin)).toEqual({ status: 429, code: 'rate_limited' });
    expect(await postSessionFrom('127.0.0.9', sites.allowed.origin, { 'X-Porte-Client-Ip': '203.0.113.7', 'X-Forwarded-For': '203.0.113.8' })).toEqual({ status: 429, code: 'rate_limited' });
    // Another visitor (another address) is not affected.
    expect(await postSessionFrom('127.0.0.10', sites.allowed.origin)).toEqual({ status: 201, code: undefined });
  });
});
