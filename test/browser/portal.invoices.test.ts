// The portal's invoices in real Chromium against the real Node server: a customer whose card asks for
// 3-D Secure on every charge subscribes, the trial ends (test clock), the renewal waits for them;
// the portal lists the invoice, downloads its PDF, and "Pay" completes it on the hosted invoice
// page. Every expectation is read through the REST API, not from the page's own code.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeScan, screenshot } from '../harness/browser.ts';
import { CARDS, fillCard, useHostedPagesSuite } from '../harness/hosted-pages.ts';

const suite = useHostedPagesSuite('portal');
const { api, newPage } = suite;
const PHONE = { width: 390, height: 844 };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pageWidth = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth);
/** A computed colour as [r, g, b]: which hue dominates is the oracle, not the stylesheet's values. */
const rgb = async (page: Page, selector: string): Promise<number[]> =>
  (await page.locator(selector).first().evaluate((el) => getComputedStyle(el).backgroundColor)).match(/\d+/g)?.slice(0, 3).map(Number) ?? [];

/** The 3-D Secure block reads top to bottom: heading above the buttons, buttons of a normal height. */
async function checkChallengeLayout(page: Page, width: number): Promise<void> {
  const heading = await page.getByRole('heading', { name: 'Your bank asks you to confirm this payment' }).boundingBox();
  const approve = await page.getByRole('button', { name: 'Approve' }).boundingBox();
  const fail = await page.getByRole('button', { name: 'Fail verification' }).boundingBox();
  expect(heading && approve && fail).toBeTruthy();
  if (!heading || !approve || !fail) return;
  expect(approve.height).toBeLessThan(80);
  expect(fail.height).toBeLessThan(80);
  expect(heading.y + heading.height).toBeLessThanOrEqual(approve.y);
  // The heading is not squeezed into a column a few characters wide.
  expect(heading.width).toBeGreaterThan(Math.min(width, 800) * 0.6);
  expect(await pageWidth(page)).toBeLessThanOrEqual(width);
}

describe('portal invoices in Chromium', () => {
  it('lists the invoice, downloads its PDF, and "Pay" completes 3-D Secure on the hosted invoice page', async () => {
    const email = `invoices.${Date.now()}@example.com`;
    const created = await api('POST', '/v1/customers', { email, first_name: 'Ines', last_name: 'Voice', billing_address: { line1: '1 rue X', postal_code: '75002', city: 'Paris', country: 'FR' } });
    const customer = created.body.id as string;
    const session = await api('POST', '/v1/checkout_sessions', { offer: 'pro-monthly', customer_reference: created.body.reference, success_url: `${suite.site.url}/thanks`, cancel_url: `${suite.site.url}/pricing` });
    const checkout = await newPage();
    await checkout.goto(session.body.url);
    await fillCard(checkout, CARDS.challenge);
    await checkout.getByRole('button', { name: 'Subscribe' }).click();
    await checkout.waitForURL(/\/challenge\?/);
    await checkout.getByRole('button', { name: 'Approve' }).click();
    await checkout.waitForURL((u) => u.origin === suite.site.origin && u.pathname === '/thanks');
    const subscription = (await api('GET', `/v1/checkout_sessions/${session.body.id}`)).body.subscription as string;
    const trialEnd = (await api('GET', `/v1/subscriptions/${subscription}`)).body.trial_end as string;
    const advanced = await api('POST', '/v1/test_clock/advance', { to: new Date(Date.parse(trialEnd) + 60_000).toISOString() });
    expect(advanced.status).toBe(200);
    const [inv] = (await api('GET', `/v1/invoices?customer=${customer}`)).body.data;
    expect(inv).toMatchObject({ status: 'open', payment_status: 'requires_action', total: 2900 });

    const link = (await api('POST', `/v1/customers/${customer}/portal_links`, {})).body.url as string;
    const page = await newPage();
    await page.goto(link);
    const row = page.locator(`tr[data-invoice="${inv.id}"]`);
    const d = new Date(inv.finalized_at);
    expect(await row.textContent()).toContain(inv.number);
    expect(await row.textContent()).toContain(`${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`);
    expect(await row.textContent()).toContain('€29.00');
    expect(await row.textContent()).toContain('Due');
    // "Due" is amber (red and green both well above blue), not the green of "Paid".
    const [dr = 0, dg = 0, db = 0] = await rgb(page, `tr[data-invoice="${inv.id}"] .badge`);
    expect(dr).toBeGreaterThan(db + 30);
    expect(dg).toBeGreaterThan(db + 20);
    await screenshot(page, 'portal-invoices');
    expect(await axeScan(page)).toEqual([]);

    // The PDF: a real download, and served as application/pdf through the portal's own link.
    const pdfLink = page.getByRole('link', { name: `PDF of invoice ${inv.number}` });
    const [download] = await Promise.all([page.waitForEvent('download'), pdfLink.click()]);
    const file = await download.path();
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdf = await page.request.get(new URL((await pdfLink.getAttribute('href')) ?? '', link).toString());
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // "Pay": the hosted invoice page asks for the bank's verification; approved, the invoice is paid.
    await page.getByRole('link', { name: `Pay invoice ${inv.number}` }).click();
    await page.waitForURL((u) => u.pathname === new URL(inv.hosted_invoice_url).pathname);
    await checkChallengeLayout(page, page.viewportSize()?.width ?? 1280);
    // The same page on a 390 px phone: nothing wider than the screen, buttons wrap rather than stretch.
    const phoneInvoice = await suite.openIn(await suite.newContext({ viewport: PHONE }));
    await phoneInvoice.goto(inv.hosted_invoice_url);
    await screenshot(phoneInvoice, 'hosted-invoice-3ds-phone');
    await checkChallengeLayout(phoneInvoice, PHONE.width);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Thank you: this invoice is paid.');
    expect((await api('GET', `/v1/invoices/${inv.id}`)).body).toMatchObject({ status: 'paid', amount_paid: 2900 });
    expect((await api('GET', `/v1/subscriptions/${subscription}`)).body.status).toBe('active');
    await page.goto(link);
    expect(await row.textContent()).toContain('Paid');
    const [pr = 0, pg = 0, pb = 0] = await rgb(page, `tr[data-invoice="${inv.id}"] .badge`);
    expect(pg).toBeGreaterThan(pr);
    expect(pg).toBeGreaterThan(pb);
    expect(await page.getByRole('link', { name: `Pay invoice ${inv.number}` }).count()).toBe(0);

    // French, on a 390 px phone: the list fits without scrolling sideways.
    const phone = await suite.openIn(await suite.newContext({ locale: 'fr-FR', viewport: PHONE }));
    await phone.goto(`${link}?locale=fr`);
    expect(await phone.getByRole('heading', { name: 'Factures' }).isVisible()).toBe(true);
    expect(await phone.locator(`tr[data-invoice="${inv.id}"]`).textContent()).toContain('Payée');
    await screenshot(phone, 'portal-invoices-phone-fr');
    expect(await pageWidth(phone)).toBeLessThanOrEqual(PHONE.width);
  }, 120_000);

  it('another customer’s invoice PDF through this customer’s link is refused (404), and no secret key is involved', async () => {
    const a = (await api('POST', '/v1/customers', { email: `a.${Date.now()}@example.com` })).body.id as string;
    const b = (await api('POST', '/v1/customers', { email: `b.${Date.now()}@example.com` })).body.id as string;
    const theirs = await api('POST', '/v1/subscriptions', { customer: b, offer: 'basic-monthly', collection_method: 'send_invoice' });
    expect(theirs.status).toBe(201);
    const link = (await api('POST', `/v1/customers/${a}/portal_links`, {})).body.url as string;
    const page = await newPage();
    const res = await page.goto(`${new URL(link).origin}${new URL(link).pathname}/invoices/${theirs.body.latest_invoice}/pdf`);
    expect(res?.status()).toBe(404);
    expect(res?.headers()['content-type']).toContain('text/html');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Invoice not found');
  });
});
