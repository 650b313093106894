// The hosted checkout in real Chromium against the real Node server (`npm start`), the way a
// customer meets it: a shareable link or a merchant's session, a form filled by its labels, a
// redirect back to the merchant's own site. The API (secret key) then shows what was created.
import BetterSqlite3 from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeScan, screenshot } from '../harness/browser.ts';
import { CARDS, EXPIRY, fillCard, TEST_IBAN, useHostedPagesSuite } from '../harness/hosted-pages.ts';

const suite = useHostedPagesSuite('checkout');
const { api, newContext, newPage, openIn } = suite;
let emailCounter = 0;

/** A session created by the merchant's server, redirecting to the merchant's own site. */
async function createSession(offer = 'basic-monthly', extra: Record<string, unknown> = {}): Promise<{ id: string; url: string }> {
  const res = await api('POST', '/v1/checkout_sessions', { offer, success_url: `${suite.site.url}/thanks`, cancel_url: `${suite.site.url}/pricing`, ...extra });
  expect(res.status).toBe(201);
  return res.body;
}

const uniqueEmail = (tag: string) => `${tag}.${Date.now()}.${++emailCounter}@example.com`;

interface Person {
  email: string;
  first: string;
  last: string;
}

/** Fills "Your details" and "Billing address" by their visible labels, as a customer would. */
async function fillDetails(page: Page, who: Person, labels = { email: 'Email', first: 'First name', last: 'Last name', company: 'Company', line1: 'Address', postal: 'Postal code', city: 'City', country: 'Country', countryName: 'France' }) {
  await page.getByLabel(labels.email, { exact: true }).fill(who.email);
  await page.getByLabel(labels.first, { exact: true }).fill(who.first);
  await page.getByLabel(labels.last, { exact: true }).fill(who.last);
  await page.getByLabel(labels.company).fill('Analytical Engines');
  await page.getByLabel(labels.line1, { exact: true }).fill('12 rue de la Paix');
  await page.getByLabel(labels.postal, { exact: true }).fill('75002');
  await page.getByLabel(labels.city, { exact: true }).fill('Paris');
  await page.getByLabel(labels.country, { exact: true }).selectOption({ label: labels.countryName });
}

const person = (tag: string): Person => ({ email: uniqueEmail(tag), first: 'Ada', last: 'Lovelace' });

/** The URL the customer lands on after paying: the merchant's /thanks with the session id. */
async function expectSuccess(page: Page, sessionId?: string): Promise<string> {
  await page.waitForURL((url) => url.origin === suite.site.origin && url.pathname === '/thanks', { timeout: 10_000 });
  const id = new URL(page.url()).searchParams.get('checkout_session_id') ?? '';
  expect(id).toMatch(/^cs_/);
  if (sessionId) expect(id).toBe(sessionId);
  await expect.poll(() => page.getByRole('heading', { name: 'Thanks for subscribing' }).isVisible()).toBe(true);
  return id;
}

async function customersWithEmail(email: string): Promise<{ id: string; email: string }[]> {
  return (await api('GET', `/v1/customers?query=${encodeURIComponent(email)}`)).body.data;
}

/** Direct SQL on the server's database, only for what has no API yet (settings, the clock). */
function sql(statement: string, ...params: (string | number)[]): void {
  const db = new BetterSqlite3(suite.server.dbFile);
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare(statement).run(...params);
  } finally {
    db.close();
  }
}

describe('hosted checkout in Chromium', () => {
  it('shareable link /subscribe/demo/pro-monthly → form by labels → test card → the merchant’s success URL; the API shows both', async () => {
    // The merchant's redirect URLs (back-office settings): the shareable link sends customers there.
    sql('UPDATE merchants SET success_url = ?, cancel_url = ? WHERE slug = ?', `${suite.site.url}/thanks`, `${suite.site.url}/pricing`, 'demo');
    const page = await newPage();
    const bundle = page.waitForResponse((r) => r.url().endsWith('/assets/checkout.js'));
    await page.goto(`${suite.server.url}/subscribe/demo/pro-monthly`);
    // The link's page posts its form at once (a GET creates no session): the browser lands on checkout.
    await page.waitForURL(/\/checkout\/cs_\w+$/);
    expect((await bundle).status()).toBe(200);
    await expect.poll(() => page.locator('.offer-name').textContent()).toBe('Pro');
    expect(await page.getByText('14-day free trial').isVisible()).toBe(true);
    expect(await page.locator('.price').textContent()).toBe('€29.00 / month');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    const who = person('link');
    await fillDetails(page, who);
    await fillCard(page, CARDS.ok);
    await screenshot(page, 'checkout-en-filled');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    const id = await expectSuccess(page);
    await screenshot(page, 'checkout-en-success');

    const session = (await api('GET', `/v1/checkout_sessions/${id}`)).body;
    expect(session).toMatchObject({ status: 'complete', customer_email: null });
    const customer = (await api('GET', `/v1/customers/${session.customer}`)).body;
    expect(customer).toMatchObject({
      email: who.email,
      first_name: 'Ada',
      last_name: 'Lovelace',
      company: 'Analytical Engines',
      language: 'en',
      billing_address: { line1: '12 rue de la Paix', postal_code: '75002', city: 'Paris', country: 'FR' },
      payment_method: { type: 'card', card: { brand: 'visa', last4: '4242' } },
    });
    const subs = (await api('GET', `/v1/subscriptions?customer=${customer.id}`)).body.data;
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ id: session.subscription, status: 'trialing' });
    expect(Math.abs(Date.parse(subs[0].trial_end) - (Date.now() + 14 * 86_400_000))).toBeLessThan(120_000);

    // Coming back to the link's session later: a clear "already subscribed" page, not the form.
    await page.goto(`${suite.server.url}/checkout/${id}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are subscribed');
    expect(await page.getByLabel('Card number').count()).toBe(0);
  });

  it('a declined card shows the error beside the card field, keeps what was typed, creates nothing', async () => {
    const session = await createSession('basic-monthly');
    const page = await newPage();
    await page.goto(session.url);
    const who = person('declined');
    await fillDetails(page, who);
    await fillCard(page, CARDS.declined);
    await page.getByRole('button', { name: 'Subscribe' }).click();

    const cardField = page.getByLabel('Card number', { exact: true });
    await expect.poll(() => page.locator('#f-card_number-error').textContent()).toBe('Your card was declined. Try another payment method.');
    expect(await page.getByRole('alert').textContent()).toBe('Your card was declined. Try another payment method.');
    expect(await cardField.getAttribute('aria-invalid')).toBe('true');
    expect(await cardField.getAttribute('aria-describedby')).toBe('f-card_number-error');
    // The message sits right under the card number, inside the card field's block.
    const fieldBox = await page.locator('.field-card_number').boundingBox();
    const errorBox = await page.locator('#f-card_number-error').boundingBox();
    expect(errorBox && fieldBox && errorBox.y >= fieldBox.y && errorBox.y + errorBox.height <= fieldBox.y + fieldBox.height + 1).toBe(true);
    expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe(who.email);
    expect(await page.getByLabel('First name').inputValue()).toBe('Ada');
    expect(await page.getByLabel('Last name').inputValue()).toBe('Lovelace');
    expect(await page.getByLabel('Country').inputValue()).toBe('FR');
    expect(await cardField.inputValue()).toBe('');
    expect(await page.getByLabel('CVC', { exact: true }).inputValue()).toBe(''); // never kept after a decline
    await screenshot(page, 'checkout-declined');
    expect(await axeScan(page)).toEqual([]);

    expect(await customersWithEmail(who.email)).toEqual([]);
    expect((await api('GET', `/v1/checkout_sessions/${session.id}`)).body).toMatchObject({ status: 'open', customer: null, subscription: null });

    // A good card now goes through, from the same page.
    await fillCard(page, CARDS.ok);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expectSuccess(page, session.id);
    expect(await customersWithEmail(who.email)).toHaveLength(1);
  });

  it('3-D Secure: Approve lands on the success URL; the challenge page passes axe', async () => {
    const session = await createSession('business-yearly');
    const page = await newPage();
    await page.goto(session.url);
    const who = person('3ds-ok');
    await fillDetails(page, who);
    await fillCard(page, CARDS.challenge);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(`**/checkout/${session.id}/challenge?locale=en`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('3-D Secure verification');
    await screenshot(page, 'challenge-en');
    expect(await axeScan(page)).toEqual([]);
    expect(await customersWithEmail(who.email)).toEqual([]);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expectSuccess(page, session.id);
    const customer = (await customersWithEmail(who.email))[0];
    expect(customer).toMatchObject({ payment_method: { type: 'card', card: { last4: '3184' } } });
    const subs = (await api('GET', `/v1/subscriptions?customer=${customer?.id}`)).body.data;
    expect(subs).toMatchObject([{ status: 'active' }]);
  });

  it('3-D Secure: Fail returns to the form with an error and creates nothing', async () => {
    const session = await createSession('basic-monthly');
    const page = await newPage();
    await page.goto(session.url);
    const who = person('3ds-fail');
    await fillDetails(page, who);
    await fillCard(page, CARDS.challenge);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(`**/checkout/${session.id}/challenge?locale=en`);
    await page.getByRole('button', { name: 'Fail verification' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('The card’s authentication failed. Try again or use another card.');
    expect(await page.getByRole('button', { name: 'Subscribe' }).isVisible()).toBe(true);
    expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe(who.email);
    await screenshot(page, 'challenge-failed');
    expect(await customersWithEmail(who.email)).toEqual([]);
    expect((await api('GET', `/v1/checkout_sessions/${session.id}`)).body.status).toBe('open');
  });

  it('SEPA Direct Debit with the test IBAN: the customer’s payment method is sepa_debit ending 3000', async () => {
    const session = await createSession('pro-monthly');
    const page = await newPage();
    await page.goto(session.url);
    const who = person('sepa');
    await fillDetails(page, who);
    expect(await page.getByLabel('IBAN').isVisible()).toBe(false);
    await page.getByText('SEPA Direct Debit', { exact: true }).click();
    expect(await page.getByLabel('Card number').isVisible()).toBe(false);
    await page.getByLabel('IBAN').fill(TEST_IBAN);
    await screenshot(page, 'checkout-sepa');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expectSuccess(page, session.id);
    const customer = (await customersWithEmail(who.email))[0];
    expect(customer).toMatchObject({ payment_method: { type: 'sepa_debit', sepa_debit: { last4: '3000', country: 'DE' } } });
  });

  // Ten pages filled at once take over 30 s when the two cores are shared with other suites.
  it('ten pages submitting one session at once: exactly one customer and one subscription', { timeout: 90_000 }, async () => {
    const session = await createSession('pro-monthly');
    const context = await newContext({ locale: 'en-US' });
    const pages = await Promise.all(Array.from({ length: 10 }, () => openIn(context)));
    const who = person('race');
    await Promise.all(
      pages.map(async (page) => {
        await page.goto(session.url);
        await fillDetails(page, who);
        await fillCard(page, CARDS.ok);
      }),
    );
    await Promise.all(pages.map((page) => page.getByRole('button', { name: 'Subscribe' }).click()));
    const landed = await Promise.all(pages.map((page) => expectSuccess(page, session.id)));
    expect(new Set(landed)).toEqual(new Set([session.id]));
    const customers = await customersWithEmail(who.email);
    expect(customers).toHaveLength(1);
    expect((await api('GET', `/v1/subscriptions?customer=${customers[0]?.id}`)).body.data).toHaveLength(1);
    expect((await api('GET', `/v1/checkout_sessions/${session.id}`)).body).toMatchObject({ status: 'complete', customer: customers[0]?.id });
  });

  it('in French (?locale=fr): French labels, "S\'abonner", prices like "29,00 €"; completes; no serious axe violation', async () => {
    const page = await newPage();
    await page.goto(`${suite.server.url}/subscribe/demo/pro-monthly?locale=fr`);
    await page.waitForURL(/\/checkout\/cs_\w+\?locale=fr$/);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    for (const label of ['E-mail', 'Prénom', 'Nom', 'Adresse', 'Code postal', 'Ville', 'Pays', 'Numéro de carte', 'Expiration', 'CVC']) {
      expect(await page.getByLabel(label, { exact: true }).count(), label).toBe(1);
    }
    expect(await page.getByLabel('Société (facultatif)').count()).toBe(1);
    expect(await page.getByLabel('IBAN', { exact: true }).count()).toBe(1);
    expect(await page.getByRole('button', { name: "S'abonner" }).isVisible()).toBe(true);
    expect((await page.locator('.price').textContent())?.replace(/[\u00a0\u202f]/g, ' ')).toBe('29,00 € / mois');
    expect(await page.getByText('Essai gratuit de 14 jours').isVisible()).toBe(true);
    await screenshot(page, 'checkout-fr');
    expect(await axeScan(page)).toEqual([]);

    const who = person('fr');
    await fillDetails(page, who, { email: 'E-mail', first: 'Prénom', last: 'Nom', company: 'Société', line1: 'Adresse', postal: 'Code postal', city: 'Ville', country: 'Pays', countryName: 'France' });
    await fillCard(page, CARDS.ok, { number: 'Numéro de carte', expiry: 'Expiration', cvc: 'CVC' });
    await page.getByRole('button', { name: "S'abonner" }).click();
    await expectSuccess(page);
    expect((await customersWithEmail(who.email))[0]).toMatchObject({ language: 'fr' });
  });

  it('follows the browser language (Accept-Language: fr) on a merchant’s session, and keeps it as the customer’s language', async () => {
    const session = await createSession('basic-monthly');
    const page = await newPage('fr-FR');
    await page.goto(session.url);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.getByLabel('E-mail', { exact: true }).count()).toBe(1);
    expect((await page.locator('.price').textContent())?.replace(/[\u00a0\u202f]/g, ' ')).toBe('9,00 € / mois');
    const who = person('accept-fr');
    await fillDetails(page, who, { email: 'E-mail', first: 'Prénom', last: 'Nom', company: 'Société', line1: 'Adresse', postal: 'Code postal', city: 'Ville', country: 'Pays', countryName: 'Belgique' });
    await fillCard(page, CARDS.ok, { number: 'Numéro de carte', expiry: 'Expiration', cvc: 'CVC' });
    await page.getByRole('button', { name: "S'abonner" }).click();
    await expectSuccess(page, session.id);
    // The customer chose nothing but read the page in French: that is their language from now on.
    expect((await customersWithEmail(who.email))[0]).toMatchObject({ language: 'fr', billing_address: { country: 'BE' } });
  });

  it('the English checkout page has no serious or critical axe violations', async () => {
    const session = await createSession('business-yearly');
    const page = await newPage();
    await page.goto(session.url);
    expect(await page.getByText('Setup fee').isVisible()).toBe(true);
    expect(await axeScan(page)).toEqual([]);
    // "Back" goes to the merchant's cancel URL.
    await page.getByRole('link', { name: /Back/ }).click();
    await page.waitForURL(`${suite.site.url}/pricing`);
  });

  it('expired and completed sessions show a clear page, never the form or a stack trace', async () => {
    const expired = await createSession('basic-monthly');
    sql('UPDATE checkout_sessions SET expires_at = ? WHERE id = ?', new Date(Date.now() - 1000).toISOString(), expired.id);
    const page = await newPage();
    const response = await page.goto(expired.url);
    expect(response?.status()).toBe(410);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This checkout link has expired');
    expect(await page.getByRole('button', { name: 'Subscribe' }).count()).toBe(0);
    expect(await page.content()).not.toMatch(/Error:|\.ts:\d+/);
    await screenshot(page, 'checkout-expired');
    expect(await axeScan(page)).toEqual([]);
    await page.getByRole('link', { name: 'Continue' }).click();
    await page.waitForURL(`${suite.site.url}/pricing`);

    const fr = await newPage();
    await fr.goto(`${expired.url}?locale=fr`);
    expect(await fr.getByRole('heading', { level: 1 }).textContent()).toBe('Ce lien de paiement a expiré');

    const missing = await newPage();
    expect((await missing.goto(`${suite.server.url}/checkout/cs_nope`))?.status()).toBe(404);
    expect(await missing.getByRole('heading', { level: 1 }).textContent()).toBe('Checkout not found');
  });

  it('can be completed with the keyboard only (Tab, typing, Space)', async () => {
    const session = await createSession('basic-monthly');
    const page = await newPage();
    await page.goto(session.url);
    const who = person('keyboard');
    const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
    const tabTo = async (id: string, text?: string) => {
      await page.keyboard.press('Tab');
      expect(await focused()).toBe(id);
      if (text !== undefined) await page.keyboard.type(text);
    };
    await tabTo('f-email', who.email);
    await tabTo('f-first_name', who.first);
    await tabTo('f-last_name', who.last);
    await tabTo('f-company');
    await tabTo('f-line1', '1 Keyboard Street');
    await tabTo('f-postal_code', '69001');
    await tabTo('f-city', 'Lyon');
    await tabTo('f-country', 'France');
    expect(await page.getByLabel('Country').inputValue()).toBe('FR');
    await tabTo('pt-card');
    await tabTo('f-card_number', CARDS.ok);
    await tabTo('f-card_expiry', EXPIRY);
    await tabTo('f-card_cvc', '123');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Subscribe');
    // Focus is visible where it is (WCAG 2.4.7): the button has an outline while focused.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Space');
    await expectSuccess(page, session.id);
    expect((await customersWithEmail(who.email))[0]).toMatchObject({ billing_address: { city: 'Lyon', country: 'FR' } });
  });
});
