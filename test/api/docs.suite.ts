import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type Harness, type HarnessFactory } from '../harness/types.ts';

interface Operation {
  parameters?: { name: string; in: string; schema: Record<string, unknown> }[];
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown>; example: unknown } } };
}
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  webhooks: Record<string, { post: { requestBody: { content: { 'application/json': { schema: { properties: Record<string, Record<string, unknown>> }; example: { type: string; data: unknown } } } } } }>;
}

/** The webhook events CONTRACT.md ("Outgoing webhooks") promises: the oracle for the document. */
const CONTRACT_EVENTS = [
  'customer.created', 'customer.updated', 'customer.deleted', 'customer.anonymized', 'customer.grey_listed',
  'customer.payment_method.updated', 'subscription.created', 'subscription.updated', 'subscription.canceled',
  'subscription.trial_will_end', 'checkout_session.completed', 'invoice.created', 'invoice.finalized', 'invoice.paid',
  'invoice.payment_failed', 'invoice.payment_action_required', 'invoice.voided', 'invoice.marked_uncollectible',
];

/** What a developer reads in the reference, checked against what the server does. Same on both runtimes. */
export function docsSuite(factory: HarnessFactory): void {
  let h: Harness;
  let doc: Doc;
  beforeAll(async () => {
    h = await factory();
    doc = (await (await h.request('/v1/openapi.json')).json()) as Doc;
  });
  afterAll(async () => h?.close());

  describe('the OpenAPI document and /docs', () => {
    it('serves /docs as Scalar loading its bundle from Porte itself, under a nonce CSP, without a key', async () => {
      const res = await h.request('/docs');
      expect(res.status).toBe(200);
      const csp = res.headers.get('Content-Security-Policy') ?? '';
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeTruthy();
      expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|(script|style)-src[^;]*https?:/);
      const html = await res.text();
      expect(html).toContain(`<script src="/assets/scalar-api-reference.js" nonce="${nonce}"></script>`);
      expect(html).toContain('"url": "/v1/openapi.json"');
      // Every script on the page carries the nonce; none comes from another origin.
      for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toContain(`nonce="${nonce}"`);
      expect(doc.openapi).toBe('3.1.0');
    });

    it('types list parameters as what they are: limit an integer 1-100, visible a boolean', async () => {
      const limit = doc.paths['/v1/customers']?.get?.parameters?.find((p) => p.name === 'limit');
      expect(limit).toMatchObject({ in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } });
      expect(limit?.schema).not.toHaveProperty('pattern');
      for (const path of ['/v1/offers', '/v1/pricing_tables', '/v1/subscriptions', '/v1/webhook_endpoints']) {
        expect(doc.paths[path]?.get?.parameters?.find((p) => p.name === 'limit')?.schema.type, path).toBe('integer');
      }
      expect(doc.paths['/v1/offers']?.get?.parameters?.find((p) => p.name === 'visible')?.schema).toEqual({ type: 'boolean' });
      // And the server takes them as documented: ?visible=true filters, ?limit=2 pages.
      const m = await h.merchant();
      const api = client(h, m.secretKey);
      const offer = (reference: string, visible: boolean) =>
        api('POST', '/v1/offers', { reference, name: reference, currency: 'EUR', recurring: { amount: 900, interval: 'month' }, visible });
      for (const [ref, visible] of [['a', true], ['b', false], ['c', true]] as const) expect((await offer(ref, visible)).status).toBe(201);
      expect((await api('GET', '/v1/offers?visible=false')).body.data.map((o: { reference: string }) => o.reference)).toEqual(['b']);
      const page = await api('GET', '/v1/offers?limit=2');
      expect({ count: page.body.data.length, has_more: page.body.has_more }).toEqual({ count: 2, has_more: true });
      for (const bad of ['yes', '1', '']) expect((await api('GET', `/v1/offers?visible=${bad}`)).body.error?.param, bad).toBe('visible');
      for (const bad of ['2.5', '1e1', '-3']) expect((await api('GET', `/v1/offers?limit=${bad}`)).body.error?.param, bad).toBe('limit');
    });

    it("shows request bodies the server accepts: every documented example is a valid body for its endpoint", async () => {
      const m = await h.merchant();
      const api = client(h, m.secretKey);
      const examples = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops).flatMap(([method, op]) => {
          const example = op.requestBody?.content['application/json'].example;
          return example === undefined ? [] : [{ method: method.toUpperCase(), path, example }];
        }),
      );
      // Every body endpoint of the API as it stands here (later endpoints get examples built from
      // their schemas; each should join this list with a written example when it lands).
      const bodies = [
        'POST /v1/customers', 'PATCH /v1/customers/{id}', 'PUT /v1/customers/by-reference/{reference}', 'POST /v1/customers/{id}/portal_links',
        'POST /v1/offers', 'PATCH /v1/offers/{id}', 'POST /v1/pricing_tables', 'PATCH /v1/pricing_tables/{reference}',
        'POST /v1/checkout_sessions', 'POST /v1/webhook_endpoints',
      ];
      expect(examples.map((e) => `${e.method} ${e.path}`)).toEqual(expect.arrayContaining(bodies));
      for (const e of examples) expect(e.example, `${e.method} ${e.path}`).not.toEqual({});
      // Offers first (the checkout session and the pricing table examples name them), then the rest.
      const first = examples.filter((e) => e.path === '/v1/offers' && e.method === 'POST');
      expect((await api('POST', '/v1/offers', first[0]?.example)).status).toBe(201);
      await api('POST', '/v1/offers', { reference: 'starter-monthly', name: 'Starter', currency: 'EUR', recurring: { amount: 900, interval: 'month' } });
      for (const e of examples.filter((x) => !first.includes(x) && bodies.includes(`${x.method} ${x.path}`))) {
        // Path parameters name nothing: a body the schema accepts then meets a 404, a refused one a 400.
        const res = await api(e.method, e.path.replace(/\{[^}]+\}/g, 'doc_example_missing'), e.example);
        const accepted = res.status < 300 || res.status === 404;
        expect(accepted ? 'accepted' : `${res.status} ${JSON.stringify(res.body.error)}`, `${e.method} ${e.path}`).toBe('accepted');
      }
    });

    it("describes every webhook event CONTRACT.md lists, with its envelope and a payload schema", () => {
      expect(Object.keys(doc.webhooks).sort()).toEqual([...CONTRACT_EVENTS].sort());
      for (const [type, hook] of Object.entries(doc.webhooks)) {
        const content = hook.post.requestBody.content['application/json'];
        expect(content.schema.properties.type, type).toEqual({ const: type });
        expect(content.schema.properties.timestamp?.format, type).toBe('date-time');
        expect(content.schema.properties.data?.type, type).toBe('object');
        expect(content.example.type, type).toBe(type);
      }
      const invoice = doc.webhooks['invoice.paid']?.post.requestBody.content['application/json'].schema.properties.data as { properties: Record<string, unknown> };
      expect(Object.keys(invoice.properties)).toEqual(expect.arrayContaining(['number', 'status', 'lines', 'amount_due', 'hosted_invoice_url']));
      const updated = doc.webhooks['customer.updated']?.post.requestBody.content['application/json'].schema.properties.data as { properties: Record<string, unknown> };
      expect(Object.keys(updated.properties).sort()).toEqual(['object', 'previous_attributes']);
    });

    it('serves the widget guide at /docs/widget, linked from the reference', async () => {
      const res = await h.request('/docs/widget');
      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Security-Policy')).toMatch(/script-src 'nonce-/);
      const html = await res.text();
      expect(html).toContain('porte:subscribed');
      expect(JSON.stringify(doc)).toContain('(/docs/widget)');
    });
  });
}
