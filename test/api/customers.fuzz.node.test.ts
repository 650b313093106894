// Property-based bad input against every customers endpoint (Node harness only, to keep CI fast):
// every generated mistake must be a 4xx naming the field, and must write nothing at all.
import fc from 'fast-check';
import countries from 'i18n-iso-countries';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { nodeHarness } from '../harness/node.ts';
import { client } from '../harness/types.ts';

/** ~100 runs per property keeps this file at a few seconds; `FUZZ_RUNS=2000` for a deeper hunt. */
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 100);

/** A bad value for one field, and the `error.param` the merchant must be shown. */
interface Bad {
  field: string;
  value: unknown;
  /** Exact param; or, ending in `.`, that field or any key under it (e.g. `metadata.` for `metadata.plan`). */
  param: string;
}

const paramMatches = (actual: unknown, expected: string): boolean =>
  typeof actual === 'string' &&
  (expected.endsWith('.') ? actual === expected.slice(0, -1) || actual.startsWith(expected) : actual === expected);

// ---------- Generators of genuinely invalid values ----------

const anyJson = fc.jsonValue({ maxDepth: 2 });
const notString = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.array(anyJson, { maxLength: 3 }), fc.dictionary(fc.string(), anyJson, { maxKeys: 3 }));
const notBoolean = fc.oneof(fc.integer(), fc.string(), fc.constantFrom('true', 'false', 0, 1, null), fc.array(anyJson, { maxLength: 3 }), fc.dictionary(fc.string(), anyJson, { maxKeys: 3 }));
/** Arrays included: JSON arrays are not objects, even empty ones. */
const notObject = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant([]), fc.array(anyJson, { minLength: 1, maxLength: 3 }));
const word = fc.stringMatching(/^[a-z]{1,12}$/);
const longLetters = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ'), minLength: min, maxLength: max });
const forbiddenChar = fc.constantFrom(...'<>;"=?&');
const controlChar = fc.constantFrom('\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\n', '\t', '\r');

const badEmail = fc.oneof(
  notString,
  fc.string({ maxLength: 40 }).filter((s) => !s.includes('@')),
  fc.tuple(word, word).map(([a, b]) => `${a}@@${b}.com`),
  word.map((a) => `${a}@`),
  word.map((d) => `@${d}.com`),
  fc.tuple(word, word, word).map(([a, b, d]) => `${a} ${b}@${d}.com`),
  fc.tuple(word, word).map(([a, d]) => `${a}@${d}`),
  fc.tuple(word, word).map(([a, d]) => `${a}@${d}..com`),
  longLetters(250, 300).map((local) => `${local}@example.com`),
);

const badReference = fc.oneof(
  notString,
  fc.constant(null),
  fc.tuple(fc.string({ maxLength: 20 }), forbiddenChar, fc.string({ maxLength: 20 })).map(([a, c, b]) => `${a}${c}${b}`),
  fc.tuple(word, controlChar, word).map(([a, c, b]) => `${a}${c}${b}`),
  longLetters(51, 90),
  fc.stringMatching(/^\s{0,5}$/),
);

const badText = (max: number) => fc.oneof(notString, longLetters(max + 1, max + 40));

const badLanguage = fc.oneof(
  notString,
  fc.constant(null),
  fc.string({ maxLength: 8 }).filter((s) => s !== 'en' && s !== 'fr'),
  fc.constantFrom('EN', 'Fr', ' en', 'fr ', 'de', 'english', 'fr-FR'),
);

const badCountry = fc.oneof(
  notString,
  fc.stringMatching(/^[A-Za-z]{2}$/).filter((code) => !countries.isValid(code.toUpperCase())),
  fc.constantFrom('FRA', 'USA', 'France', 'F', '', '12', 'UK', 'EU', 'F R'),
);

const addressKeys = ['line1', 'line2', 'postal_code', 'city', 'region', 'country', 'phone', 'tax_id'];
const badAddress: fc.Arbitrary<{ value: unknown; param: string }> = fc.oneof(
  notObject.map((value) => ({ value, param: 'billing_address' })),
  badCountry.map((country) => ({ value: { city: 'Paris', country }, param: 'billing_address.country' })),
  fc.tuple(word, word).map(([a, b]) => ({ value: { phone: `+33 ${a} ${b}` }, param: 'billing_address.phone' })),
  badText(200).map((line1) => ({ value: { line1, country: 'FR' }, param: 'billing_address.line1' })),
  longLetters(21, 40).map((postal_code) => ({ value: { postal_code }, param: 'billing_address.postal_code' })),
  fc
    .string({ minLength: 1, maxLength: 15 })
    .filter((k) => !addressKeys.includes(k))
    .map((key) => ({ value: { city: 'Paris', [key]: 'x' }, param: `billing_address.${key}` })),
);

const manualTypes = ['bank_transfer', 'check', 'cash', 'other', 'none'];
const badPaymentMethod: fc.Arbitrary<{ value: unknown; param: string }> = fc.oneof(
  notObject.map((value) => ({ value, param: 'payment_method' })),
  fc
    .oneof(fc.constantFrom('card', 'sepa_debit', 'paypal', 'CASH', ''), fc.string({ maxLength: 12 }), notString)
    .filter((t) => !manualTypes.includes(t as string))
    .map((type) => ({ value: { type }, param: 'payment_method.type' })),
  fc.constant({ value: {}, param: 'payment_method.type' }),
  fc.constant({ value: { type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 1, exp_year: 2030 } }, param: 'payment_method.' }),
  word.filter((k) => k !== 'type').map((key) => ({ value: { type: 'cash', [key]: 'x' }, param: `payment_method.${key}` })),
);

const metadataKey = fc.stringMatching(/^[a-z_][a-z0-9_]{0,19}$/).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));
const badMetadata: fc.Arbitrary<{ value: unknown; param: string }> = fc.oneof(
  notObject.map((value) => ({ value, param: 'metadata' })),
  fc.constant({ value: null, param: 'metadata' }),
  fc.dictionary(metadataKey, fc.string({ maxLength: 10 }), { minKeys: 21, maxKeys: 30 }).map((value) => ({ value, param: 'metadata' })),
  fc.tuple(metadataKey, fc.oneof(notString, fc.constant(null))).map(([key, v]) => ({ value: { ok: 'yes', [key]: v }, param: 'metadata.' })),
  fc.constant({ value: { '': 'empty key' }, param: 'metadata.' }),
  longLetters(41, 60).map((key) => ({ value: { [key]: 'x' }, param: `metadata.${key}` })),
  fc.tuple(metadataKey, longLetters(501, 600)).map(([key, v]) => ({ value: { [key]: v }, param: `metadata.${key}` })),
);

const writableFields = ['email', 'first_name', 'last_name', 'company', 'language', 'billing_address', 'auto_billing', 'payment_method', 'metadata'];
const unknownField = (allowed: readonly string[]) =>
  fc
    .tuple(
      fc.oneof(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.constantFrom('id', 'object', 'status', 'created_at', 'grey_listed', 'reference', 'Email', 'toString', 'constructor', 'hasOwnProperty'),
      ),
      anyJson,
    )
    .filter(([key]) => !allowed.includes(key))
    .map(([field, value]): Bad => ({ field, value, param: field }));

/** One bad field for a body whose schema allows `allowed` (plus `reference` / `grey_listed` when listed). */
function badField(allowed: readonly string[], takenReference?: string): fc.Arbitrary<Bad> {
  const simple = (field: string, arb: fc.Arbitrary<unknown>) => arb.map((value): Bad => ({ field, value, param: field }));
  const nested = (field: string, arb: fc.Arbitrary<{ value: unknown; param: string }>) => arb.map(({ value, param }): Bad => ({ field, value, param }));
  const options: fc.Arbitrary<Bad>[] = [
    simple('email', badEmail),
    simple('first_name', badText(100)),
    simple('last_name', badText(100)),
    simple('company', badText(100)),
    simple('language', badLanguage),
    simple('auto_billing', notBoolean),
    nested('billing_address', badAddress),
    nested('payment_method', badPaymentMethod),
    nested('metadata', badMetadata),
    unknownField(allowed),
  ];
  if (allowed.includes('reference')) options.push(simple('reference', badReference));
  if (takenReference) options.push(fc.constant({ field: 'reference', value: takenReference, param: 'reference' }));
  if (allowed.includes('grey_listed')) options.push(simple('grey_listed', notBoolean));
  return fc.oneof(...options);
}

const createFields = ['reference', ...writableFields];
const updateFields = ['reference', ...writableFields, 'grey_listed'];
const upsertFields = writableFields;

/** Strings that are not a JSON object: broken JSON, or JSON of another type (arrays included). */
const isJsonObject = (text: string): boolean => {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
};
const garbageBody = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
    fc.constantFrom('[]', '[{}]', '{"email":', '{bad}', "{'email':'a@b.co'}", 'null', '"{}"', '{"a":1}}', '\u0000', '{"email":"a@b.co",}'),
    anyJson.map((v) => JSON.stringify(v)),
  )
  .filter((text) => text.trim() !== '' && !isJsonObject(text));

// ---------- The test ----------

describe('customers API under bad input (property-based)', () => {
  let h: Awaited<ReturnType<typeof nodeHarness>>;
  let api: ReturnType<typeof client>;
  let target: { id: string; reference: string };
  let other: { id: string; reference: string };
  let baseline: unknown;

  /** Everything a write could touch: every customer row, the outbox, the activity log, and the API's view. */
  const snapshot = async () => ({
    customers: await h.deps.db.all('SELECT * FROM customers ORDER BY seq'),
    events: await h.deps.db.get('SELECT COUNT(*) AS n FROM events'),
    activity: await h.deps.db.get('SELECT COUNT(*) AS n FROM activity'),
    listed: (await api('GET', '/v1/customers?limit=100')).body,
    target: (await api('GET', `/v1/customers/${target.id}`)).body,
  });

  const expectRejected = async (res: Awaited<ReturnType<typeof api>>, param: string) => {
    const context = JSON.stringify(res.body);
    expect(res.status, context).toBeGreaterThanOrEqual(400);
    expect(res.status, context).toBeLessThan(500);
    expect(['invalid_request_error', 'not_found', 'idempotency_error'], context).toContain(res.body?.error?.type);
    expect(paramMatches(res.body.error.param, param), `param ${JSON.stringify(res.body.error.param)} should name ${param}: ${context}`).toBe(true);
    expect(await snapshot()).toEqual(baseline);
  };

  beforeAll(async () => {
    h = await nodeHarness();
    const merchant = await h.merchant();
    api = client(h, merchant.secretKey);
    const full = {
      email: 'target@example.com',
      first_name: 'Tara',
      last_name: 'Get',
      company: 'Target SA',
      language: 'fr',
      billing_address: { line1: '1 rue Haute', city: 'Lyon', postal_code: '69001', country: 'FR', phone: '+33 4 00 00 00 00' },
      auto_billing: true,
      payment_method: { type: 'check' },
      metadata: { plan: 'gold' },
    };
    target = (await api('POST', '/v1/customers', { reference: 'FUZZ-TARGET', ...full })).body;
    other = (await api('POST', '/v1/customers', { reference: 'FUZZ-OTHER', email: 'other@example.com' })).body;
    expect(target.id).toMatch(/^cus_/);
    expect(other.id).toMatch(/^cus_/);
  });
  // Per test, so a test that does write fails alone rather than every test after it.
  beforeEach(async () => {
    baseline = await snapshot();
  });
  afterAll(async () => {
    await h?.close();
  });

  const validCreate = { email: 'fuzz.valid@example.com', first_name: 'Valid' };
  const validChange = { first_name: 'Changed', metadata: { changed: 'yes' } };

  test('POST /v1/customers', async () => {
    await fc.assert(
      fc.asyncProperty(badField(createFields, 'FUZZ-TARGET'), async ({ field, value, param }) => {
        await expectRejected(await api('POST', '/v1/customers', { ...validCreate, [field]: value }), param);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('PATCH /v1/customers/{id}', async () => {
    await fc.assert(
      fc.asyncProperty(badField(updateFields, 'FUZZ-OTHER'), async ({ field, value, param }) => {
        await expectRejected(await api('PATCH', `/v1/customers/${target.id}`, { ...validChange, [field]: value }), param);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('PUT /v1/customers/by-reference/{reference}: bad body, existing or new reference', async () => {
    await fc.assert(
      fc.asyncProperty(badField(upsertFields), fc.constantFrom('FUZZ-TARGET', 'FUZZ-NEW'), async ({ field, value, param }, reference) => {
        await expectRejected(await api('PUT', `/v1/customers/by-reference/${reference}`, { ...validChange, [field]: value }), param);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('PUT /v1/customers/by-reference/{reference}: bad reference in the path', async () => {
    const badPathReference = fc.oneof(
      fc.tuple(fc.string({ maxLength: 20 }), forbiddenChar, fc.string({ maxLength: 20 })).map(([a, c, b]) => `${a}${c}${b}`),
      fc.tuple(word, controlChar, word).map(([a, c, b]) => `${a}${c}${b}`),
      longLetters(51, 90),
      fc.stringMatching(/^\s{1,5}$/),
    );
    await fc.assert(
      fc.asyncProperty(badPathReference, async (reference) => {
        await expectRejected(await api('PUT', `/v1/customers/by-reference/${encodeURIComponent(reference)}`, validChange), 'reference');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('GET /v1/customers: bad limit, starting_after, query or unknown parameters', async () => {
    const isValidLimit = (s: string) => /^\d{1,3}$/.test(s) && Number(s) >= 1 && Number(s) <= 100;
    const badParam: fc.Arbitrary<{ name: string; value: string; param: string }> = fc.oneof(
      fc
        .oneof(fc.integer({ max: 0 }).map(String), fc.integer({ min: 101 }).map(String), fc.string({ maxLength: 6 }), fc.constantFrom('1.5', ' 5', '5 ', '+5', '1e1', '0x10', '', 'ten'))
        .filter((s) => !isValidLimit(s))
        .map((value) => ({ name: 'limit', value, param: 'limit' })),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }).map((value) => ({ name: 'starting_after', value, param: 'starting_after' })),
      longLetters(201, 260).map((value) => ({ name: 'query', value, param: 'query' })),
      fc
        .tuple(fc.string({ minLength: 1, maxLength: 15 }), fc.string({ maxLength: 10 }))
        .filter(([name]) => !['limit', 'starting_after', 'query'].includes(name))
        .map(([name, value]) => ({ name, value, param: name })),
    );
    await fc.assert(
      fc.asyncProperty(badParam, async ({ name, value, param }) => {
        await expectRejected(await api('GET', `/v1/customers?${encodeURIComponent(name)}=${encodeURIComponent(value)}`), param);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('garbage or non-object JSON bodies on POST, PATCH and PUT', async () => {
    const endpoint = fc.constantFrom(
      ['POST', '/v1/customers'],
      ['PATCH', '/v1/customers/{target}'],
      ['PUT', '/v1/customers/by-reference/FUZZ-TARGET'],
      ['PUT', '/v1/customers/by-reference/FUZZ-NEW'],
    );
    await fc.assert(
      fc.asyncProperty(endpoint, garbageBody, async ([method, path], text) => {
        await expectRejected(await api(method, path.replace('{target}', target.id), text), 'body');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('any search text ≤ 200 characters is a 200 list, never an error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: fc.constantFrom(...'"*^():-+ ANDORNEAR{}[]\\\'%_'), maxLength: 30 })),
        async (query) => {
          const res = await api('GET', `/v1/customers?query=${encodeURIComponent(query)}`);
          expect(res.status, JSON.stringify({ query, body: res.body })).toBe(200);
          expect(res.body.object).toBe('list');
          expect(Array.isArray(res.body.data)).toBe(true);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
