// The customer portal in real Chromium against the real Node server (`npm start`): a merchant
// creates a customer and a portal link through the API, the customer opens the link, changes the
// card, the billing address, cancels; the API then shows every change.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeScan, screenshot } from '../harness/browser.ts';
import { CARDS, fillCard, TEST_IBAN, useHostedPagesSuite } from '../harness/hosted-pages.ts';

const XSS_NAME = '<img src=x onerror=alert(1)>';

const suite = useHostedPagesSuite('portal');
const { api, newPage } = suite;

async function portalLink(customer: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await api('POST', `/v1/customers/${customer}/portal_links`, body);
  expect(res.status).toBe(201);
  return res.body.url;
}

const notice = (page: Page) => page.getByRole('status').textContent();

describe('customer portal in Chromium', () => {
  /** The customer of the first tests: created by API with automatic billing, subscribed by checkout. */
  let customer: { id: string; reference: string };
  let subscription: string;
  let url: string;

  it('a customer created by API subscribes by hosted checkout (SEPA), then sets a card 4242 in the portal', async () => {
    const created = await api('POST', '/v1/customers', { email: `portal.${Date.now()}@example.com`, first_name: 'Ada', last_name: 'Lovelace', auto_billing: true });
    expect(created.status).toBe(201);
    customer = created.body;
    const session = await api('POST', '/v1/checkout_sessions', { offer: 'pro-monthly', customer_reference: customer.reference, success_url: `${suite.site.url}/thanks`, cancel_url: `${suite.site.url}/pricing` });
    const checkout = await newPage();
    await checkout.goto(session.body.url);
    await checkout.getByLabel('Email', { exact: true }).fill(created.body.email);
    await checkout.getByLabel('First name', { exact: true }).fill('Ada');
    await checkout.getByLabel('Last name', { exact: true }).fill('Lovelace');
    await checkout.getByLabel('Address', { exact: true }).fill('12 rue de la Paix');
    await checkout.getByLabel('Postal code', { exact: true }).fill('75002');
    await checkout.getByLabel('City', { exact: true }).fill('Paris');
    await checkout.getByLabel('Country', { exact: true }).selectOption({ label: 'France' });
    await checkout.getByText('SEPA Direct Debit', { exact: true }).click();
    await checkout.getByLabel('IBAN').fill(TEST_IBAN);
    await checkout.getByRole('button', { name: 'Subscribe' }).click();
    await checkout.waitForURL((u) => u.origin === suite.site.origin && u.pathname === '/thanks');
    subscription = (await api('GET', `/v1/checkout_sessions/${session.body.id}`)).body.subscription;
    expect(subscription).toMatch(/^sub_/);

    url = await portalLink(customer.id);
    const page = await newPage();
    const bundle = page.waitForResponse((r) => r.url().endsWith('/assets/portal.js'));
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await bundle).status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your account');
    expect(await page.getByRole('heading', { name: 'Pro' }).isVisible()).toBe(true);
    expect(await page.getByText('€29.00 / month').isVisible()).toBe(true);
    expect(await page.locator('#current-payment-method').textContent()).toBe('SEPA Direct Debit •••• 3000');
    await screenshot(page, 'portal-en');
    expect(await axeScan(page)).toEqual([]);

    await fillCard(page, CARDS.ok);
    await page.getByRole('button', { name: 'Save payment method' }).click();
    await expect.poll(() => notice(page)).toBe('Your payment method has been updated.');
    expect(await page.locator('#current-payment-method').textContent()).toMatch(/^Visa •••• 4242 · Expires 12\/\d\d$/);
    const after = (await api('GET', `/v1/customers/${customer.id}`)).body;
    expect(after).toMatchObject({ auto_billing: true, payment_method: { type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 12 } } });
    await screenshot(page, 'portal-card-saved');
  });

  it('3-D Secure in the portal: the challenge page, then Approve saves the card', async () => {
    const page = await newPage();
    await page.goto(url);
    await fillCard(page, CARDS.challenge);
    await page.getByRole('button', { name: 'Save payment method' }).click();
    await page.waitForURL(/\/challenge\?/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('3-D Secure verification');
    expect(await axeScan(page)).toEqual([]);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => notice(page)).toBe('Your payment method has been updated.');
    expect((await api('GET', `/v1/customers/${customer.id}`)).body.payment_method.card.last4).toBe('3184');
  });

  it('changes the billing address; the API shows it', async () => {
    const page = await newPage();
    await page.goto(url);
    await page.getByLabel('Address', { exact: true }).fill('5 Avenue Louise');
    await page.getByLabel('Address line 2 (optional)').fill('Boîte 3');
    await page.getByLabel('Postal code', { exact: true }).fill('1050');
    await page.getByLabel('City', { exact: true }).fill('Ixelles');
    await page.getByLabel('Country', { exact: true }).selectOption({ label: 'Belgium' });
    await page.getByLabel('VAT number (optional)').fill('BE0417497106');
    await page.getByRole('button', { name: 'Save billing address' }).click();
    await expect.poll(() => notice(page)).toBe('Your billing address has been updated.');
    expect(await page.getByLabel('City', { exact: true }).inputValue()).toBe('Ixelles');
    expect((await api('GET', `/v1/customers/${customer.id}`)).body.billing_address).toMatchObject({
      line1: '5 Avenue Louise', line2: 'Boîte 3', postal_code: '1050', city: 'Ixelles', country: 'BE', tax_id: 'BE0417497106',
    });
  });

  it('cancels the subscription at period end after confirming', async () => {
    const page = await newPage();
    await page.goto(url);
    await page.getByRole('link', { name: 'Cancel subscription' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Cancel your subscription?');
    await page.getByRole('button', { name: 'Keep my subscription' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your account');
    expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.cancel_at_period_end).toBe(false);
    await page.getByRole('link', { name: 'Cancel subscription' }).click();
    await screenshot(page, 'portal-cancel-confirm');
    expect(await axeScan(page)).toEqual([]);
    expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.cancel_at_period_end).toBe(false);
    await page.getByRole('button', { name: 'Yes, cancel at period end' }).click();
    await expect.poll(() => notice(page)).toBe('Your subscription will end at the end of the current period.');
    expect(await page.getByText('Cancels at the end of the current period').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Cancel subscription' }).count()).toBe(0);
    expect((await api('GET', `/v1/subscriptions/${subscription}`)).body).toMatchObject({ cancel_at_period_end: true, status: 'trialing' });
    // Changed their mind: "Resume subscription" undoes it, and "Cancel subscription" is back.
    await screenshot(page, 'portal-after-cancel');
    await page.getByRole('button', { name: 'Resume subscription' }).click();
    await expect.poll(() => notice(page)).toBe('Your subscription continues: it will renew as usual.');
    expect((await api('GET', `/v1/subscriptions/${subscription}`)).body).toMatchObject({ cancel_at_period_end: false, status: 'trialing' });
    expect(await page.getByText('Cancels at the end of the current period').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Resume subscription' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Cancel subscription' }).isVisible()).toBe(true);
    expect(await axeScan(page)).toEqual([]);
  });

  it('after revoke_links the same link shows a clear 403 page', async () => {
    const page = await newPage();
    expect((await api('POST', `/v1/customers/${customer.id}/revoke_links`)).status).toBe(200);
    const response = await page.goto(url);
    expect(response?.status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This link is not valid');
    expect(await page.getByText('Ada').count()).toBe(0);
    expect(await axeScan(page)).toEqual([]);
  });

  it('shows a customer named like HTML as text: no image, no dialog', async () => {
    const c = (await api('POST', '/v1/customers', { first_name: XSS_NAME, auto_billing: true })).body;
    const page = await newPage();
    await page.goto(await portalLink(c.id));
    expect(await page.getByText(`Account of ${XSS_NAME}`, { exact: true }).isVisible()).toBe(true);
    expect(await page.locator('img').count()).toBe(0);
    // Hydration re-renders the same text: still no element made of the name.
    await page.waitForLoadState('networkidle');
    expect(await page.locator('img').count()).toBe(0);
  });

  it('in French (link locale fr): French labels, dates and prices; saves a card; no serious axe violation', async () => {
    const c = (await api('POST', '/v1/customers', { first_name: 'Jeanne', email: `jeanne.${Date.now()}@example.com`, language: 'fr' })).body;
    const page = await newPage('en-US');
    await page.goto(await portalLink(c.id, { locale: 'fr' }));
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Votre compte');
    for (const label of ['Numéro de carte', 'Expiration', 'CVC', 'IBAN', 'Adresse', 'Code postal', 'Ville', 'Pays']) {
      expect(await page.getByLabel(label, { exact: true }).count(), label).toBe(1);
    }
    expect(await page.getByText("Vous n'avez aucun abonnement.").isVisible()).toBe(true);
    await screenshot(page, 'portal-fr');
    expect(await axeScan(page)).toEqual([]);
    await fillCard(page, CARDS.ok, { number: 'Numéro de carte', expiry: 'Expiration', cvc: 'CVC' });
    await page.getByRole('button', { name: 'Enregistrer le moyen de paiement' }).click();
    await expect.poll(() => notice(page)).toBe('Votre moyen de paiement a été mis à jour.');
    expect(await page.locator('#current-payment-method').textContent()).toMatch(/^Visa •••• 4242 · Expire fin 12\/\d\d$/);
    expect((await api('GET', `/v1/customers/${c.id}`)).body.payment_method.card.last4).toBe('4242');
  });
});
