// First-run setup (issue 10) on both runtimes: `/admin/setup?token=…` exists only with the right
// token and only while no account exists; it creates the account and its owner and signs them in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../harness/agent.ts';
import type { Harness, HarnessFactory } from '../harness/types.ts';

export function setupSuite(factory: HarnessFactory): void {
  describe('first-run setup', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await factory();
    }, 120_000);
    afterAll(() => h?.close());

    it('404 without or with a wrong token; creates the account with a good one, once; then 404', async () => {
      const token = (await h.setupToken?.()) ?? '';
      const visitor = new Agent(h);
      expect((await visitor.send('/admin/setup')).status).toBe(404);
      expect((await visitor.send(`/admin/setup?token=${'x'.repeat(32)}`)).status).toBe(404);

      const owner = new Agent(h);
      const form = await owner.text(`/admin/setup?token=${token}`);
      expect(form).toContain('Set up your account');
      const _csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1] ?? '';

      // Bad input: said beside each field, nothing created.
      const bad = await owner.send('/admin/setup', { _csrf, token, name: '', email: 'not-an-email', password: 'short' });
      expect(bad.status).toBe(400);
      const badHtml = await bad.text();
      expect(badHtml).toMatch(/id="f-name-error"/);
      expect(badHtml).toMatch(/id="f-email-error"/);
      expect(badHtml).toMatch(/id="f-password-error"/);
      expect((await owner.send(`/admin/setup?token=${token}`)).status).toBe(200);
      // A wrong token in the form: 404 and nothing created.
      expect((await owner.send('/admin/setup', { _csrf, token: 'y'.repeat(32), name: 'Intruder', email: 'intruder@example.com', password: 'a long enough password' })).status).toBe(404);

      const done = await owner.send('/admin/setup', { _csrf, token, name: 'Atelier Dupont', email: 'owner@atelier.example', password: 'a long enough password' });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe('/admin/settings');
      // Signed in at once, in test mode, as the owner of the new business.
      const settings = await owner.text('/admin/settings');
      expect(settings).toContain('Atelier Dupont');
      expect(settings).toContain('Signed in as owner@atelier.example');
      expect(settings).toContain('data-test-mode');
      expect(settings).toMatch(/value="porte_pk_test_[0-9A-Za-z]{32}"/);

      // The token is spent and an account exists: the page is gone, even for the same token.
      expect((await new Agent(h).send(`/admin/setup?token=${token}`)).status).toBe(404);
      const again = await owner.send('/admin/setup', { _csrf, token, name: 'Second', email: 'second@example.com', password: 'a long enough password' });
      expect(again.status).toBe(404);
      // And the new owner can sign in with the password chosen.
      const back = new Agent(h);
      const loginCsrf = await back.token('/admin/login');
      const login = await back.send('/admin/login', { _csrf: loginCsrf, email: 'owner@atelier.example', password: 'a long enough password' });
      expect(login.headers.get('location')).toBe('/admin/customers');
    }, 90_000);
  });
}
