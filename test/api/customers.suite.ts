import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { client, type Harness, type HarnessFactory, type TestMerchant } from '../harness/types.ts';

type Api = ReturnType<typeof client>;
type Reply = Awaited<ReturnType<Api>>;

/** A complete customer as a merchant would send it. */
const fullCustomer = (tag: string) => ({
  reference: `CRM-${tag}`,
  email: `jean.dupont.${tag.toLowerCase()}@example.com`,
  first_name: 'Jean',
  last_name: 'Dupont',
  company: 'Acme Industries',
  language: 'fr',
  billing_address: {
    line1: '12 rue de la Paix',
    line2: 'Bâtiment B',
    postal_code: '75002',
    city: 'Paris',
    region: 'Île-de-France',
    country: 'fr',
    phone: '+33 1 23 45 67 89',
    tax_id: 'FR40303265045',
  },
  auto_billing: true,
  payment_method: { type: 'bank_transfer' },
  metadata: { crm_id: '42', segment: 'smb' },
});

let sequence = 0;
const unique = () => `${Date.now().toString(36)}${(sequence++).toString(36).padStart(3, '0')}`.toUpperCase();

function expectError(res: Reply, status: number, type: string, param?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(res.body.error.type).toBe(type);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.message.length).toBeGreaterThan(0);
  if (param !== undefined) expect(res.body.error.param).toBe(param);
}

const ids = (res: Reply): string[] => res.body.data.map((c: { id: string }) => c.id);

async function search(api: Api, query: string): Promise<string[]> {
  const res = await api('GET', `/v1/customers?limit=100&query=${encodeURIComponent(query)}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return ids(res);
}

/** The customers API as a merchant's developer sees it, identical on every runtime. */
export function customersSuite(factory: HarnessFactory): void {
  describe('customers API', () => {
    let h: Harness;
    let merchant: TestMerchant;
    let api: Api;
    /** A merchant with nothing but what the test creates, for exact list and count assertions. */
    const freshMerchant = async () => {
      const m = await h.merchant();
      return { merchant: m, api: client(h, m.secretKey) };
    };
    const create = async (a: Api, body: Record<string, unknown>) => {
      const res = await a('POST', '/v1/customers', body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as { id: string; reference: string; email: string | null } & Record<string, unknown>;
    };

    beforeAll(async () => {
      h = await factory();
      merchant = await h.merchant();
      api = client(h, merchant.secretKey);
    });
    afterAll(async () => {
      await h?.close();
    });

    describe('create and retrieve', () => {
      test('POST returns 201 with every field echoed and the country upper-cased; GET returns the same', async () => {
        const input = fullCustomer(unique());
        const res = await api('POST', '/v1/customers', input);
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        expect(res.body).toMatchObject({
          object: 'customer',
          reference: input.reference,
          email: input.email,
          first_name: 'Jean',
          last_name: 'Dupont',
          company: 'Acme Industries',
          language: 'fr',
          billing_address: { ...input.billing_address, country: 'FR' },
          auto_billing: true,
          payment_method: { type: 'bank_transfer' },
          grey_listed: false,
          status: 'active',
          metadata: { crm_id: '42', segment: 'smb' },
        });
        expect(res.body.id).toMatch(/^cus_\w+$/);
        expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
        expect(Math.abs(Date.parse(res.body.created_at) - Date.now())).toBeLessThan(60_000);

        const got = await api('GET', `/v1/customers/${res.body.id}`);
        expect(got.status).toBe(200);
        expect(got.body).toEqual(res.body);
      });

      test('a reference is generated when absent, unique, and defaults are sensible', async () => {
        const first = await create(api, { email: `noref.${unique()}@example.com` });
        const second = await create(api, {});
        for (const c of [first, second]) {
          expect(typeof c.reference).toBe('string');
          expect(c.reference.length).toBeGreaterThan(0);
          expect(c.reference.length).toBeLessThanOrEqual(50);
          expect(c.reference).not.toMatch(/[<>;"=?&]/);
        }
        expect(first.reference).not.toBe(second.reference);
        expect(second).toMatchObject({
          email: null,
          first_name: null,
          language: 'en',
          billing_address: null,
          auto_billing: false,
          payment_method: { type: 'none' },
          grey_listed: false,
          status: 'active',
          metadata: {},
        });
        // The generated reference is a real one: the customer can be found and upserted by it.
        expect(await search(api, first.reference)).toEqual([first.id]);
        const upsert = await api('PUT', `/v1/customers/by-reference/${encodeURIComponent(first.reference)}`, { first_name: 'Found' });
        expect(upsert.status).toBe(200);
        expect(upsert.body.id).toBe(first.id);
      });

      test('GET an unknown id is a 404 not_found', async () => {
        expectError(await api('GET', '/v1/customers/cus_doesnotexist000000'), 404, 'not_found');
      });

      test('a reference already used by another customer is refused with 409 naming `reference`', async () => {
        const reference = `DUP-${unique()}`;
        const original = await create(api, { reference, email: 'first@example.com' });

        const again = await api('POST', '/v1/customers', { reference, email: 'second@example.com' });
        expectError(again, 409, 'invalid_request_error', 'reference');

        const other = await create(api, { email: 'third@example.com' });
        const patched = await api('PATCH', `/v1/customers/${other.id}`, { reference, first_name: 'Nope' });
        expectError(patched, 409, 'invalid_request_error', 'reference');

        // Neither request left anything behind.
        expect(await search(api, reference)).toEqual([original.id]);
        const otherNow = await api('GET', `/v1/customers/${other.id}`);
        expect(otherNow.body).toEqual(other);
      });
    });

    describe('list and search', () => {
      test('lists newest first and pages with limit / starting_after / has_more', async () => {
        const { api: fresh } = await freshMerchant();
        const created: string[] = [];
        for (let i = 1; i <= 5; i++) created.push((await create(fresh, { reference: `PAGE-${i}` })).id);
        const newestFirst = [...created].reverse();

        const all = await fresh('GET', '/v1/customers');
        expect(all.status).toBe(200);
        expect(all.body.object).toBe('list');
        expect(ids(all)).toEqual(newestFirst);
        expect(all.body.has_more).toBe(false);

        const page1 = await fresh('GET', '/v1/customers?limit=2');
        expect(ids(page1)).toEqual(newestFirst.slice(0, 2));
        expect(page1.body.has_more).toBe(true);

        const page2 = await fresh('GET', `/v1/customers?limit=2&starting_after=${ids(page1)[1]}`);
        expect(ids(page2)).toEqual(newestFirst.slice(2, 4));
        expect(page2.body.has_more).toBe(true);

        const page3 = await fresh('GET', `/v1/customers?limit=2&starting_after=${ids(page2)[1]}`);
        expect(ids(page3)).toEqual(newestFirst.slice(4));
        expect(page3.body.has_more).toBe(false);

        const exact = await fresh('GET', '/v1/customers?limit=5');
        expect(ids(exact)).toEqual(newestFirst);
        expect(exact.body.has_more).toBe(false);
      });

      test('limit outside 1..100 and unknown starting_after are refused, naming the parameter', async () => {
        for (const limit of ['0', '101', 'abc', '-1']) {
          expectError(await api('GET', `/v1/customers?limit=${limit}`), 400, 'invalid_request_error', 'limit');
        }
        expectError(await api('GET', '/v1/customers?starting_after=cus_doesnotexist000000'), 404, 'not_found', 'starting_after');
      });

      test('?query= finds by email, first name, last name, company and reference, as you type', async () => {
        const { api: fresh } = await freshMerchant();
        const jean = await create(fresh, {
          reference: 'ERP-1001',
          email: 'jean.dupont@example.com',
          first_name: 'Jean',
          last_name: 'Dupont',
          company: 'Acme Industries',
        });
        const marie = await create(fresh, {
          reference: 'ERP-2002',
          email: 'mc@labo.example',
          first_name: 'Marie',
          last_name: 'Curie',
          company: 'Radium SARL',
        });
        await create(fresh, { reference: 'OTHER-1', email: 'someone@else.example', first_name: 'Paul' });

        expect(await search(fresh, 'jean.dupont@example.com')).toEqual([jean.id]);
        expect(await search(fresh, 'mc@labo')).toEqual([marie.id]);
        expect(await search(fresh, 'Jea')).toEqual([jean.id]);
        expect(await search(fresh, 'MARIE')).toEqual([marie.id]);
        expect(await search(fresh, 'dupo')).toEqual([jean.id]);
        expect(await search(fresh, 'Curie')).toEqual([marie.id]);
        expect(await search(fresh, 'acme')).toEqual([jean.id]);
        expect(await search(fresh, 'Radium SA')).toEqual([marie.id]);
        expect(await search(fresh, 'ERP-2002')).toEqual([marie.id]);
        expect(await search(fresh, 'ERP-10')).toEqual([jean.id]);
        expect(await search(fresh, 'erp')).toEqual([marie.id, jean.id]);
        expect(await search(fresh, 'jean curie')).toEqual([]);
        expect(await search(fresh, 'nobody')).toEqual([]);

        const limited = await fresh('GET', '/v1/customers?query=erp&limit=1');
        expect(ids(limited)).toEqual([marie.id]);
        expect(limited.body.has_more).toBe(true);
        const next = await fresh('GET', `/v1/customers?query=erp&limit=1&starting_after=${marie.id}`);
        expect(ids(next)).toEqual([jean.id]);
        expect(next.body.has_more).toBe(false);

        // The index follows changes and deletions.
        await fresh('PATCH', `/v1/customers/${jean.id}`, { email: 'j.dupont@newmail.example' });
        expect(await search(fresh, 'jean.dupont@example.com')).toEqual([]);
        expect(await search(fresh, 'newmail')).toEqual([jean.id]);
        expect((await fresh('DELETE', `/v1/customers/${marie.id}`)).status).toBe(200);
        expect(await search(fresh, 'curie')).toEqual([]);
      });

      // The index is filled after the write (by the search loop, or by the search itself): what a
      // merchant changes in between must still be searched by its new words only.
      test('a customer changed or deleted right after its creation is found by its new words only', async () => {
        const { api: fresh } = await freshMerchant();
        const tag = unique().toLowerCase();
        const kept = await fresh('POST', '/v1/customers', { email: `old${tag}@example.com`, last_name: `Keptname${tag}` });
        const gone = await fresh('POST', '/v1/customers', { email: `gone${tag}@example.com`, company: `Vanished${tag}` });
        expect((await fresh('PATCH', `/v1/customers/${kept.body.id}`, { email: `new${tag}@example.com` })).status).toBe(200);
        expect((await fresh('DELETE', `/v1/customers/${gone.body.id}`)).status).toBe(200);
        // On Workers the cron's catch-up may index them before the search does: both orders must hold.
        if (h.scheduled) await h.scheduled();
        expect(await search(fresh, `old${tag}`)).toEqual([]);
        expect(await search(fresh, `new${tag}`)).toEqual([kept.body.id]);
        expect(await search(fresh, `keptname${tag}`)).toEqual([kept.body.id]);
        expect(await search(fresh, `vanished${tag}`)).toEqual([]);
        expect(await search(fresh, `gone${tag}`)).toEqual([]);
        // Changed again once indexed: the index follows.
        await fresh('PATCH', `/v1/customers/${kept.body.id}`, { last_name: `Renamed${tag}` });
        expect(await search(fresh, `keptname${tag}`)).toEqual([]);
        expect(await search(fresh, `renamed${tag}`)).toEqual([kept.body.id]);
      });

      test('a backlog larger than one indexing chunk (an import) is searchable at once, oldest and newest', async () => {
        const run = h.sql;
        if (!run) throw new Error('this harness cannot write rows directly');
        const { merchant: m, api: fresh } = await freshMerchant();
        const tag = unique().toLowerCase();
        const now = new Date().toISOString();
        // 1,234 customers written straight to the table, as a bulk import would, none indexed yet.
        await run(
          `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1234)
           INSERT INTO customers (id, merchant_id, reference, email, last_name, created_at, updated_at)
           SELECT 'cus_bulk' || ? || i, ?, 'BULK-' || ? || '-' || i, 'bulk' || i || '.' || ? || '@example.com', 'Imported' || ?, ?, ? FROM n`,
          [tag, m.id, tag, tag, tag, now, now],
        );
        expect(await search(fresh, `bulk1.${tag}@example.com`)).toEqual([`cus_bulk${tag}1`]);
        expect(await search(fresh, `bulk1234.${tag}`)).toEqual([`cus_bulk${tag}1234`]);
        const all = await fresh('GET', `/v1/customers?limit=100&query=imported${tag}`);
        expect(ids(all)).toHaveLength(100);
        expect(ids(all)[0]).toBe(`cus_bulk${tag}1234`);
        expect(all.body.has_more).toBe(true);
      });
    });

    describe('update', () => {
      test('PATCH changes the given fields, keeps the others, and null clears a field', async () => {
        const input = fullCustomer(unique());
        const original = await create(api, input);

        const res = await api('PATCH', `/v1/customers/${original.id}`, {
          first_name: 'Jeanne',
          billing_address: { line1: 'Rue Neuve 1', city: 'Bruxelles', country: 'be' },
          metadata: { crm_id: '43' },
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body).toEqual({
          ...original,
          first_name: 'Jeanne',
          billing_address: { line1: 'Rue Neuve 1', line2: null, postal_code: null, city: 'Bruxelles', region: null, country: 'BE', phone: null, tax_id: null },
          metadata: { crm_id: '43' },
        });
        expect((await api('GET', `/v1/customers/${original.id}`)).body).toEqual(res.body);

        const cleared = await api('PATCH', `/v1/customers/${original.id}`, { company: null, email: null });
        expect(cleared.status).toBe(200);
        expect(cleared.body.company).toBeNull();
        expect(cleared.body.email).toBeNull();
        expect(cleared.body.first_name).toBe('Jeanne');
        expect((await api('GET', `/v1/customers/${original.id}`)).body).toEqual(cleared.body);
      });

      test('grey_listed: false removes the customer from the grey list', async () => {
        const c = await create(api, { email: `grey.${unique()}@example.com` });
        const listed = await api('PATCH', `/v1/customers/${c.id}`, { grey_listed: true });
        expect(listed.status).toBe(200);
        expect(listed.body.grey_listed).toBe(true);
        expect((await api('GET', `/v1/customers/${c.id}`)).body.grey_listed).toBe(true);

        const removed = await api('PATCH', `/v1/customers/${c.id}`, { grey_listed: false });
        expect(removed.status).toBe(200);
        expect(removed.body.grey_listed).toBe(false);
        expect((await api('GET', `/v1/customers/${c.id}`)).body.grey_listed).toBe(false);
      });

      test('PATCH of an unknown id is a 404', async () => {
        expectError(await api('PATCH', '/v1/customers/cus_doesnotexist000000', { first_name: 'X' }), 404, 'not_found');
      });
    });

    describe('delete', () => {
      test('DELETE removes the customer: then GET, PATCH and DELETE are 404 and it leaves the list', async () => {
        const { api: fresh } = await freshMerchant();
        const keep = await create(fresh, { email: 'keep@example.com' });
        const gone = await create(fresh, { email: 'gone@example.com' });

        const res = await fresh('DELETE', `/v1/customers/${gone.id}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ id: gone.id, object: 'customer', deleted: true });

        expectError(await fresh('GET', `/v1/customers/${gone.id}`), 404, 'not_found');
        expectError(await fresh('PATCH', `/v1/customers/${gone.id}`, { first_name: 'Back' }), 404, 'not_found');
        expectError(await fresh('DELETE', `/v1/customers/${gone.id}`), 404, 'not_found');
        expect(ids(await fresh('GET', '/v1/customers'))).toEqual([keep.id]);
      });
    });

    describe('upsert by reference', () => {
      test('PUT creates (201) then updates (200) the same customer', async () => {
        const reference = `UPS-${unique()}`;
        const path = `/v1/customers/by-reference/${reference}`;
        const created = await api('PUT', path, { email: 'upsert@example.com', billing_address: { country: 'de' } });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        expect(created.body).toMatchObject({ reference, email: 'upsert@example.com', status: 'active' });
        expect(created.body.billing_address.country).toBe('DE');

        const updated = await api('PUT', path, { first_name: 'Ulla' });
        expect(updated.status, JSON.stringify(updated.body)).toBe(200);
        expect(updated.body.id).toBe(created.body.id);
        expect(updated.body).toMatchObject({ reference, email: 'upsert@example.com', first_name: 'Ulla' });
        expect(updated.body.billing_address.country).toBe('DE');

        expect(await search(api, reference)).toEqual([created.body.id]);
        expect((await api('GET', `/v1/customers/${created.body.id}`)).body).toEqual(updated.body);
      });

      test('a reference with URL-special characters round-trips exactly', async () => {
        const reference = `ACME/42 50% é+${unique()}`;
        const path = `/v1/customers/by-reference/${encodeURIComponent(reference)}`;
        const created = await api('PUT', path, { company: 'Percent & Co' });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        expect(created.body.reference).toBe(reference);
        const again = await api('PUT', path, { company: 'Percent Co' });
        expect(again.status).toBe(200);
        expect(again.body.id).toBe(created.body.id);
        expect(again.body.reference).toBe(reference);
      });

      test('a reference in the path that breaks the rules is refused naming `reference`', async () => {
        const tooLong = 'R'.repeat(51);
        for (const bad of ['a<b', 'x;y', 'q"r', 'k=v', 'what?', 'this&that', tooLong]) {
          const res = await api('PUT', `/v1/customers/by-reference/${encodeURIComponent(bad)}`, { first_name: 'Bad' });
          expectError(res, 400, 'invalid_request_error', 'reference');
        }
        expect(await search(api, tooLong)).toEqual([]);
      });
    });

    describe('anonymize and revoke links', () => {
      test('anonymize wipes personal fields, keeps the country, and the customer can no longer be changed', async () => {
        const input = fullCustomer(unique());
        const c = await create(api, input);

        const res = await api('POST', `/v1/customers/${c.id}/anonymize`);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body).toMatchObject({
          id: c.id,
          status: 'anonymized',
          email: null,
          first_name: null,
          last_name: null,
          company: null,
          billing_address: { line1: null, line2: null, postal_code: null, city: null, region: null, country: 'FR', phone: null, tax_id: null },
          payment_method: { type: 'none' },
          metadata: {},
        });
        expect((await api('GET', `/v1/customers/${c.id}`)).body).toEqual(res.body);
        expect(await search(api, input.email)).toEqual([]);
        expect(await search(api, 'Dupont')).not.toContain(c.id);

        const patch = await api('PATCH', `/v1/customers/${c.id}`, { email: 'back@example.com' });
        expectError(patch, 409, 'invalid_request_error');
        const upsert = await api('PUT', `/v1/customers/by-reference/${encodeURIComponent(c.reference)}`, { email: 'back@example.com' });
        expect(upsert.status).toBe(409);
        expect((await api('GET', `/v1/customers/${c.id}`)).body).toEqual(res.body);

        const again = await api('POST', `/v1/customers/${c.id}/anonymize`);
        expect(again.status).toBe(200);
        expect(again.body).toEqual(res.body);
      });

      test('revoke_links answers with the unchanged customer; unknown ids are 404', async () => {
        const c = await create(api, fullCustomer(unique()));
        const res = await api('POST', `/v1/customers/${c.id}/revoke_links`);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body).toEqual(c);
        expectError(await api('POST', '/v1/customers/cus_doesnotexist000000/revoke_links'), 404, 'not_found');
        expectError(await api('POST', '/v1/customers/cus_doesnotexist000000/anonymize'), 404, 'not_found');
        expectError(await api('DELETE', '/v1/customers/cus_doesnotexist000000'), 404, 'not_found');
      });
    });

    describe('authentication and routing', () => {
      const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

      test('no key, a malformed key, an unknown key or a publishable key are all 401', async () => {
        const { merchant: m, api: fresh } = await freshMerchant();
        const cases: Array<Record<string, string>> = [
          {},
          bearer('nope'),
          { Authorization: `Basic ${btoa(`${m.secretKey}:`)}` },
          { Authorization: m.secretKey },
          bearer(`porte_sk_test_${'A'.repeat(32)}`),
          bearer(m.secretKey.replace(/.$/, (ch) => (ch === 'a' ? 'b' : 'a'))),
          bearer(m.publishableKey),
        ];
        for (const headers of cases) {
          for (const [method, path] of [['GET', '/v1/customers'], ['POST', '/v1/customers']] as const) {
            // credentials: 'omit' (what a server-side client does) keeps undici, under Miniflare, from
            // turning a 401 to a POST into "fetch failed: expected non-null body source".
            const res = await h.request(path, {
              method,
              headers: { 'Content-Type': 'application/json', ...headers },
              body: method === 'POST' ? '{"email":"intruder@example.com"}' : undefined,
              credentials: 'omit',
            });
            const body = (await res.json()) as { error: { type: string; message: string } };
            expect(res.status, `${method} with ${JSON.stringify(headers)}`).toBe(401);
            expect(body.error.type).toBe('authentication_error');
          }
        }
        const withPk = await h.request('/v1/customers', { headers: bearer(m.publishableKey) });
        expect(((await withPk.json()) as { error: { message: string } }).error.message).toMatch(/secret key/i);
        // None of the refused POSTs created anything, and the real key still works.
        expect(ids(await fresh('GET', '/v1/customers'))).toEqual([]);
      });

      test('an unknown route is a JSON 404', async () => {
        expectError(await api('GET', '/v1/customer'), 404, 'not_found');
        expectError(await api('POST', '/v1/customers/cus_x/unknown_action'), 404, 'not_found');
        const outside = await h.request('/no/such/page');
        expect(outside.status).toBe(404);
        expect(((await outside.json()) as { error: { type: string } }).error.type).toBe('not_found');
      });
    });

    describe('Idempotency-Key', () => {
      test('same key and body replays the first response with Idempotent-Replayed: true', async () => {
        const { api: fresh } = await freshMerchant();
        const key = `idem-${unique()}`;
        const body = { email: 'replay@example.com', first_name: 'Rex' };
        const first = await fresh('POST', '/v1/customers', body, { 'Idempotency-Key': key });
        expect(first.status).toBe(201);
        expect(first.headers.get('Idempotent-Replayed')).toBeNull();

        const second = await fresh('POST', '/v1/customers', body, { 'Idempotency-Key': key });
        expect(second.status).toBe(201);
        expect(second.headers.get('Idempotent-Replayed')).toBe('true');
        expect(second.body).toEqual(first.body);
        expect(ids(await fresh('GET', '/v1/customers'))).toEqual([first.body.id]);

        // Without the key, the same body is a new customer.
        const third = await fresh('POST', '/v1/customers', body);
        expect(third.status).toBe(201);
        expect(third.body.id).not.toBe(first.body.id);
      });

      test('same key with a different body is a 400 idempotency_error and creates nothing', async () => {
        const { api: fresh } = await freshMerchant();
        const key = `idem-${unique()}`;
        const first = await fresh('POST', '/v1/customers', { email: 'one@example.com' }, { 'Idempotency-Key': key });
        expect(first.status).toBe(201);
        const other = await fresh('POST', '/v1/customers', { email: 'two@example.com' }, { 'Idempotency-Key': key });
        expectError(other, 400, 'idempotency_error');
        expect(ids(await fresh('GET', '/v1/customers'))).toEqual([first.body.id]);
        expect(await search(fresh, 'two@example.com')).toEqual([]);
      });

      test('the same key sent 50 times at once creates exactly one customer', async () => {
        const { api: fresh } = await freshMerchant();
        const key = `idem-${unique()}`;
        const body = { email: 'burst@example.com', reference: `BURST-${unique()}` };
        const replies = await Promise.all(
          Array.from({ length: 50 }, () => fresh('POST', '/v1/customers', body, { 'Idempotency-Key': key })),
        );
        const created = replies.filter((r) => r.status === 201);
        const conflicts = replies.filter((r) => r.status === 409);
        expect(created.length + conflicts.length, JSON.stringify(replies.map((r) => r.status))).toBe(50);
        expect(created.length).toBeGreaterThanOrEqual(1);
        expect(created.filter((r) => r.headers.get('Idempotent-Replayed') !== 'true')).toHaveLength(1);
        const id = created[0]?.body.id as string;
        for (const r of created) expect(r.body.id).toBe(id);
        for (const r of conflicts) expect(r.body.error.type).toBe('idempotency_error');

        const list = await fresh('GET', '/v1/customers?limit=100');
        expect(ids(list)).toEqual([id]);
        expect(await search(fresh, 'burst@example.com')).toEqual([id]);

        // Once settled, a late retry is a plain replay.
        const late = await fresh('POST', '/v1/customers', body, { 'Idempotency-Key': key });
        expect(late.status).toBe(201);
        expect(late.headers.get('Idempotent-Replayed')).toBe('true');
        expect(late.body.id).toBe(id);
      });

      test('keys belong to one merchant: another merchant reusing a key gets its own customer', async () => {
        const a = await freshMerchant();
        const b = await freshMerchant();
        const key = `shared-${unique()}`;
        const body = { email: 'same@example.com' };
        const fromA = await a.api('POST', '/v1/customers', body, { 'Idempotency-Key': key });
        const fromB = await b.api('POST', '/v1/customers', body, { 'Idempotency-Key': key });
        expect(fromA.status).toBe(201);
        expect(fromB.status).toBe(201);
        expect(fromB.headers.get('Idempotent-Replayed')).toBeNull();
        expect(fromB.body.id).not.toBe(fromA.body.id);
        expect(ids(await a.api('GET', '/v1/customers'))).toEqual([fromA.body.id]);
        expect(ids(await b.api('GET', '/v1/customers'))).toEqual([fromB.body.id]);
      });
    });

    describe('merchant isolation', () => {
      // Across accounts, and across the two environments of one account (a live key never reads
      // test data, and back): each environment is as separate as two businesses.
      test.each([
        ['another account', 'test', false],
        ['the live environment of the same account', 'live', true],
      ] as const)("B (%s) can neither see nor touch A's customers", async (_label, mode, sameAccount) => {
        const a = await freshMerchant();
        const bMerchant = await h.merchant({ mode, ...(sameAccount ? { accountOf: a.merchant } : {}) });
        expect(bMerchant.secretKey.startsWith(`porte_sk_${mode}_`)).toBe(true);
        if (sameAccount) expect(bMerchant.accountId).toBe(a.merchant.accountId);
        const b = { merchant: bMerchant, api: client(h, bMerchant.secretKey) };
        const input = fullCustomer(unique());
        const victim = await create(a.api, input);
        await create(b.api, { email: 'b-own@example.com' });

        expectError(await b.api('GET', `/v1/customers/${victim.id}`), 404, 'not_found');
        expectError(await b.api('PATCH', `/v1/customers/${victim.id}`, { email: 'stolen@example.com', grey_listed: true }), 404, 'not_found');
        expectError(await b.api('DELETE', `/v1/customers/${victim.id}`), 404, 'not_found');
        expectError(await b.api('POST', `/v1/customers/${victim.id}/anonymize`), 404, 'not_found');
        expectError(await b.api('POST', `/v1/customers/${victim.id}/revoke_links`), 404, 'not_found');
        expectError(await b.api('GET', `/v1/customers?starting_after=${victim.id}`), 404, 'not_found', 'starting_after');

        const bList = await b.api('GET', '/v1/customers?limit=100');
        expect(bList.body.data.map((c: { email: string }) => c.email)).toEqual(['b-own@example.com']);
        for (const q of [input.email, 'Dupont', 'Jean', 'Acme', input.reference]) {
          expect(await search(b.api, q)).toEqual([]);
        }

        // References are per merchant: B may use A's, and B's upsert never reaches A's customer.
        const bSame = await b.api('PUT', `/v1/customers/by-reference/${encodeURIComponent(input.reference)}`, { first_name: 'Other' });
        expect(bSame.status).toBe(201);
        expect(bSame.body.id).not.toBe(victim.id);

        const now = await a.api('GET', `/v1/customers/${victim.id}`);
        expect(now.status).toBe(200);
        expect(now.body).toEqual(victim);
        expect(ids(await a.api('GET', '/v1/customers'))).toEqual([victim.id]);
      });
    });
  });
}
