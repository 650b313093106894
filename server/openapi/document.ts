import type { Endpoint } from '../http/api.ts';
import { exampleOf, requestExamples } from './examples.ts';
import { type JsonSchema, schemaOf } from './schema.ts';
import { webhooksSection } from './webhooks.ts';

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['type', 'code', 'message'],
      properties: {
        type: { type: 'string', enum: ['invalid_request_error', 'authentication_error', 'not_found', 'idempotency_error', 'api_error'] },
        code: { type: 'string' },
        message: { type: 'string' },
        param: { type: 'string', description: 'The field to fix.' },
        request_id: { type: 'string', description: 'Quote it when asking for help.' },
      },
    },
  },
  example: { error: { type: 'invalid_request_error', code: 'parameter_invalid', message: 'email must be a valid email address.', param: 'email', request_id: 'req_3f9c…' } },
};

const introduction = `Porte's merchant API: customers, offers, pricing tables, checkout sessions, subscriptions and webhook endpoints.

**Authentication.** Send your secret key as \`Authorization: Bearer porte_sk_test_…\` (test) or \`porte_sk_live_…\` (live): the key decides the environment. Secret keys stay on your server.

**Requests.** JSON bodies; amounts are integers in minor units (\`2900\` = 29,00 €). \`POST\` accepts an \`Idempotency-Key\` header: the same key and body within 24 h replays the first response (\`Idempotent-Replayed: true\`).

**Lists.** \`?limit=1..100&starting_after=<id>\` → \`{"object":"list","data":[…],"has_more":true}\`.

**Errors.** \`{"error":{"type","code","message","param"}}\`; \`param\` names the field to fix.

**Webhooks.** The events Porte sends and their payloads are under *Webhooks* below. Each delivery is signed (Standard Webhooks: \`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature\`); verify it with your endpoint's \`whsec_…\` secret, e.g. with the \`standardwebhooks\` package.

**Embedding.** The pricing-table widget and checkout buttons: [widget guide](/docs/widget). Machine-readable document: [/v1/openapi.json](/v1/openapi.json).`;

/** Hono's `:name` → OpenAPI's `{name}`. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z_]+)/g, '{$1}');

function queryParameters(query: Endpoint['query']): JsonSchema[] {
  if (!query) return [];
  const json = schemaOf(query, 'output');
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

function operationOf(e: Endpoint): JsonSchema {
  const path = openApiPath(e.path);
  const parameters: JsonSchema[] = [...e.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  parameters.push(...queryParameters(e.query));
  if (e.method === 'post') {
    parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, description: 'Retry safely: the same key and body replay the first response for 24 h.', schema: { type: 'string', maxLength: 255 } });
  }
  const response = schemaOf(e.response);
  const operation: JsonSchema = {
    tags: [e.tag],
    summary: e.summary,
    operationId: `${e.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
    parameters,
    security: e.security === 'publishable' ? [] : [{ secretKey: [] }],
    responses: {
      [String(e.status ?? 200)]: {
        description: 'Success',
        content: e.produces
          ? { [e.produces]: { schema: { type: 'string', format: 'binary' } } }
          : { 'application/json': { schema: response, example: exampleOf(response, { requiredOnly: false }) } },
      },
      default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    },
  };
  if (e.body) {
    const body = schemaOf(e.body);
    const key = `${e.method.toUpperCase()} ${e.path}`;
    const minimal = exampleOf(body, { requiredOnly: true });
    // A body whose fields are all optional would show as {}: show its fields instead.
    const empty = typeof minimal === 'object' && minimal !== null && Object.keys(minimal).length === 0;
    const example = key in requestExamples ? requestExamples[key] : empty ? exampleOf(body, { requiredOnly: false }) : minimal;
    operation.requestBody = { required: true, content: { 'application/json': { schema: body, example } } };
  }
  return operation;
}

/**
 * OpenAPI 3.1 built only from the endpoints registered through `Api` (their valibot schemas and
 * summaries) and the webhook event catalogue: a new endpoint or event is documented by existing.
 */
export function openApiDocument(endpoints: readonly Endpoint[], serverUrl: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const tags: string[] = [];
  for (const e of endpoints) {
    const path = openApiPath(e.path);
    paths[path] = { ...paths[path], [e.method]: operationOf(e) };
    if (!tags.includes(e.tag)) tags.push(e.tag);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Porte merchant API', version: '1', description: introduction },
    servers: [{ url: serverUrl }],
    tags: [...tags.map((name) => ({ name })), { name: 'Webhook events', description: 'What Porte POSTs to your webhook endpoints.' }],
    paths,
    webhooks: webhooksSection(),
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: { secretKey: { type: 'http', scheme: 'bearer', description: 'Your secret key, porte_sk_test_… or porte_sk_live_…' } },
    },
  };
}
