import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type Harness, type HarnessFactory } from '../harness/types.ts';

type Client = ReturnType<typeof client>;

/** A valid offer body; tests override one field at a time. */
export const offerBody = (reference: string, extra: Record<string, unknown> = {}) => ({
  reference,
  name: `Plan ${reference}`,
  currency: 'eur',
  recurring: { amount: 900, interval: 'month' },
  ...extra,
});

/** Everything here runs against both runtimes: same routes, same behaviour (CONTRACT "Running it"). */
export function offersSuite(factory: HarnessFactory): void {
  describe('offers and pricing tables', () => {
    let h: Harness;
    let api: Client;

    beforeAll(async () => {
      h = await factory();
      api = client(h, (await h.merchant()).secretKey);
    });
    afterAll(async () => h?.close());

    const fresh = async (): Promise<Client> => client(h, (await h.merchant()).secretKey);

    it('creates an offer with exactly the contract fields and defaults, and finds it by id or reference', async () => {
      const created = await api('POST', '/v1/offers', offerBody('Plan été/2025', { description: 'Summer', features: ['  A  ', 'B'] }));
      expect(created.status).toBe(201);
      expect(Object.keys(created.body)).toEqual([
        'id', 'object', 'reference', 'name', 'description', 'currency', 'amount_upfront', 'recurring', 'trial', 'features', 'translations', 'visible', 'tax_behavior', 'created_at',
      ]);
      expect(created.body).toMatchObject({
        object: 'offer',
        reference: 'Plan été/2025',
        currency: 'EUR',
        amount_upfront: 0,
        recurring: { amount: 900, interval: 'month', interval_count: 1 },
        trial: { days: 0, amount: 0 },
        features: ['A', 'B'],
        visible: true,
        // Prices include VAT unless the merchant says otherwise (TTC, what French consumers are shown).
        tax_behavior: 'inclusive',
      });
      expect(created.body.id).toMatch(/^off_/);
      expect(new Date(created.body.created_at).toISOString()).toBe(created.body.created_at);

      const byId = await api('GET', `/v1/offers/${created.body.id}`);
      expect(byId.status).toBe(200);
      expect(byId.body).toEqual(created.body);
      const byRef = await api('GET', `/v1/offers/${encodeURIComponent('Plan été/2025')}`);
      expect(byRef.body).toEqual(created.body);
      expect((await api('GET', '/v1/offers/off_missing')).status).toBe(404);
    });

    it('lists newest first with limit, starting_after and the visible filter', async () => {
      const a = await fresh();
      for (const ref of ['one', 'two', 'three']) await a('POST', '/v1/offers', offerBody(ref, { visible: ref !== 'two' }));
      const first = await a('GET', '/v1/offers?limit=2');
      expect(first.body.object).toBe('list');
      expect(first.body.data.map((o: { reference: string }) => o.reference)).toEqual(['three', 'two']);
      expect(first.body.has_more).toBe(true);
      const next = await a('GET', `/v1/offers?limit=2&starting_after=${first.body.data[1].id}`);
      expect(next.body.data.map((o: { reference: string }) => o.reference)).toEqual(['one']);
      expect(next.body.has_more).toBe(false);
      expect((await a('GET', '/v1/offers?visible=false')).body.data.map((o: { reference: string }) => o.reference)).toEqual(['two']);
      expect((await a('GET', '/v1/offers?visible=true')).body.data).toHaveLength(2);
      expect((await a('GET', '/v1/offers?visible=maybe')).body.error.param).toBe('visible');
      expect((await a('GET', '/v1/offers?starting_after=off_nope')).body.error.param).toBe('starting_after');
    });

    it('updates by id or reference; recurring and trial are replaced whole; the price can change while unused', async () => {
      const { body: offer } = await api('POST', '/v1/offers', offerBody('patch-me', { trial: { days: 7 }, features: ['x'] }));
      const res = await api('PATCH', '/v1/offers/patch-me', {
        name: 'Renamed',
        description: null,
        visible: false,
        currency: 'usd',
        amount_upfront: 500,
        recurring: { amount: 1000, interval: 'week', interval_count: 2 },
        trial: null,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: offer.id, name: 'Renamed', description: null, visible: false, currency: 'USD', amount_upfront: 500,
        recurring: { amount: 1000, interval: 'week', interval_count: 2 }, trial: { days: 0, amount: 0 }, features: ['x'],
      });
      const renamed = await api('PATCH', `/v1/offers/${offer.id}`, { reference: 'patched' });
      expect(renamed.body.reference).toBe('patched');
      expect((await api('GET', '/v1/offers/patched')).body.id).toBe(offer.id);
      expect((await api('PATCH', '/v1/offers/patch-me', { name: 'x' })).status).toBe(404);
    });

    it('names the field of every invalid offer and writes nothing', async () => {
      const a = await fresh();
      const month = { amount: 900, interval: 'month' };
      const cases: [Record<string, unknown>, string][] = [
        [{ reference: undefined }, 'reference'],
        [{ reference: 'a<b' }, 'reference'],
        [{ reference: 'a&b=c' }, 'reference'],
        [{ reference: 'x'.repeat(51) }, 'reference'],
        [{ name: '' }, 'name'],
        [{ description: 'd'.repeat(501) }, 'description'],
        [{ currency: 'EURO' }, 'currency'],
        [{ currency: 'XYZ' }, 'currency'],
        [{ currency: 978 }, 'currency'],
        [{ amount_upfront: -1 }, 'amount_upfront'],
        [{ amount_upfront: 9.5 }, 'amount_upfront'],
        [{ amount_upfront: 100_000_000 }, 'amount_upfront'],
        [{ recurring: undefined }, 'recurring'],
        [{ recurring: { ...month, amount: '900' } }, 'recurring.amount'],
        [{ recurring: { ...month, interval: 'quarter' } }, 'recurring.interval'],
        [{ recurring: { ...month, interval_count: 0 } }, 'recurring.interval_count'],
        [{ recurring: { ...month, interval: 'day', interval_count: 366 } }, 'recurring.interval_count'],
        [{ recurring: { ...month, interval_count: 37 } }, 'recurring.interval_count'],
        [{ recurring: { ...month, interval: 'year', interval_count: 4 } }, 'recurring.interval_count'],
        [{ recurring: { ...month, every: 2 } }, 'recurring.every'],
        [{ trial: { days: 731 } }, 'trial.days'],
        [{ trial: { days: 0, amount: 100 } }, 'trial.amount'],
        [{ features: 'fast' }, 'features'],
        [{ features: Array.from({ length: 21 }, (_, i) => `f${i}`) }, 'features'],
        [{ features: ['f'.repeat(201)] }, 'features.0'],
        [{ visible: 'yes' }, 'visible'],
        [{ price: 9 }, 'price'],
      ];
      for (const [override, param] of cases) {
        const res = await a('POST', '/v1/offers', offerBody('bad', override));
        expect({ override, status: res.status, param: res.body.error?.param }).toEqual({ override, status: 400, param });
        expect(res.body.error.type).toBe('invalid_request_error');
        expect(res.body.error.message).toBeTruthy();
      }
      expect((await a('POST', '/v1/offers', '{"reference":')).body.error.param).toBe('body');
      // Boundaries that must pass: 3 years and 36 months, 730 trial days.
      expect((await a('POST', '/v1/offers', offerBody('y3', { recurring: { amount: 1, interval: 'year', interval_count: 3 } }))).status).toBe(201);
      expect((await a('POST', '/v1/offers', offerBody('m36', { recurring: { amount: 0, interval: 'month', interval_count: 36 }, trial: { days: 730 } }))).status).toBe(201);
      expect((await a('GET', '/v1/offers')).body.data.map((o: { reference: string }) => o.reference)).toEqual(['m36', 'y3']);

      const { body: offer } = await a('POST', '/v1/offers', offerBody('stays'));
      const bad = await a('PATCH', `/v1/offers/${offer.id}`, { name: 'New name', currency: 'ZZZ' });
      expect([bad.status, bad.body.error.param]).toEqual([400, 'currency']);
      expect((await a('GET', `/v1/offers/${offer.id}`)).body).toEqual(offer);
    });

    it('refuses a reference another offer of the merchant already has (409 naming reference)', async () => {
      const a = await fresh();
      await a('POST', '/v1/offers', offerBody('taken'));
      const { body: other } = await a('POST', '/v1/offers', offerBody('other'));
      const dup = await a('POST', '/v1/offers', offerBody('taken'));
      expect([dup.status, dup.body.error.code, dup.body.error.param]).toEqual([409, 'reference_taken', 'reference']);
      const rename = await a('PATCH', `/v1/offers/${other.id}`, { reference: 'taken' });
      expect([rename.status, rename.body.error.param]).toEqual([409, 'reference']);
      expect((await a('GET', '/v1/offers')).body.data).toHaveLength(2);
    });

    it('replays POST /v1/offers with the same Idempotency-Key and refuses another body', async () => {
      const a = await fresh();
      const headers = { 'Idempotency-Key': 'offer-create-1' };
      const first = await a('POST', '/v1/offers', offerBody('idem'), headers);
      const again = await a('POST', '/v1/offers', offerBody('idem'), headers);
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers.get('Idempotent-Replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      const other = await a('POST', '/v1/offers', offerBody('idem-2'), headers);
      expect([other.status, other.body.error.type]).toEqual([400, 'idempotency_error']);
      expect((await a('GET', '/v1/offers')).body.data).toHaveLength(1);
    });

    it('keeps merchants apart: 404 on another merchant\'s offer or table, same references allowed', async () => {
      const a = await fresh();
      const b = await fresh();
      const { body: offer } = await a('POST', '/v1/offers', offerBody('shared-ref'));
      await a('POST', '/v1/pricing_tables', { reference: 'grid', offers: ['shared-ref'] });
      for (const path of [`/v1/offers/${offer.id}`, '/v1/offers/shared-ref']) {
        expect((await b('GET', path)).status).toBe(404);
        expect((await b('PATCH', path, { name: 'stolen' })).status).toBe(404);
      }
      expect((await b('GET', '/v1/pricing_tables/grid')).status).toBe(404);
      expect((await b('PATCH', '/v1/pricing_tables/grid', { highlighted: null })).status).toBe(404);
      expect((await b('GET', '/v1/offers')).body.data).toEqual([]);
      expect((await b('GET', '/v1/pricing_tables')).body.data).toEqual([]);
      const borrowed = await b('POST', '/v1/pricing_tables', { reference: 'grid', offers: ['shared-ref'] });
      expect([borrowed.status, borrowed.body.error.param]).toEqual([400, 'offers']);
      expect((await b('POST', '/v1/offers', offerBody('shared-ref'))).status).toBe(201);
      expect((await a('GET', `/v1/offers/${offer.id}`)).body.name).toBe('Plan shared-ref');
    });

    it('creates, lists and updates pricing tables, by offer reference', async () => {
      const a = await fresh();
      const ids: Record<string, string> = {};
      for (const ref of ['s', 'm', 'l']) ids[ref] = (await a('POST', '/v1/offers', offerBody(ref))).body.id;
      const created = await a('POST', '/v1/pricing_tables', { reference: 'main', offers: ['l', 's', 'm'], highlighted: 'm' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ object: 'pricing_table', reference: 'main', offers: ['l', 's', 'm'], highlighted: 'm' });
      expect((await a('GET', '/v1/pricing_tables/main')).body).toEqual(created.body);
      await a('POST', '/v1/pricing_tables', { reference: 'side', offers: ['s'] });
      const list = await a('GET', '/v1/pricing_tables?limit=1');
      expect([list.body.data[0].reference, list.body.data[0].highlighted, list.body.has_more]).toEqual(['side', null, true]);
      expect((await a('GET', '/v1/pricing_tables?starting_after=side')).body.data.map((t: { reference: string }) => t.reference)).toEqual(['main']);

      // Hiding or renaming an offer keeps it in the API's view of the table (stored by id).
      await a('PATCH', `/v1/offers/${ids.m}`, { visible: false, reference: 'medium' });
      expect((await a('GET', '/v1/pricing_tables/main')).body).toMatchObject({ offers: ['l', 's', 'medium'], highlighted: 'medium' });

      const patched = await a('PATCH', '/v1/pricing_tables/main', { offers: ['s', 'medium'], highlighted: 's', reference: 'primary' });
      expect(patched.body).toEqual({ object: 'pricing_table', reference: 'primary', offers: ['s', 'medium'], highlighted: 's' });
      expect((await a('GET', '/v1/pricing_tables/main')).status).toBe(404);
      expect((await a('PATCH', '/v1/pricing_tables/primary', { highlighted: null })).body.highlighted).toBeNull();
      const taken = await a('PATCH', '/v1/pricing_tables/primary', { reference: 'side' });
      expect([taken.status, taken.body.error.param]).toEqual([409, 'reference']);
      expect((await a('POST', '/v1/pricing_tables', { reference: 'side', offers: ['s'] })).status).toBe(409);
    });

    it('validates pricing tables, naming offers or highlighted, and writes nothing', async () => {
      const a = await fresh();
      for (const ref of ['a', 'b']) await a('POST', '/v1/offers', offerBody(ref));
      const many = Array.from({ length: 13 }, (_, i) => `o${i}`);
      const cases: [Record<string, unknown>, string][] = [
        [{ offers: ['a', 'ghost'] }, 'offers'],
        [{ offers: [] }, 'offers'],
        [{ offers: ['a', 'a'] }, 'offers'],
        [{ offers: many }, 'offers'],
        [{ offers: 'a' }, 'offers'],
        [{ offers: ['a'], highlighted: 'b' }, 'highlighted'],
        [{ offers: ['a'], highlighted: 'ghost' }, 'highlighted'],
        [{ offers: ['a'], reference: 'x?y' }, 'reference'],
        [{ offers: ['a'], colour: 'red' }, 'colour'],
      ];
      for (const [override, param] of cases) {
        const res = await a('POST', '/v1/pricing_tables', { reference: 't', ...override });
        expect({ override, status: res.status, param: res.body.error?.param }).toEqual({ override, status: 400, param });
      }
      expect((await a('GET', '/v1/pricing_tables')).body.data).toEqual([]);

      await a('POST', '/v1/pricing_tables', { reference: 't', offers: ['a', 'b'], highlighted: 'b' });
      const patches: [Record<string, unknown>, string][] = [
        [{ offers: ['a'] }, 'highlighted'], // would drop the highlighted offer
        [{ highlighted: 'ghost' }, 'highlighted'],
        [{ offers: ['a', 'nope'] }, 'offers'],
      ];
      for (const [patch, param] of patches) {
        const res = await a('PATCH', '/v1/pricing_tables/t', patch);
        expect({ patch, status: res.status, param: res.body.error?.param }).toEqual({ patch, status: 400, param });
      }
      expect((await a('GET', '/v1/pricing_tables/t')).body).toMatchObject({ offers: ['a', 'b'], highlighted: 'b' });
    });

    it('documents the endpoints in the OpenAPI document', async () => {
      const doc = (await h.request('/v1/openapi.json')).json() as Promise<{ paths: Record<string, Record<string, unknown>> }>;
      const { paths } = await doc;
      expect(Object.keys(paths['/v1/offers'] ?? {}).sort()).toEqual(['get', 'post']);
      expect(Object.keys(paths['/v1/offers/{id}'] ?? {}).sort()).toEqual(['get', 'patch']);
      expect(Object.keys(paths['/v1/pricing_tables'] ?? {}).sort()).toEqual(['get', 'post']);
      expect(Object.keys(paths['/v1/pricing_tables/{reference}'] ?? {}).sort()).toEqual(['get', 'patch']);
    });
  });
}
