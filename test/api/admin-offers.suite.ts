// Offer translations in the back-office (issue 10), on both runtimes: the offer form's French
// fieldset saves through the offers API's own service, and the pricing-table preview speaks the
// back-office user's language. The API (GET /v1/offers) is the oracle for what was saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type Harness, type HarnessFactory, type TestMerchant } from '../harness/types.ts';
import { Agent, PASSWORD } from './admin.suite.ts';

/** The widget grid rendered in the table page, and nothing else of the page. */
const preview = (html: string) => /<fieldset class="porte-preview"[\s\S]*?<\/fieldset>/.exec(html)?.[0] ?? '';
/** The error paragraph the form puts beside a field (ui.tsx's Field). */
const fieldError = (html: string, field: string) => new RegExp(`<p class="error" id="f-${field}-error">([^<]*)</p>`).exec(html)?.[1];

export function adminOffersSuite(factory: HarnessFactory): void {
  describe('back-office: offer translations', () => {
    let h: Harness;
    let m: TestMerchant;
    let agent: Agent;
    let api: ReturnType<typeof client>;

    beforeAll(async () => {
      h = await factory();
      m = await h.merchant();
      agent = new Agent(h);
      const _csrf = await agent.token('/admin/login');
      expect((await agent.send('/admin/login', { _csrf, email: `${m.slug}@example.com`, password: PASSWORD })).status).toBe(303);
      api = client(h, m.secretKey);
    }, 120_000); // workerd: wrangler migrations + Miniflare start take ~45 s on a loaded 2-core machine
    afterAll(() => h?.close());

    const base = { name: 'Solo plan', currency: 'EUR', recurring_amount: '9,90', interval: 'month', interval_count: '1', amount_upfront: '', trial_days: '0', trial_amount: '', description: 'For one person', features: 'One seat\nEmail support', visible: '1' };

    it('saves a French translation from the form; the API shows it, the edit form gives it back, clearing a field clears it', async () => {
      const form = await (await agent.send('/admin/offers/new')).text();
      expect(form).toContain('<legend>French translation</legend>');
      const _csrf = await agent.token('/admin/offers/new');
      const created = await agent.send('/admin/offers', { _csrf, ...base, reference: 'solo', fr_name: 'Formule solo', fr_description: 'Pour une personne', fr_features: 'Un siège\n\n  Assistance par e-mail  ' });
      expect(created.status).toBe(303);
      const id = /href="\/admin\/offers\/(\w+)\/edit">Solo plan</.exec(await (await agent.send('/admin/offers')).text())?.[1] ?? '';
      expect(id).not.toBe('');
      const saved = await api('GET', `/v1/offers/${id}`);
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({
        name: 'Solo plan',
        description: 'For one person',
        features: ['One seat', 'Email support'],
        translations: { fr: { name: 'Formule solo', description: 'Pour une personne', features: ['Un siège', 'Assistance par e-mail'] } },
      });

      const edit = await (await agent.send(`/admin/offers/${id}/edit`)).text();
      expect(edit).toContain('name="fr_name" type="text" value="Formule solo"');
      expect(edit).toMatch(/<textarea id="f-fr_features"[^>]*>Un siège\nAssistance par e-mail<\/textarea>/);

      // An emptied field falls back to the default text: the API no longer holds it.
      const token = await agent.token(`/admin/offers/${id}/edit`);
      expect((await agent.send(`/admin/offers/${id}`, { _csrf: token, ...base, reference: 'solo', fr_name: 'Formule solo', fr_description: '', fr_features: '' })).status).toBe(303);
      expect((await api('GET', `/v1/offers/${id}`)).body).toMatchObject({ translations: { fr: { name: 'Formule solo' } } });
      expect((await api('GET', `/v1/offers/${id}`)).body.translations.fr).not.toHaveProperty('description');
    });

    it('refuses a French name over 100 characters beside its field and saves nothing', async () => {
      const _csrf = await agent.token('/admin/offers/new');
      const long = 'é'.repeat(101);
      const bad = await agent.send('/admin/offers', { _csrf, ...base, reference: 'too-long', fr_name: long, fr_description: 'Gardée' });
      expect(bad.status).toBe(422);
      const html = await bad.text();
      expect(fieldError(html, 'fr_name')).toBe('This is too long.');
      expect(fieldError(html, 'name')).toBeUndefined();
      expect(html).toContain(`name="fr_description">Gardée</textarea>`); // what was typed is kept
      expect((await api('GET', '/v1/offers/too-long')).status).toBe(404);

      // On edit too: the offer keeps its earlier translation.
      expect((await api('POST', '/v1/offers', { reference: 'kept', name: 'Kept', currency: 'EUR', recurring: { amount: 500, interval: 'month' }, translations: { fr: { name: 'Gardée' } } })).status).toBe(201);
      const offer = (await api('GET', '/v1/offers/kept')).body;
      const token = await agent.token(`/admin/offers/${offer.id}/edit`);
      const refused = await agent.send(`/admin/offers/${offer.id}`, { _csrf: token, ...base, name: 'Kept', reference: 'kept', fr_name: long });
      expect(refused.status).toBe(422);
      expect(fieldError(await refused.text(), 'fr_name')).toBe('This is too long.');
      expect((await api('GET', '/v1/offers/kept')).body).toMatchObject({ name: 'Kept', translations: { fr: { name: 'Gardée' } } });
    });

    it('the pricing-table preview shows translated words in French, the default ones in English and where there is no translation', async () => {
      expect((await api('POST', '/v1/offers', { reference: 'team', name: 'Team plan', description: 'For five people', currency: 'EUR', recurring: { amount: 4900, interval: 'month' }, features: ['Five seats'], translations: { fr: { name: 'Formule équipe', features: ['Cinq sièges'] } } })).status).toBe(201);
      expect((await api('POST', '/v1/offers', { reference: 'plain', name: 'Plain plan', currency: 'EUR', recurring: { amount: 100, interval: 'month' } })).status).toBe(201);
      expect((await api('POST', '/v1/pricing_tables', { reference: 'main', offers: ['team', 'plain'] })).status).toBe(201);

      const fr = preview(await (await agent.send('/admin/pricing-tables/main?locale=fr')).text());
      expect(fr).toContain('Formule équipe');
      expect(fr).toContain('Cinq sièges');
      expect(fr).toContain('For five people'); // no French description: the default one
      expect(fr).toContain('Plain plan');
      expect(fr).not.toContain('Team plan');
      expect(fr).not.toContain('Five seats');

      const en = preview(await (await agent.send('/admin/pricing-tables/main?locale=en')).text());
      expect(en).toContain('Team plan');
      expect(en).toContain('Five seats');
      expect(en).not.toContain('Formule équipe');
    });
  });
}
