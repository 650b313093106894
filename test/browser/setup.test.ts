// A real business's first start (issue 10): `PORTE_SEED=0` on an empty database prints a setup
// link; in Chromium the link opens the setup page, which creates the account and signs the owner
// in, in test mode with its banner. axe-clean in en and fr. The CLI is checked beside it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, ensureBuilt, launchBrowser, screenshot, watchPage } from '../harness/browser.ts';
import { type PorteServer, repoRoot, startServer } from '../harness/server.ts';

describe('first-run setup in Chromium', () => {
  let server: PorteServer;
  let browser: Browser;
  beforeAll(async () => {
    ensureBuilt('admin');
    [server, browser] = await Promise.all([startServer({ PORTE_SEED: '0' }), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('token printed → page → account → signed in; the link is then dead', async () => {
    const link = /^Set up your account: (\S+)$/m.exec(server.output())?.[1] ?? '';
    expect(link.startsWith(`${server.url}/admin/setup?token=`)).toBe(true);
    expect(server.output()).not.toContain('Created the demo merchant');

    // French first (showing the page does not spend the token).
    const frContext = await browser.newContext({ locale: 'fr-FR' });
    const fr = await frContext.newPage();
    const frWatch = watchPage(fr);
    await fr.goto(link);
    expect(await fr.getByRole('heading', { level: 1 }).textContent()).toBe('Configurer votre compte');
    await screenshot(fr, 'setup-fr');
    expect(await axeScan(fr), 'setup fr').toEqual([]);
    // Errors beside their fields, in French, still axe-clean.
    await fr.getByRole('button', { name: 'Créer le compte' }).click();
    await fr.locator('#f-password-error').waitFor();
    expect(await axeScan(fr), 'setup errors fr').toEqual([]);
    await frContext.close();

    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const watch = watchPage(page);
    await page.goto(link);
    expect(await axeScan(page), 'setup en').toEqual([]);
    await page.getByLabel('Business name').fill('Atelier Dupont');
    await page.getByLabel('Email', { exact: true }).fill('owner@atelier.example');
    await page.getByLabel('Password').fill('a long enough password');
    await screenshot(page, 'setup-en-filled');
    await page.getByRole('button', { name: 'Create the account' }).click();
    await page.waitForURL(`${server.url}/admin/settings`);
    await expect.poll(() => page.getByText('Signed in as owner@atelier.example').count()).toBe(1);
    // In test mode, said on the page, with the toggle's state exposed to assistive technology.
    await expect.poll(() => page.locator('[data-test-mode]').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Test mode' }).getAttribute('aria-pressed')).toBe('true');
    await screenshot(page, 'setup-done-settings-en');
    expect(await axeScan(page), 'settings in test mode').toEqual([]);

    // Switching to live: the banner goes, live keys appear.
    await page.getByRole('button', { name: 'Test mode' }).click();
    await page.waitForURL(`${server.url}/admin/settings`);
    expect(await page.locator('[data-test-mode]').count()).toBe(0);
    expect(await page.locator('#publishable-key').inputValue()).toMatch(/^porte_pk_live_/);
    await screenshot(page, 'settings-live-en');
    expect(await axeScan(page), 'settings in live').toEqual([]);

    // The link is spent: 404 for anyone, including the same browser.
    const again = await page.goto(link);
    expect(again?.status()).toBe(404);
    expect([...frWatch.errors, ...watch.errors]).toEqual([]);
    await context.close();
  });
});

describe('npm run porte -- account create', () => {
  it('creates an account and prints the owner login and test keys once; refuses a taken email naming --email', async () => {
    const server = await startServer({ PORTE_SEED: '0' });
    try {
      const run = (...args: string[]) =>
        execFileSync(join(repoRoot, 'node_modules/.bin/tsx'), ['server/entry/cli.ts', ...args], {
          cwd: repoRoot,
          env: { ...process.env, PORTE_DB: server.dbFile, PORTE_PUBLIC_URL: server.url },
          stdio: 'pipe',
        }).toString();
      const out = run('account', 'create', '--name', 'Boulangerie Martin', '--email', 'chef@martin.example');
      const [, email, password] = /Owner login:\s+(\S+) \/ (\S+)/.exec(out) ?? [];
      const secret = /Secret key:\s+(porte_sk_test_\S+)/.exec(out)?.[1] ?? '';
      expect(email).toBe('chef@martin.example');
      expect(out).toMatch(/Publishable key:\s+porte_pk_test_[0-9A-Za-z]{32}/);
      // The printed secret key works against the running server, on an empty test environment.
      const res = await fetch(`${server.url}/v1/customers`, { headers: { Authorization: `Bearer ${secret}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: unknown[] }).data).toEqual([]);
      // The printed password signs in.
      const login = await fetch(`${server.url}/admin/login`);
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())?.[1] ?? '';
      const signed = await fetch(`${server.url}/admin/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url },
        body: new URLSearchParams({ _csrf: csrf, email: email ?? '', password: password ?? '', next: '/admin/customers' }).toString(),
      });
      expect(signed.headers.get('location')).toBe('/admin/customers');

      let failure = '';
      try {
        run('account', 'create', '--name', 'Other', '--email', 'chef@martin.example');
      } catch (error) {
        failure = String((error as { stderr?: Buffer }).stderr ?? '');
        expect((error as { status?: number }).status).toBe(2);
      }
      expect(failure).toContain('--email');
    } finally {
      await server.stop();
    }
  }, 120_000);
});
