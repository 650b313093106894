import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import type { Endpoint } from '../http/api.ts';

type JsonSchema = Record<string, unknown>;

// Transforms and checks (trim, custom checks) have no JSON Schema form: they are left out, not fatal.
const schemaOf = (schema: v.GenericSchema): JsonSchema =>
  toJsonSchema(schema, { errorMode: 'ignore', target: 'openapi-3.0' }) as JsonSchema;

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
      },
    },
  },
};

/** OpenAPI 3.1 built only from the endpoints' valibot schemas. */
export function openApiDocument(endpoints: readonly Endpoint[], serverUrl: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of endpoints) {
    const path = e.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: JsonSchema[] = [...e.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (e.query) {
      const query = schemaOf(e.query);
      const props = (query.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((query.required ?? []) as string[]);
      for (const [name, schema] of Object.entries(props)) parameters.push({ name, in: 'query', required: required.has(name), schema });
    }
    if (e.method === 'post') {
      parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } });
    }
    const operation: Record<string, unknown> = {
      tags: [e.tag],
      summary: e.summary,
      operationId: `${e.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
      parameters,
      security: e.security === 'publishable' ? [] : [{ secretKey: [] }],
      responses: {
        [String(e.status ?? 200)]: {
          description: 'Success',
          content: e.produces ? { [e.produces]: { schema: { type: 'string', format: 'binary' } } } : { 'application/json': { schema: schemaOf(e.response) } },
        },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    if (e.body) operation.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(e.body) } } };
    paths[path] = { ...paths[path], [e.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Porte merchant API',
      version: '1',
      description: 'Customers, offers, pricing tables, checkout sessions, subscriptions and webhook endpoints.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: { secretKey: { type: 'http', scheme: 'bearer', description: 'Your secret key, porte_sk_…' } },
    },
  };
}
