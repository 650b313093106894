// The back-office's customer flows in real Chromium against `npm start`'s server, the way the help
// article describes them ("Abonnés" → "+" → "Nouveau client" → cascading form → "Enregistrer"),
// each result checked through the REST API with the secret key.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../harness/browser.ts';
import { AdminFixture, unique } from './admin.helpers.ts';

const f = new AdminFixture();
const EXPIRY = `12/${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0')}`;

describe('back-office customers in Chromium', () => {
  beforeAll(() => f.start());
  afterAll(() => f.stop());
  afterEach(() => f.check());

  it('Subscribers → "+" → "New customer" → every field → "Save": listed, and GET /v1/customers/{id} returns the same data', async () => {
    const { page } = await f.signedIn();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Subscribers');
    await page.locator('.add-menu summary').click();
    await page.getByRole('link', { name: 'New customer' }).click();
    await page.waitForURL(`${f.url}/admin/customers/new`);

    // The cascade: no payment branch until "automatic billing" is answered.
    expect(await page.getByLabel('Bank transfer', { exact: true }).isVisible()).toBe(false);
    const email = unique('ada');
    const reference = `ADA-${Date.now()}`;
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Last name').fill('Lovelace');
    await page.getByLabel('Company').fill('Analytical Engines');
    await page.getByLabel('Customer reference').fill(reference);
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Language of emails and pages').selectOption('fr');
    await page.getByLabel('Address', { exact: true }).fill('12 rue de la Paix');
    await page.getByLabel('Address line 2').fill('3e étage');
    await page.getByLabel('Postal code').fill('75002');
    await page.getByLabel('City').fill('Paris');
    await page.getByLabel('Region or state').fill('Île-de-France');
    await page.getByLabel('Country').selectOption({ label: 'France' });
    await page.getByLabel('Phone').fill('+33 1 23 45 67 89');
    await page.getByLabel('VAT number').fill('FR40303265045');
    await page.getByLabel(/^No — pays by bank transfer/).check();
    expect(await page.getByLabel('Bank transfer', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByText('Show me the link to send after saving').isVisible()).toBe(false);
    await page.getByLabel('Bank transfer', { exact: true }).check();
    await screenshot(page, 'admin-new-customer-filled');
    await page.getByRole('button', { name: 'Save' }).click();

    await page.waitForURL(`${f.url}/admin/customers`);
    expect(await page.getByRole('status').textContent()).toBe('Customer Ada Lovelace created.');
    const row = page.locator('tr', { hasText: reference });
    expect(await row.locator('a').textContent()).toBe('Ada Lovelace');
    expect(await row.textContent()).toContain('Bank transfer');
    // Newest first: the new customer is the first row.
    expect(await page.locator('tbody tr').first().getAttribute('data-customer')).toBe(await row.getAttribute('data-customer'));
    await screenshot(page, 'admin-list-after-create');

    const id = await row.getAttribute('data-customer');
    const customer = (await f.api('GET', `/v1/customers/${id}`)).body;
    expect(customer).toMatchObject({
      id,
      reference,
      email,
      first_name: 'Ada',
      last_name: 'Lovelace',
      company: 'Analytical Engines',
      language: 'fr',
      billing_address: { line1: '12 rue de la Paix', line2: '3e étage', postal_code: '75002', city: 'Paris', region: 'Île-de-France', country: 'FR', phone: '+33 1 23 45 67 89', tax_id: 'FR40303265045' },
      auto_billing: false,
      payment_method: { type: 'bank_transfer' },
      grey_listed: false,
      status: 'active',
    });

    // The search bar finds it by reference, company or name.
    for (const q of [reference, 'Analytical', 'lovel']) {
      await page.getByLabel('Search subscribers').fill(q);
      await page.getByRole('button', { name: 'Search' }).click();
      expect(await page.locator(`tr[data-customer="${id}"]`).count(), q).toBe(1);
    }
  });

  it('automatic billing: the customer gets a portal link to enter a card or SEPA debit, shown once after saving', async () => {
    const { context, page } = await f.signedIn();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: f.url });
    await page.goto(`${f.url}/admin/customers/new`);
    const email = unique('auto');
    await page.getByLabel('First name').fill('Alan');
    await page.getByLabel('Last name').fill('Turing');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel(/^Yes — charged automatically/).check();
    expect(await page.getByLabel('Bank transfer', { exact: true }).isVisible()).toBe(false);
    expect(await page.getByLabel('Show me the link to send after saving').isChecked()).toBe(true);
    await screenshot(page, 'admin-new-customer-automatic');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`${f.url}/admin/customers`);
    expect(await page.getByRole('status').textContent()).toContain('Customer Alan Turing created. Send them this portal link');
    const link = await page.locator('#flash-secret').inputValue();
    expect(link).toMatch(new RegExp(`^${f.url}/portal/\\S+$`));
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Copied' }).count()).toBe(1);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await screenshot(page, 'admin-portal-link-flash');

    // Shown once: a reload no longer shows it.
    await page.reload();
    expect(await page.locator('#flash-secret').count()).toBe(0);
    const [customer] = await f.customers(email);
    expect((await f.api('GET', `/v1/customers/${customer?.id}`)).body).toMatchObject({ auto_billing: true, payment_method: { type: 'none' } });
    expect((await fetch(link)).status).toBe(200);
  });

  it('missing or bad fields: messages beside the fields, everything typed kept, nothing created', async () => {
    const { page } = await f.signedIn();
    const before = (await f.api('GET', '/v1/customers?limit=100')).body.data.length;
    await page.goto(`${f.url}/admin/customers/new`);
    await page.getByLabel('First name').fill('Grace');
    await page.getByLabel('Customer reference').fill('bad<ref');
    await page.getByLabel('Email', { exact: true }).fill('not-an-email');
    await page.getByLabel('City').fill('Arlington');
    await page.getByRole('button', { name: 'Save' }).click();

    expect(await page.getByRole('alert').first().textContent()).toBe('Please correct the highlighted fields.');
    const expected: Record<string, string> = {
      email: 'Enter a valid email address.',
      reference: 'Use at most 50 characters, without < > ; " = ? &.',
      last_name: 'Enter a last name, or a company.',
      line1: 'Required with the rest of the address.',
      postal_code: 'Required with the rest of the address.',
      country: 'Required with the rest of the address.',
      billing: 'Choose whether this customer is billed automatically.',
    };
    for (const [field, text] of Object.entries(expected)) {
      expect(await page.locator(`#f-${field}-error`).textContent(), field).toBe(text);
      // Beside its field: inside the field's own block.
      const box = await page.locator(`.field-${field}`).boundingBox();
      const err = await page.locator(`#f-${field}-error`).boundingBox();
      expect(box && err && err.y >= box.y && err.y + err.height <= box.y + box.height + 1, field).toBe(true);
    }
    const emailField = page.getByLabel('Email', { exact: true });
    expect(await emailField.getAttribute('aria-invalid')).toBe('true');
    expect(await emailField.getAttribute('aria-describedby')).toBe('f-email-error');
    expect(await page.getByLabel('First name').inputValue()).toBe('Grace');
    expect(await page.getByLabel('Customer reference').inputValue()).toBe('bad<ref');
    expect(await emailField.inputValue()).toBe('not-an-email');
    expect(await page.getByLabel('City').inputValue()).toBe('Arlington');
    await screenshot(page, 'admin-new-customer-errors');
    expect((await f.api('GET', '/v1/customers?limit=100')).body.data.length).toBe(before);
    expect(await f.customers('Grace')).toEqual([]);

    // Corrected on the same page, it saves.
    await page.getByLabel('Last name').fill('Hopper');
    await page.getByLabel('Customer reference').fill(`GRACE-${Date.now()}`);
    await emailField.fill(unique('grace'));
    await page.getByLabel('Address', { exact: true }).fill('1 Navy Way');
    await page.getByLabel('Postal code').fill('22202');
    await page.getByLabel('Country').selectOption('US');
    await page.getByLabel(/^No — pays/).check();
    await page.getByLabel('Check', { exact: true }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`${f.url}/admin/customers`);
    expect(await f.customers('Grace')).toHaveLength(1);
  });

  it('a customer named <img src=x onerror=alert(1)> is shown as text in the list and on their page', async () => {
    const email = unique('xss');
    const evil = '<img src=x onerror=alert(1)>';
    const created = await f.api('POST', '/v1/customers', { email, first_name: evil, last_name: 'Evil', company: '<script>alert(2)</script>' });
    expect(created.status).toBe(201);
    const { page } = await f.signedIn();
    await page.goto(`${f.url}/admin/customers?q=${encodeURIComponent(email)}`);
    const row = page.locator(`tr[data-customer="${created.body.id}"]`);
    expect(await row.locator('a').textContent()).toBe(`${evil} Evil`);
    expect(await row.textContent()).toContain('<script>alert(2)</script>');
    expect(await page.locator('main img, main script').count()).toBe(0);
    await row.locator('a').click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`${evil} Evil`);
    expect(await page.locator('main img, main script').count()).toBe(0);
    await screenshot(page, 'admin-xss-customer');
  });

  it('a form posted without its CSRF token is refused with 403 and changes nothing', async () => {
    const { page } = await f.signedIn();
    await page.goto(`${f.url}/admin/customers/new`);
    const email = unique('csrf');
    await page.getByLabel('Last name').fill('Forged');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel(/^No — pays/).check();
    await page.getByLabel('Cash', { exact: true }).check();
    await page.locator('form.customer-form input[name="_csrf"]').evaluate((input) => input.remove());
    const response = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Save' }).click();
    expect((await response).status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This form was refused');
    expect(await f.customers(email)).toEqual([]);
  });

  it('remove from the grey list, revoke links, anonymize, delete — each checked through the API', async () => {
    const email = unique('actions');
    const { body: c } = await f.api('POST', '/v1/customers', { email, first_name: 'Greta', last_name: 'Grey', billing_address: { country: 'SE', city: 'Stockholm' } });
    expect((await f.api('PATCH', `/v1/customers/${c.id}`, { grey_listed: true })).body.grey_listed).toBe(true);
    const { page } = await f.signedIn();
    await page.goto(`${f.url}/admin/customers/${c.id}`);
    expect(await page.locator('main .badge', { hasText: 'Grey-listed' }).count()).toBe(1);
    await screenshot(page, 'admin-customer-page');
    await page.getByRole('button', { name: 'Remove from the grey list' }).click();
    expect(await page.getByRole('status').textContent()).toContain('Removed from the grey list');
    expect((await f.api('GET', `/v1/customers/${c.id}`)).body.grey_listed).toBe(false);

    const link = (await f.api('POST', `/v1/customers/${c.id}/portal_links`, {})).body.url;
    expect((await fetch(link)).status).toBe(200);
    await page.getByRole('button', { name: 'Revoke portal links' }).click();
    expect(await page.getByRole('status').textContent()).toContain('Portal links revoked');
    expect((await fetch(link)).status).toBe(403);
    expect(await page.getByText('Portal links revoked', { exact: true }).count()).toBe(1);

    await page.getByText('Anonymize…').click();
    await page.getByRole('button', { name: 'Anonymize permanently' }).click();
    expect(await page.getByRole('status').textContent()).toContain('Customer anonymized');
    expect((await f.api('GET', `/v1/customers/${c.id}`)).body).toMatchObject({ status: 'anonymized', email: null, first_name: null, billing_address: { country: 'SE', city: null } });

    await page.getByText('Delete…').click();
    await page.getByRole('button', { name: 'Delete permanently' }).click();
    await page.waitForURL(`${f.url}/admin/customers`);
    expect(await page.getByRole('status').textContent()).toContain('deleted');
    expect((await f.api('GET', `/v1/customers/${c.id}`)).status).toBe(404);
  });

  it('delete and anonymize are refused, saying why, while a subscription bought through checkout is active', async () => {
    const reference = `SUB-${Date.now()}`;
    const email = unique('subscribed');
    const { body: c } = await f.api('POST', '/v1/customers', { reference, email, first_name: 'Sam', last_name: 'Subscriber', billing_address: { line1: '1 Main St', postal_code: '10001', city: 'New York', country: 'US' } });
    const session = (await f.api('POST', '/v1/checkout_sessions', { offer: 'basic-monthly', customer_reference: reference, success_url: `${f.url}/healthz`, cancel_url: `${f.url}/healthz` })).body;
    const checkout = await f.page(await f.context());
    await checkout.goto(session.url);
    await checkout.getByLabel('Card number').fill('4242 4242 4242 4242');
    await checkout.getByLabel('Expiry').fill(EXPIRY);
    await checkout.getByLabel('CVC').fill('123');
    await checkout.getByRole('button', { name: 'Subscribe' }).click();
    await checkout.waitForURL((u) => u.pathname === '/healthz');
    expect((await f.api('GET', `/v1/subscriptions?customer=${c.id}`)).body.data).toMatchObject([{ status: 'active' }]);

    const { page } = await f.signedIn();
    await page.goto(`${f.url}/admin/customers/${c.id}`);
    expect(await page.locator('#h-subs + table').textContent()).toContain('Basic');
    expect(await page.locator('section[aria-labelledby="h-upcoming"]').textContent()).toContain('Next charge for Basic: €9.00');
    expect(await page.locator('section[aria-labelledby="h-recent"]').textContent()).toContain('Subscribed to Basic');
    await screenshot(page, 'admin-customer-subscribed');
    await page.getByText('Delete…').click();
    await page.getByRole('button', { name: 'Delete permanently' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('This customer cannot be deleted: they have an active subscription. Cancel it first.');
    await page.getByText('Anonymize…').click();
    await page.getByRole('button', { name: 'Anonymize permanently' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('This customer cannot be anonymized: they have an active subscription. Cancel it first.');
    expect((await f.api('GET', `/v1/customers/${c.id}`)).body).toMatchObject({ status: 'active', email });
  });
});
