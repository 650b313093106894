// The widget's attributes as a merchant's page uses them: data-customer-email prefills the form,
// data-success-url is where the visitor lands, an identified customer finds their details already
// filled in; and the checkout frame ignores whatever another origin posts into it.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { attrs, checkoutReady, continueAfterSuccess, customerHash, embedSecret, eventually, fillCheckout, merchantPage, useWidgetSuite, visitor } from '../harness/widget-site.ts';

const suite = useWidgetSuite();
const { tabs, api } = suite;

const script = () => `<script src="${suite.server.url}/widget.js" data-key="${suite.server.publishableKey}" async></script>`;
const field = (page: Page, label: string) => page.frameLocator('porte-overlay iframe').getByLabel(label, { exact: true });

describe('widget attributes and the frame’s boundary, in Chromium', { timeout: 60_000 }, () => {
  beforeAll(() => {
    suite.site.route('/welcome', merchantPage('Welcome aboard', ''));
    suite.site.route('/plans', merchantPage('Plans', `${script()}<button data-porte-checkout="basic-monthly">Basic</button>`));
  });

  it('data-customer-email prefills the email; data-success-url is where the visitor lands, with checkout_session_id', async () => {
    const who = visitor('attrs');
    suite.site.route('/signup', merchantPage('Sign up', `${script()}<button${attrs({ 'data-porte-checkout': 'pro-monthly', 'data-customer-email': who.email, 'data-success-url': `${suite.site.origin}/welcome?from=widget` })}>Start</button>`));
    const { page, events } = await tabs.open(`${suite.site.origin}/signup`);
    await page.getByRole('button', { name: 'Start' }).click();
    const frame = await checkoutReady(page);
    expect(await field(page, 'Email').inputValue()).toBe(who.email);
    await fillCheckout(frame, who);
    await frame.getByRole('button', { name: 'Subscribe' }).click();
    await eventually(() => events.of('subscribed').length).toBe(1);
    const session = events.of('subscribed')[0]?.detail.checkout_session;
    await continueAfterSuccess(page);
    await page.waitForURL((url) => url.pathname === '/welcome');
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ from: 'widget', checkout_session_id: session });
    const body = (await api('GET', `/v1/checkout_sessions/${session}`)).body;
    expect(body).toMatchObject({ success_url: `${suite.site.origin}/welcome?from=widget`, customer_email: who.email, status: 'complete' });
    expect((await api('GET', `/v1/customers/${body.customer}`)).body.email).toBe(who.email);
  });

  it('a data-success-url off the merchant’s allowed origins is refused before any checkout opens', async () => {
    suite.site.route('/elsewhere', merchantPage('Elsewhere', `${script()}<button${attrs({ 'data-porte-checkout': 'pro-monthly', 'data-success-url': 'https://evil.example/thanks' })}>Start</button>`));
    const { page, events } = await tabs.open(`${suite.site.origin}/elsewhere`);
    tabs.allowErrors(page, /status of 400|^Porte: success_url/);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('porte-notice').getByRole('alert').waitFor();
    expect(events.of('error').map((e) => [e.detail.code, e.detail.param])).toEqual([['url_not_allowed', 'success_url']]);
    expect(await page.locator('porte-overlay').count()).toBe(0);
  });

  it('an identified customer (reference + hash) finds their name and address already filled in', async () => {
    const reference = `known-${Date.now()}`;
    const email = `${reference}@example.com`;
    await api('PUT', `/v1/customers/by-reference/${reference}`, {
      email,
      first_name: 'Hedy',
      last_name: 'Lamarr',
      billing_address: { line1: '3 Schottenring', postal_code: '1010', city: 'Wien', country: 'AT' },
    });
    const hash = customerHash(reference, embedSecret(suite.server.dbFile));
    suite.site.route('/account', merchantPage('Account', `${script()}<button${attrs({ 'data-porte-checkout': 'basic-monthly', 'data-customer-reference': reference, 'data-customer-hash': hash })}>Upgrade</button>`));
    const { page } = await tabs.open(`${suite.site.origin}/account`);
    await page.getByRole('button', { name: 'Upgrade' }).click();
    await checkoutReady(page);
    const expected = { Email: email, 'First name': 'Hedy', 'Last name': 'Lamarr', Address: '3 Schottenring', 'Postal code': '1010', City: 'Wien', Country: 'AT' };
    for (const [label, value] of Object.entries(expected)) expect(await field(page, label).inputValue(), label).toBe(value);
  });

  it('messages the merchant’s page posts into the checkout frame (another origin than Porte’s) are ignored', async () => {
    const { page, events } = await tabs.open(`${suite.site.origin}/plans`);
    await page.getByRole('button', { name: 'Basic' }).click();
    const frameLocator = await checkoutReady(page);
    const who = visitor('foreign');
    await fillCheckout(frameLocator, who);
    const frame = await (await page.locator('porte-overlay iframe').elementHandle())?.contentFrame();
    if (!frame) throw new Error('no checkout frame');
    const frameUrl = frame.url();
    const session = /\/checkout\/(cs_\w+)/.exec(frameUrl)?.[1] ?? '';
    // Registered last in the frame, so it runs after any listener of Porte's: the signal that each message was handled.
    await frame.evaluate(() => window.addEventListener('message', () => (document.body.dataset.received = String(Number(document.body.dataset.received ?? 0) + 1))));
    const forged = [
      { ns: 'porte', v: 1, type: 'subscribed', session },
      { ns: 'porte', v: 1, type: 'close' },
      { ns: 'porte', v: 1, type: 'busy', busy: true },
      { ns: 'porte', v: 1, type: 'submit' },
      { ns: 'porte', v: 1, type: 'fill', email: 'attacker@example.com', card_number: '4000 0000 0000 0002' },
    ];
    await page.evaluate((messages) => {
      const iframe = document.querySelector('porte-overlay')?.shadowRoot?.querySelector('iframe');
      for (const m of messages) iframe?.contentWindow?.postMessage(m, '*');
    }, forged);
    await eventually(() => frame.evaluate(() => document.body.dataset.received)).toBe(String(forged.length));

    expect(frame.url()).toBe(frameUrl);
    expect(await field(page, 'Email').inputValue()).toBe(who.email);
    expect(await field(page, 'Card number').inputValue()).toBe('4242 4242 4242 4242');
    expect(await frameLocator.getByRole('button', { name: 'Subscribe' }).isEnabled()).toBe(true);
    expect(await page.locator('porte-overlay').getByRole('button', { name: 'Close' }).getAttribute('aria-disabled')).toBe('false');
    expect(events.of('subscribed')).toEqual([]);
    expect(events.of('close')).toEqual([]);
    expect((await api('GET', `/v1/checkout_sessions/${session}`)).body.status).toBe('open');
  });
});
