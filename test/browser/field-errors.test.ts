// An error shown beside a field after a submission goes as soon as that field changes — message,
// red border and its tie to the field — while the other fields' errors stay until they change too.
// In the back-office (admin.js) and in the hydrated checkout (hosted-pages/fields.tsx), in Chromium.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../harness/browser.ts';
import { AdminFixture, unique } from './admin.helpers.ts';

const f = new AdminFixture();

/** What a person sees of a field's error: the message under it, and whether it is marked invalid. */
const state = async (page: Page, name: string) => ({
  message: (await page.locator(`#f-${name}-error`).count()) > 0,
  invalid: (await page.locator(`#f-${name}`).getAttribute('aria-invalid')) === 'true',
});

describe('old field errors clear as the field changes', () => {
  beforeAll(async () => {
    await f.start();
    ensureBuilt('checkout');
  });
  afterAll(() => f.stop());
  afterEach(() => f.check());

  it('back-office: the new customer form', async () => {
    const { page } = await f.signedIn();
    await page.goto(`${f.url}/admin/customers/new`);
    await page.getByLabel('Email', { exact: true }).fill('not an email');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => state(page, 'email')).toEqual({ message: true, invalid: true });
    expect(await state(page, 'last_name')).toEqual({ message: true, invalid: true });

    // Typing in a field without an error leaves the others; typing in the email clears only its own.
    await page.getByLabel('First name', { exact: true }).pressSequentially('A');
    expect(await state(page, 'email')).toEqual({ message: true, invalid: true });
    await page.getByLabel('Email', { exact: true }).pressSequentially('x');
    await expect.poll(() => state(page, 'email')).toEqual({ message: false, invalid: false });
    expect(await page.locator('#f-email').getAttribute('aria-describedby')).toBeNull();
    expect(await state(page, 'last_name')).toEqual({ message: true, invalid: true });
  });

  it('checkout: the card number', async () => {
    const { body: session } = await f.api('POST', '/v1/checkout_sessions', { offer: 'basic-monthly', success_url: 'http://localhost:3000/ok', cancel_url: 'http://localhost:3000/back' });
    const page = await f.page(await f.context());
    await page.goto(session.url);
    await page.getByLabel('Email', { exact: true }).fill(unique('field-errors'));
    await page.getByLabel('First name', { exact: true }).fill('Ada');
    await page.getByLabel('Last name', { exact: true }).fill('Lovelace');
    await page.getByLabel('Address', { exact: true }).fill('12 rue de la Paix');
    await page.getByLabel('Postal code', { exact: true }).fill('75002');
    await page.getByLabel('City', { exact: true }).fill('Paris');
    await page.getByLabel('Country', { exact: true }).selectOption({ label: 'France' });
    await page.getByLabel('Card number', { exact: true }).fill('1234');
    await page.getByLabel('Expiry', { exact: true }).fill('12/40');
    await page.getByLabel('CVC', { exact: true }).fill('123');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect.poll(() => state(page, 'card_number')).toEqual({ message: true, invalid: true });
    // The page has hydrated (the error came with a full page); a change elsewhere keeps it.
    await page.waitForFunction(() => document.readyState === 'complete');
    await page.getByLabel('City', { exact: true }).pressSequentially('x');
    expect(await state(page, 'card_number')).toEqual({ message: true, invalid: true });
    await page.getByLabel('Card number', { exact: true }).pressSequentially('5');
    await expect.poll(() => state(page, 'card_number')).toEqual({ message: false, invalid: false });
  });
});
