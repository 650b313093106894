// The hosted checkout as a first-time customer meets it: card fields that format themselves as
// typed, what was typed kept after a mistake elsewhere, a summary that fits a phone, details a
// merchant prefilled, and Porte's own confirmation page (checked against figures computed here
// from the offer, not taken from Porte's code).
import BetterSqlite3 from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeScan, screenshot } from '../harness/browser.ts';
import { CARDS, EXPIRY, useHostedPagesSuite } from '../harness/hosted-pages.ts';
import { type ApiOffer, chargedToday, longDate, money, nextChargeDate } from '../harness/oracle.ts';

const suite = useHostedPagesSuite('checkout');
const { api, newContext, openIn, newPage } = suite;
let count = 0;
const email = (tag: string) => `${tag}.${Date.now()}.${++count}@example.com`;

async function createSession(offer: string, extra: Record<string, unknown> = {}): Promise<{ id: string; url: string }> {
  const res = await api('POST', '/v1/checkout_sessions', { offer, success_url: `${suite.site.url}/thanks`, cancel_url: `${suite.site.url}/pricing`, ...extra });
  expect(res.status).toBe(201);
  return res.body;
}

async function fillDetails(page: Page, who: string, city = 'Paris'): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(who);
  await page.getByLabel('First name', { exact: true }).fill('Ada');
  await page.getByLabel('Last name', { exact: true }).fill('Lovelace');
  await page.getByLabel('Address', { exact: true }).fill('12 rue de la Paix');
  await page.getByLabel('Postal code', { exact: true }).fill('75002');
  await page.getByLabel('City', { exact: true }).fill(city);
  await page.getByLabel('Country', { exact: true }).selectOption({ label: 'France' });
}

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });
const plain = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

describe('hosted checkout: the customer’s first minutes', { timeout: 60_000 }, () => {
  it('card number grouped 4-4-4-4 and expiry "/" as typed (1230 → 12/30); labelled, numeric keypad, autofill names', async () => {
    const session = await createSession('basic-monthly');
    const page = await newPage();
    await page.goto(session.url);
    await field(page, 'Card number').pressSequentially('4242424242424242');
    expect(await field(page, 'Card number').inputValue()).toBe('4242 4242 4242 4242');
    await field(page, 'Expiry').pressSequentially('1230');
    expect(await field(page, 'Expiry').inputValue()).toBe('12/30');
    // Deleting goes back over the "/" and the digit before it, as typed.
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    expect(await field(page, 'Expiry').inputValue()).toBe('1');
    await page.keyboard.type('2/30');
    expect(await field(page, 'Expiry').inputValue()).toBe('12/30');
    // A digit typed in the middle of the number keeps the caret after it.
    await field(page, 'Card number').fill('');
    await field(page, 'Card number').pressSequentially('42424242');
    await field(page, 'Card number').press('Home');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight'); // after "4242 "
    await page.keyboard.type('9');
    expect(await field(page, 'Card number').inputValue()).toBe('4242 9424 2');
    expect(await field(page, 'Card number').evaluate((el: HTMLInputElement) => el.selectionStart)).toBe(6);

    const attrs = (label: string) => field(page, label).evaluate((el: HTMLInputElement) => [el.inputMode, el.autocomplete]);
    expect(await attrs('Card number')).toEqual(['numeric', 'cc-number']);
    expect(await attrs('Expiry')).toEqual(['numeric', 'cc-exp']);
    expect(await attrs('CVC')).toEqual(['numeric', 'cc-csc']);
    expect(await axeScan(page)).toEqual([]);
  });

  it('an error in another field keeps the card as typed; a declined card keeps neither the number nor the CVC; "1230" subscribes', async () => {
    const session = await createSession('basic-monthly');
    const page = await newPage();
    await page.goto(session.url);
    const who = email('kept');
    await fillDetails(page, who, '');
    await field(page, 'Card number').pressSequentially(CARDS.declined.replace(/ /g, ''));
    await field(page, 'Expiry').pressSequentially('1230');
    await field(page, 'CVC').fill('123');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect.poll(() => page.locator('#f-city-error').textContent()).toBe('This field is required.');
    expect(await field(page, 'Card number').inputValue()).toBe(CARDS.declined);
    expect(await field(page, 'Expiry').inputValue()).toBe('12/30');
    expect(await field(page, 'CVC').inputValue()).toBe('123');

    await field(page, 'City').fill('Paris');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect.poll(() => page.locator('#f-card_number-error').textContent()).toBe('Your card was declined. Try another payment method.');
    expect(await field(page, 'CVC').inputValue()).toBe('');
    expect(await field(page, 'Card number').inputValue()).toBe('');
    expect(await field(page, 'City').inputValue()).toBe('Paris');

    // The expiry without its "/" is accepted by the server too (typed into the raw field, no formatting).
    await field(page, 'Card number').fill(CARDS.ok);
    await field(page, 'Expiry').evaluate((el: HTMLInputElement) => (el.value = '1230'));
    await field(page, 'CVC').fill('123');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL((url) => url.pathname === '/thanks' && url.searchParams.get('checkout_session_id') === session.id);
    const done = (await api('GET', `/v1/checkout_sessions/${session.id}`)).body;
    expect((await api('GET', `/v1/customers/${done.customer}`)).body.payment_method.card).toMatchObject({ last4: '4242', exp_month: 12, exp_year: 2030 });
  });

  it('on a 390×844 phone the summary is one line above the first field, opens on demand, and nothing scrolls sideways', async () => {
    const session = await createSession('business-yearly');
    const context = await newContext({ locale: 'en-US', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await openIn(context);
    await page.goto(session.url);
    const line = page.locator('details.summary > summary');
    expect(await line.isVisible()).toBe(true);
    expect(await line.locator('span').allTextContents()).toEqual(['Business', 'Due today €339.00']);
    const lineBox = await line.boundingBox();
    const emailBox = await field(page, 'Email').boundingBox();
    expect(lineBox && emailBox && lineBox.y + lineBox.height <= emailBox.y).toBe(true);
    expect(lineBox?.height ?? 0).toBeLessThan(56); // one line of text plus its padding
    expect(await page.getByText('Setup fee').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'checkout-phone-390');
    await line.tap();
    expect(await page.getByText('Setup fee').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'checkout-phone-390-summary-open');
    expect(await axeScan(page)).toEqual([]);

    // On a wide screen the whole summary shows, and the one-line version does not.
    const wide = await newPage();
    await wide.goto(session.url);
    expect(await wide.locator('details.summary > summary').isVisible()).toBe(false);
    expect(await wide.getByText('Setup fee').isVisible()).toBe(true);
  });

  it('a merchant’s prefill (email, name, company, address) fills the form, and the customer can still change it', async () => {
    const who = email('prefill');
    const prefill = { email: who, first_name: 'Mary', last_name: 'Somerville', company: 'Royal Society', billing_address: { line1: '1 Rue Pasteur', postal_code: '69007', city: 'Lyon', country: 'FR' } };
    const session = await createSession('basic-monthly', { prefill });
    const page = await newPage();
    await page.goto(session.url);
    const values = { Email: who, 'First name': 'Mary', 'Last name': 'Somerville', Address: '1 Rue Pasteur', 'Postal code': '69007', City: 'Lyon', Country: 'FR' };
    for (const [label, value] of Object.entries(values)) expect(await field(page, label).inputValue(), label).toBe(value);
    expect(await page.getByLabel('Company').inputValue()).toBe('Royal Society');
    await field(page, 'City').fill('Villeurbanne');
    await field(page, 'Card number').fill(CARDS.ok);
    await field(page, 'Expiry').fill(EXPIRY);
    await field(page, 'CVC').fill('123');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL((url) => url.pathname === '/thanks');
    const done = (await api('GET', `/v1/checkout_sessions/${session.id}`)).body;
    expect((await api('GET', `/v1/customers/${done.customer}`)).body).toMatchObject({ email: who, first_name: 'Mary', company: 'Royal Society', billing_address: { city: 'Villeurbanne' } });
  });

  it('without a success URL, the shareable link ends on Porte’s confirmation: the offer, today’s charge, the next charge and its date, a receipt by email', async () => {
    const db = new BetterSqlite3(suite.server.dbFile);
    const setRedirects = (value: string | null) => db.prepare('UPDATE merchants SET success_url = ?, cancel_url = ? WHERE slug = ?').run(value, value, 'demo');
    db.pragma('busy_timeout = 5000');
    setRedirects(null);
    try {
      for (const [reference, locale] of [['pro-monthly', 'en'], ['business-yearly', 'fr']] as const) {
        const offer = (await api('GET', `/v1/offers/${reference}`)).body as ApiOffer;
        const page = await newPage(locale === 'fr' ? 'fr-FR' : 'en-US');
        await page.goto(`${suite.server.url}/subscribe/demo/${reference}?locale=${locale}`);
        const labels = locale === 'fr' ? { email: 'E-mail', number: 'Numéro de carte', expiry: 'Expiration' } : { email: 'Email', number: 'Card number', expiry: 'Expiry' };
        if (locale === 'en') await fillDetails(page, email('confirm'));
        else {
          for (const [label, value] of [['E-mail', email('confirm-fr')], ['Prénom', 'Émilie'], ['Nom', 'du Châtelet'], ['Adresse', '1 place Stanislas'], ['Code postal', '54000'], ['Ville', 'Nancy']]) await field(page, label ?? '').fill(value ?? '');
          await field(page, 'Pays').selectOption('FR');
        }
        await field(page, labels.number).fill(CARDS.ok);
        await field(page, labels.expiry).fill(EXPIRY);
        await field(page, 'CVC').fill('123');
        const started = new Date();
        await page.getByRole('button', { name: locale === 'fr' ? "S'abonner" : 'Subscribe' }).click();
        await page.waitForURL((url) => url.pathname === '/checkout/thanks' && url.searchParams.has('checkout_session_id'));
        const figure = async (label: string) => plain(await page.locator('.totals div').filter({ has: page.getByText(label, { exact: true }) }).locator('dd').textContent());
        const next = `${money(offer.recurring.amount, offer.currency, locale)}${locale === 'fr' ? ' le ' : ' on '}${longDate(nextChargeDate(offer, started), locale)}`;
        if (locale === 'en') {
          expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are subscribed');
          expect(await figure('Plan')).toBe(offer.name);
          expect(await figure('Charged today')).toBe(money(chargedToday(offer), offer.currency, 'en'));
          expect(await figure('Next charge')).toBe(next);
          expect(await page.getByText('A receipt is on its way by email.').isVisible()).toBe(true);
        } else {
          expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Vous êtes abonné');
          expect(await figure('Offre')).toBe(offer.name);
          expect(await figure("Débité aujourd'hui")).toBe(money(chargedToday(offer), offer.currency, 'fr'));
          expect(await figure('Prochain prélèvement')).toBe(next);
          expect(await page.getByText('Un reçu vous est envoyé par e-mail.').isVisible()).toBe(true);
        }
        await screenshot(page, `checkout-confirmation-${locale}`);
        expect(await axeScan(page)).toEqual([]);
      }
    } finally {
      db.close();
    }
  });
});
