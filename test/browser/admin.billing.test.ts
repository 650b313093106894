// The back-office's billing views in real Chromium against `npm start`'s server: the billing
// settings form (dunning policy, invoice numbering prefix), invoice PDFs, and the customer page's
// upcoming activity, driven by the demo environment's test clock. Every expectation comes from
// outside the page: dates worked out by hand, numbers and statuses read through the REST API.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../harness/browser.ts';
import { AdminFixture, unique } from './admin.helpers.ts';

const f = new AdminFixture();
const PHONE = { width: 390, height: 844 };
const EXPIRY = `12/${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0')}`;
const DAY = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "Feb 28, 2027": how en-US writes a UTC day, spelled out here rather than asked of Intl. */
const usDay = (iso: string): string => {
  const d = new Date(iso);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
};
const leap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

const billingForm = (page: Page) => page.locator('form[action="/admin/settings/billing"]');
const upcoming = (page: Page) => page.locator('section[aria-labelledby="h-upcoming"]').textContent().then((t) => t ?? '');
const pageWidth = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth);

async function advanceTo(to: string): Promise<void> {
  const res = await f.api('POST', '/v1/test_clock/advance', { to });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** A send_invoice subscription's first invoice is finalized at once: its number is the counter's next. */
async function nextInvoiceNumber(): Promise<string> {
  const customer = (await f.api('POST', '/v1/customers', { email: unique('numbered') })).body.id;
  const s = await f.api('POST', '/v1/subscriptions', { customer, offer: 'basic-monthly', collection_method: 'send_invoice' });
  expect(s.status, JSON.stringify(s.body)).toBe(201);
  return (await f.api('GET', `/v1/invoices/${s.body.latest_invoice}`)).body.number;
}

async function saveBillingSettings(page: Page, prefix: string, policy: string): Promise<number | undefined> {
  await page.goto(`${f.url}/admin/settings`);
  await billingForm(page).getByLabel('Invoice number prefix').fill(prefix);
  await billingForm(page).getByLabel(policy).check();
  const response = page.waitForResponse((r) => r.url().endsWith('/admin/settings/billing'));
  await billingForm(page).getByRole('button', { name: 'Save' }).click();
  const status = (await response).status();
  await page.waitForLoadState();
  return status;
}

describe('back-office billing in Chromium', () => {
  beforeAll(() => f.start());
  afterAll(() => f.stop());
  afterEach(() => f.check());

  it('billing settings: a bad prefix is refused beside its field and saves nothing; a good one numbers the next invoice', async () => {
    const before = await nextInvoiceNumber();
    const [, year, counter] = /^DEMO-(\d{4})-(\d{6})$/.exec(before) ?? [];
    expect(year, before).toBeDefined();
    const { page } = await f.signedIn();
    await page.goto(`${f.url}/admin/settings`);
    expect(await billingForm(page).getByLabel('Invoice number prefix').inputValue()).toBe('DEMO');
    expect(await billingForm(page).getByLabel('Cancel the subscription').isChecked()).toBe(true);

    expect(await saveBillingSettings(page, 'acme 2026!', 'Leave the subscription past due')).toBe(422);
    const field = billingForm(page).getByLabel('Invoice number prefix');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.inputValue()).toBe('acme 2026!');
    expect(await page.locator('#f-invoice_prefix-error').textContent()).toBe('Use 1 to 20 capital letters, digits or hyphens, starting with a letter or a digit.');
    expect(await field.getAttribute('aria-describedby')).toContain('f-invoice_prefix-error');
    await screenshot(page, 'admin-billing-settings-error');
    // Nothing saved: neither the prefix nor the policy chosen beside it.
    await page.goto(`${f.url}/admin/settings`);
    expect(await billingForm(page).getByLabel('Invoice number prefix').inputValue()).toBe('DEMO');
    expect(await billingForm(page).getByLabel('Cancel the subscription').isChecked()).toBe(true);
    expect(await nextInvoiceNumber()).toBe(`DEMO-${year}-${String(Number(counter) + 1).padStart(6, '0')}`);

    expect(await saveBillingSettings(page, 'acme-fr', 'Leave the subscription past due')).toBe(303);
    expect(await page.getByRole('status').textContent()).toContain('Settings saved.');
    expect(await billingForm(page).getByLabel('Invoice number prefix').inputValue()).toBe('ACME-FR');
    expect(await billingForm(page).getByLabel('Leave the subscription past due').isChecked()).toBe(true);
    // The gapless counter goes on under the new prefix.
    expect(await nextInvoiceNumber()).toBe(`ACME-FR-${year}-${String(Number(counter) + 2).padStart(6, '0')}`);

    // French labels and errors; a forged post without the session's token is refused.
    await page.goto(`${f.url}/admin/settings?locale=fr`);
    expect(await billingForm(page).getByLabel('Préfixe des numéros de facture').inputValue()).toBe('ACME-FR');
    await billingForm(page).getByLabel('Préfixe des numéros de facture').fill('-X');
    await billingForm(page).getByRole('button', { name: 'Enregistrer' }).click();
    expect(await page.locator('#f-invoice_prefix-error').textContent()).toContain('Utilisez de 1 à 20 lettres majuscules');
    const forged = await page.request.post(`${f.url}/admin/settings/billing`, { form: { invoice_prefix: 'EVIL', dunning_policy: 'cancel' } });
    expect(forged.status()).toBe(403);
    await page.goto(`${f.url}/admin/settings?locale=en`);
    expect(await billingForm(page).getByLabel('Invoice number prefix').inputValue()).toBe('ACME-FR');
  });

  it('dunning policy "unpaid" applies after day +7; meanwhile the customer page shows the next retry, and invoices have their PDF', async () => {
    const { page } = await f.signedIn();
    expect(await saveBillingSettings(page, 'DEMO', 'Mark the subscription unpaid')).toBe(303);
    const email = unique('dunning');
    const reference = `DUN-${Date.now()}`;
    const { body: c } = await f.api('POST', '/v1/customers', { reference, email, first_name: 'Dana', last_name: 'Dunning', billing_address: { line1: '1 rue X', postal_code: '75002', city: 'Paris', country: 'FR' } });
    const session = (await f.api('POST', '/v1/checkout_sessions', { offer: 'pro-monthly', customer_reference: reference, success_url: `${f.url}/healthz`, cancel_url: `${f.url}/healthz` })).body;
    const checkout = await f.page(await f.context());
    await checkout.goto(session.url);
    // Saved fine, every later charge declined (CONTRACT's test cards).
    await checkout.getByLabel('Card number').fill('4000 0000 0000 0341');
    await checkout.getByLabel('Expiry').fill(EXPIRY);
    await checkout.getByLabel('CVC').fill('123');
    await checkout.getByRole('button', { name: 'Subscribe' }).click();
    await checkout.waitForURL((u) => u.pathname === '/healthz');
    const [sub] = (await f.api('GET', `/v1/subscriptions?customer=${c.id}`)).body.data;
    expect(sub).toMatchObject({ status: 'trialing' });

    await page.goto(`${f.url}/admin/customers/${c.id}`);
    let text = await upcoming(page);
    expect(text).toContain('Trial of Pro ends');
    expect(text).toContain('Next charge for Pro: €29.00');
    expect(text).toContain(usDay(sub.trial_end));

    await advanceTo(new Date(Date.parse(sub.trial_end) + 60_000).toISOString());
    const [inv] = (await f.api('GET', `/v1/invoices?customer=${c.id}`)).body.data;
    expect(inv).toMatchObject({ status: 'open', attempt_count: 1, total: 2900 });
    await page.goto(`${f.url}/admin/customers/${c.id}`);
    text = await upcoming(page);
    // The first retry: one day after the first failure, which came at the trial end.
    expect(text).toContain(`Payment retry of invoice ${inv.number}: €29.00`);
    expect(text).toContain(usDay(new Date(Date.parse(sub.trial_end) + DAY).toISOString()));
    await screenshot(page, 'admin-customer-upcoming-retry');

    // The PDF from the customer's billing page and from the invoice page.
    await page.goto(`${f.url}/admin/customers/${c.id}/billing`);
    const link = page.getByRole('link', { name: `PDF of invoice ${inv.number}` });
    const pdf = await page.request.get(new URL((await link.getAttribute('href')) ?? '', f.url).toString());
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.goto(`${f.url}/admin/invoices/${inv.id}`);
    const [download] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/admin/invoices/${inv.id}/pdf`)), page.getByRole('link', { name: `PDF of invoice ${inv.number}` }).click()]);
    expect(download.headers()['content-type']).toBe('application/pdf');
    // Signed out, the PDF is not served.
    const anonymous = await fetch(`${f.url}/admin/invoices/${inv.id}/pdf`, { redirect: 'manual' });
    expect(anonymous.headers.get('content-type')).not.toBe('application/pdf');

    await advanceTo(new Date(Date.parse(sub.trial_end) + 8 * DAY).toISOString());
    expect((await f.api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'uncollectible', attempt_count: 5 });
    expect((await f.api('GET', `/v1/subscriptions/${sub.id}`)).body.status).toBe('unpaid');
  });

  it('upcoming activity at a fixed test-clock date: 31 January renews on the last day of February; a pending cancellation replaces it', async () => {
    const now = (await f.api('GET', '/v1/test_clock')).body.now as string;
    let year = new Date(now).getUTCFullYear();
    if (Date.parse(`${year}-01-31T10:00:00Z`) <= Date.parse(now)) year += 1;
    await advanceTo(`${year}-01-31T10:00:00.000Z`);
    const lastOfFebruary = leap(year) ? 29 : 28;

    const { body: c } = await f.api('POST', '/v1/customers', { email: unique('upcoming'), first_name: 'Uma', last_name: 'Upcoming' });
    const s = await f.api('POST', '/v1/subscriptions', { customer: c.id, offer: 'basic-monthly', collection_method: 'send_invoice' });
    expect(s.status).toBe(201);
    expect(s.body.current_period_end.slice(0, 16)).toBe(`${year}-02-${lastOfFebruary}T10:00`);

    const { page } = await f.signedIn();
    await page.goto(`${f.url}/admin/customers/${c.id}`);
    let text = await upcoming(page);
    expect(text).toContain('Next invoice for Basic: €9.00, to be paid by hand');
    expect(text).toContain(`Feb ${lastOfFebruary}, ${year}`);
    expect(text).toContain('10:00 AM UTC');
    await screenshot(page, 'admin-customer-upcoming');

    // Cancel at period end from the back-office: the next invoice gives way to the end.
    await page.goto(`${f.url}/admin/customers/${c.id}/billing`);
    await page.getByRole('button', { name: 'Cancel at period end' }).click();
    await page.waitForURL(/done=1/);
    expect((await f.api('GET', `/v1/subscriptions/${s.body.id}`)).body.cancel_at_period_end).toBe(true);
    await page.goto(`${f.url}/admin/customers/${c.id}`);
    text = await upcoming(page);
    expect(text).toContain('Basic ends');
    expect(text).toContain(`Feb ${lastOfFebruary}, ${year}`);
    expect(text).not.toContain('Next invoice for Basic');

    // French, and a 390 px phone: the billing pages fit without scrolling sideways.
    const phone = (await f.signedIn('fr-FR', { viewport: PHONE })).page;
    await phone.goto(`${f.url}/admin/customers/${c.id}`);
    expect(await upcoming(phone)).toContain('Basic');
    const invoice = s.body.latest_invoice as string;
    for (const [path, name] of [[`customers/${c.id}`, 'customer'], [`customers/${c.id}/billing`, 'billing'], [`invoices/${invoice}`, 'invoice'], ['invoices', 'invoices'], ['settings', 'settings']] as const) {
      const res = await phone.goto(`${f.url}/admin/${path}`);
      expect(res?.status(), path).toBe(200);
      await screenshot(phone, `admin-phone-billing-${name}`);
      expect(await pageWidth(phone), path).toBeLessThanOrEqual(PHONE.width);
    }
    expect(await billingForm(phone).getByLabel('Préfixe des numéros de facture').isVisible()).toBe(true);
  });
});
