// Webhook endpoints in the back-office settings, in real Chromium against `npm start`'s server with
// its delivery loop (every 200 ms here): an endpoint added through the form receives a customer's
// event at a local receiver, signed with the secret the page showed once; "Resend" sends it again
// with the same webhook-id; deletion stops it. Plus axe-core on the new pages in English and French.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, ensureBuilt, launchBrowser, screenshot } from '../harness/browser.ts';
import { startServer } from '../harness/server.ts';
import { AdminFixture, unique } from './admin.helpers.ts';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A merchant's webhook receiver on 127.0.0.1: records every request and answers 200. */
async function startReceiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    at: (path: string) => received.filter((r) => r.path === path),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Polls until `check` gives a value (the delivery loop runs every 200 ms), or fails after `ms`. */
async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const f = new AdminFixture();
let receiver: Awaited<ReturnType<typeof startReceiver>>;

async function scan(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await axeScan(page), name).toEqual([]);
}

/** The endpoint id on its page (the delete form's action). */
const endpointIdOn = async (page: Page): Promise<string> =>
  /\/admin\/settings\/webhooks\/(we_\w+)\/delete$/.exec((await page.locator('#delete-webhook form').getAttribute('action')) ?? '')?.[1] ?? '';

/** Reloads the endpoint's page until the delivery of `eventId` shows `status` after `attempts` attempts. */
async function waitForRow(page: Page, endpointId: string, eventId: string, status: string, attempts: number) {
  const row = page.locator(`tr[data-event="${eventId}"]`);
  await until(`${eventId} ${status} after ${attempts} attempts`, async () => {
    await page.goto(`${f.url}/admin/settings/webhooks/${endpointId}`);
    if ((await row.count()) === 0) return false;
    return (await row.locator('.badge').textContent()) === status && (await row.locator('.attempts').textContent()) === String(attempts);
  });
  return row;
}

describe('back-office webhook endpoints in Chromium', () => {
  beforeAll(async () => {
    ensureBuilt('admin');
    [f.server, f.browser, receiver] = await Promise.all([startServer({ PORTE_WEBHOOK_INTERVAL_MS: '200' }), launchBrowser(), startReceiver()]);
    f.secretKey = f.server.secretKey;
  });
  afterAll(async () => {
    await f.stop();
    await receiver?.close();
  });
  afterEach(() => f.check());

  it('adds an endpoint, shows its secret once, delivers a customer event, resends it with the same webhook-id, deletes the endpoint', async () => {
    const { page } = await f.signedIn();
    await page.goto(`${f.url}/admin/settings`);
    await page.getByRole('link', { name: 'Add an endpoint' }).click();
    await page.waitForURL(`${f.url}/admin/settings/webhooks/new`);

    // Errors beside the fields; what was typed stays.
    const url = page.getByLabel('Endpoint URL');
    await url.fill('not a url');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await page.locator('#f-url-error').textContent()).toBe('Enter a full http(s) address, such as https://shop.example/porte-webhooks.');
    expect(await page.locator('#f-events-error').textContent()).toBe('Choose at least one event, or all events.');
    expect(await url.inputValue()).toBe('not a url');
    expect(await url.getAttribute('aria-invalid')).toBe('true');

    // "All events" hides the single choices (CSS only); a single choice then.
    await page.getByLabel(/^All events/).check();
    expect(await page.getByLabel(/^Customer created/).isVisible()).toBe(false);
    await page.getByLabel(/^All events/).uncheck();
    await page.getByLabel(/^Customer created/).check();
    await url.fill(`${receiver.url}/flow`);
    await page.getByRole('button', { name: 'Save' }).click();

    // The signing secret, once.
    const secret = await page.locator('#webhook-secret').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    await screenshot(page, 'admin-webhook-secret');
    expect(await page.locator('#webhook-status').textContent()).toBe('Enabled');
    const id = await endpointIdOn(page);
    expect((await f.api('GET', `/v1/webhook_endpoints/${id}`)).body).toMatchObject({ url: `${receiver.url}/flow`, events: ['customer.created'], status: 'enabled' });
    await page.goto(`${f.url}/admin/settings/webhooks/${id}`);
    expect(await page.locator('#webhook-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    await page.goto(`${f.url}/admin/settings`);
    expect(await page.locator(`tr[data-webhook="${id}"]`).textContent()).toContain('customer.created');
    expect(await page.content()).not.toContain(secret);

    // A customer through the API → the outbox → the receiver, signed with that secret.
    const { body: customer } = await f.api('POST', '/v1/customers', { email: unique('webhook') });
    const first = await until('the first delivery', () => receiver.at('/flow')[0]);
    const headers = first.headers as Record<string, string>;
    expect(new Webhook(secret).verify(first.body, headers)).toMatchObject({ type: 'customer.created', data: { id: customer.id } });
    const webhookId = headers['webhook-id'] ?? '';
    expect(webhookId).toMatch(/^evt_/);

    const row = await waitForRow(page, id, webhookId, 'Delivered', 1);
    expect(await row.locator('td').first().textContent()).toBe(`customer.created${webhookId}`);
    expect(await row.locator('.last-response').textContent()).toBe('HTTP 200');
    expect(await row.textContent()).toMatch(/Delivered .* UTC/);
    await screenshot(page, 'admin-webhook-delivered');

    // Resend: the same event again, same webhook-id, a fresh signature that still verifies.
    await row.getByRole('button', { name: `Resend customer.created ${webhookId}` }).click();
    await page.waitForURL(`${f.url}/admin/settings/webhooks/${id}`);
    expect(await page.getByRole('status').textContent()).toContain(`Delivery of customer.created ${webhookId} queued`);
    const second = await until('the resent delivery', () => receiver.at('/flow')[1]);
    expect(second.headers['webhook-id']).toBe(webhookId);
    expect(new Webhook(secret).verify(second.body, second.headers as Record<string, string>)).toMatchObject({ data: { id: customer.id } });
    await waitForRow(page, id, webhookId, 'Delivered', 2);

    // Deletion, behind its confirmation: gone from the settings and the API; nothing more is sent.
    await page.getByText('Delete this endpoint…').click();
    await page.getByRole('button', { name: 'Delete the endpoint' }).click();
    await page.waitForURL(`${f.url}/admin/settings`);
    expect(await page.getByRole('status').textContent()).toBe(`Webhook endpoint ${receiver.url}/flow deleted.`);
    expect(await page.locator(`tr[data-webhook="${id}"]`).count()).toBe(0);
    expect((await f.api('GET', `/v1/webhook_endpoints/${id}`)).status).toBe(404);
    // "Nothing more" is checked only once the delivery loop has demonstrably handled the event: an
    // endpoint still listening (the witness) has received it, and the next event after it too.
    const { body: witness } = await f.api('POST', '/v1/webhook_endpoints', { url: `${receiver.url}/witness`, events: ['customer.created'] });
    for (const tag of ['after-delete', 'after-delete-next']) {
      const { body: later } = await f.api('POST', '/v1/customers', { email: unique(tag) });
      await until(`the witness receiving ${tag}`, () => receiver.at('/witness').find((r) => r.body.includes(later.id)));
    }
    expect(receiver.at('/flow')).toHaveLength(2);
    expect((await f.api('DELETE', `/v1/webhook_endpoints/${witness.id}`)).status).toBe(200);
  });

  for (const [locale, lang] of [['en-US', 'en'], ['fr-FR', 'fr']] as const) {
    it(`the webhook pages have no serious or critical axe violation (${lang})`, async () => {
      const fr = lang === 'fr';
      const { page } = await f.signedIn(locale);
      await page.goto(`${f.url}/admin/settings/webhooks/new`);
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(fr ? 'Nouveau point de terminaison webhook' : 'New webhook endpoint');
      await scan(page, `admin-webhook-new-${lang}`);
      await page.getByRole('button', { name: fr ? 'Enregistrer' : 'Save' }).click();
      expect(await page.locator('#f-events-error').textContent()).toBe(fr ? 'Choisissez au moins un événement, ou tous les événements.' : 'Choose at least one event, or all events.');
      await scan(page, `admin-webhook-errors-${lang}`);

      await page.getByLabel(fr ? 'URL du point de terminaison' : 'Endpoint URL').fill(`${receiver.url}/axe-${lang}`);
      await page.getByLabel(fr ? /^Tous les événements/ : /^All events/).check();
      await page.getByRole('button', { name: fr ? 'Enregistrer' : 'Save' }).click();
      expect(await page.locator('#webhook-secret').inputValue()).toMatch(/^whsec_/);
      await scan(page, `admin-webhook-created-${lang}`);
      const id = await endpointIdOn(page);

      // A delivered row, and (through the API) an endpoint nobody listens on: pending with an error,
      // then marked failing as after three days of failures, to scan every badge.
      const { body: dead } = await f.api('POST', '/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/nobody', events: ['customer.created'] });
      const { body: customer } = await f.api('POST', '/v1/customers', { email: unique(`axe-webhook-${lang}`) });
      const eventId = await until('the delivery', () => receiver.at(`/axe-${lang}`).find((r) => r.body.includes(customer.id))?.headers['webhook-id']);
      await waitForRow(page, id, String(eventId), fr ? 'Livré' : 'Delivered', 1);
      await scan(page, `admin-webhook-history-${lang}`);

      const deadRow = await waitForRow(page, dead.id, String(eventId), fr ? 'En attente' : 'Pending', 1);
      expect(await deadRow.locator('.last-response').textContent()).not.toBe('—');
      const db = new Database(f.server.dbFile);
      try {
        db.prepare("UPDATE webhook_endpoints SET status = 'failing' WHERE id = ?").run(dead.id);
        db.prepare("UPDATE webhook_deliveries SET status = 'failed' WHERE endpoint_id = ?").run(dead.id);
      } finally {
        db.close();
      }
      await page.goto(`${f.url}/admin/settings/webhooks/${dead.id}`);
      expect(await page.locator('#webhook-status').textContent()).toBe(fr ? 'En échec' : 'Failing');
      expect(await page.locator(`tr[data-event="${eventId}"] .badge`).textContent()).toBe(fr ? 'Échoué' : 'Failed');
      await scan(page, `admin-webhook-failing-${lang}`);

      await page.goto(`${f.url}/admin/settings`);
      expect(await page.locator(`tr[data-webhook="${dead.id}"] .badge`).textContent()).toBe(fr ? 'En échec' : 'Failing');
      await scan(page, `admin-settings-webhooks-${lang}`);
      await f.api('DELETE', `/v1/webhook_endpoints/${dead.id}`);
      await f.api('DELETE', `/v1/webhook_endpoints/${id}`);
    });
  }
});
