// VAT at the hosted checkout in real Chromium (issue 12): "Due today" shows the VAT line and
// whether prices include VAT; "Company" brings the VAT number field, checked per country; a valid
// number from another EU country earns the reverse charge, shown before anything is charged.
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../harness/browser.ts';
import { CARDS, fillCard, useHostedPagesSuite } from '../harness/hosted-pages.ts';

const suite = useHostedPagesSuite('checkout');
const { api, newPage } = suite;
const eur = (minor: number, locale = 'en') => new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(minor / 100);

async function session(locale?: 'fr'): Promise<string> {
  const res = await api('POST', '/v1/checkout_sessions', { offer: 'vat-ht', success_url: `${suite.site.url}/thanks`, cancel_url: `${suite.site.url}/pricing`, ...(locale ? { locale } : {}) });
  expect(res.status).toBe(201);
  return res.body.url;
}

describe('VAT at the hosted checkout in Chromium', () => {
  beforeAll(async () => {
    // The demo account becomes a French business registered for VAT, selling at 10,00 € HT a month.
    expect((await api('PATCH', '/v1/account', { country: 'FR', vat_regime: 'registered' })).status).toBe(200);
    const offer = await api('POST', '/v1/offers', { reference: 'vat-ht', name: 'Studio', currency: 'EUR', recurring: { amount: 1000, interval: 'month' }, tax_behavior: 'exclusive' });
    expect(offer.status).toBe(201);
  });

  it('shows the VAT line; Company brings the VAT number; a bad one is refused; a German one gets the reverse charge', async () => {
    const page = await newPage();
    await page.goto(await session());
    // 10,00 € HT + 20 % = 2,00 € of VAT, 12,00 € due today, for a consumer in France (the default).
    await expect.poll(() => page.getByText('VAT 20 %', { exact: true }).isVisible()).toBe(true);
    expect(await page.locator('.totals .vat dd').textContent()).toBe(eur(200));
    expect(await page.locator('.totals .total dd').textContent()).toBe(eur(1200));
    expect(await page.getByText('Prices exclude VAT: VAT is added.').isVisible()).toBe(true);

    // No VAT number for a consumer; typing a company name asks for it.
    expect(await page.getByLabel('VAT number').count()).toBe(0);
    await page.getByLabel('Email', { exact: true }).fill(`gmbh.${Date.now()}@example.com`);
    await page.getByLabel('First name', { exact: true }).fill('Grete');
    await page.getByLabel('Last name', { exact: true }).fill('Muster');
    await page.getByLabel('Company').fill('Muster GmbH');
    await expect.poll(() => page.getByLabel('VAT number').isVisible()).toBe(true);
    await page.getByLabel('Address', { exact: true }).fill('1 Hauptstraße');
    await page.getByLabel('Postal code', { exact: true }).fill('10115');
    await page.getByLabel('City', { exact: true }).fill('Berlin');
    await page.getByLabel('Country', { exact: true }).selectOption({ label: 'Germany' });
    await page.getByLabel('VAT number').fill('DE12345');
    await fillCard(page, CARDS.ok);
    await page.getByRole('button', { name: 'Subscribe' }).click();

    // Refused, on the field, in words; nothing was created.
    await expect.poll(() => page.getByText('This is not a valid VAT number for the country chosen', { exact: false }).isVisible()).toBe(true);
    expect(await page.getByLabel('VAT number').getAttribute('aria-invalid')).toBe('true');
    const email = await page.getByLabel('Email', { exact: true }).inputValue();
    expect((await api('GET', `/v1/customers?query=${encodeURIComponent(email)}`)).body.data).toEqual([]);

    // A valid German VAT number: the page said 12,00 €, a reverse charge makes it 10,00 €, shown first.
    await page.getByLabel('VAT number').fill('DE 136 695 976');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect.poll(() => page.getByText('the amount due today is now as shown', { exact: false }).isVisible()).toBe(true);
    expect(await page.getByText('VAT reverse charged (0 %)').isVisible()).toBe(true);
    expect(await page.locator('.totals .total dd').textContent()).toBe(eur(1000));
    await screenshot(page, 'checkout-vat-reverse-charge');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL((url) => url.origin === suite.site.origin && url.pathname === '/thanks', { timeout: 10_000 });

    const [customer] = (await api('GET', `/v1/customers?query=${encodeURIComponent(email)}`)).body.data;
    expect(customer.billing_address).toMatchObject({ country: 'DE', tax_id: 'DE136695976' });
    const [invoice] = (await api('GET', `/v1/invoices?customer=${customer.id}`)).body.data;
    expect(invoice).toMatchObject({ status: 'paid', subtotal: 1000, tax: 0, total: 1000, amount_paid: 1000 });
  });

  it('in French: « Numéro de TVA », the VAT line and HT prices', async () => {
    const page = await newPage();
    await page.goto(await session('fr'));
    await expect.poll(() => page.getByText('TVA 20 %', { exact: true }).isVisible()).toBe(true);
    expect(await page.locator('.totals .total dd').textContent()).toBe(eur(1200, 'fr'));
    expect(await page.getByText('Prix HT : la TVA s’ajoute.').isVisible()).toBe(true);
    await page.getByLabel('Société').fill('Client SARL');
    await expect.poll(() => page.getByLabel('Numéro de TVA').isVisible()).toBe(true);
  });

  it('on a 390 px phone in French, the summary line « À payer aujourd’hui » wraps instead of widening the page', async () => {
    // 290,00 € TTC a year plus 49,00 € of setup: 339,00 € due today, the longest French summary line.
    const offer = await api('POST', '/v1/offers', { reference: 'vat-business', name: 'Business', currency: 'EUR', amount_upfront: 4900, recurring: { amount: 29000, interval: 'year' }, tax_behavior: 'inclusive' });
    expect(offer.status).toBe(201);
    const res = await api('POST', '/v1/checkout_sessions', { offer: 'vat-business', success_url: `${suite.site.url}/thanks`, cancel_url: `${suite.site.url}/pricing`, locale: 'fr' });
    expect(res.status).toBe(201);
    const page = await suite.openIn(await suite.newContext({ locale: 'fr-FR', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }));
    await page.goto(res.body.url);
    const line = page.locator('.summary-line');
    await expect.poll(() => line.isVisible()).toBe(true);
    expect(await line.textContent()).toContain(eur(33900, 'fr'));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'checkout-vat-phone-fr');
  });
});
