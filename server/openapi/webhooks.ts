import { EVENT_CATALOGUE } from '../events/catalogue.ts';
import { exampleOf } from './examples.ts';
import { type JsonSchema, schemaOf } from './schema.ts';

const header = (name: string, description: string, example: string): JsonSchema => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string' },
  example,
});

const signatureHeaders = [
  header('webhook-id', 'The event id; a retried delivery keeps it, so use it to ignore duplicates.', 'evt_2b9x4k7q1m'),
  header('webhook-timestamp', 'Unix seconds when this attempt was signed; refuse old ones to stop replays.', '1769850000'),
  header('webhook-signature', 'Space-separated `v1,<base64>` HMAC-SHA256 signatures of `{webhook-id}.{webhook-timestamp}.{body}` with your endpoint secret (whsec_…), per Standard Webhooks.', 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4='),
];

/** OpenAPI 3.1 `webhooks`: one entry per event, each a POST carrying `{type, timestamp, data}`. */
export function webhooksSection(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const [type, event] of Object.entries(EVENT_CATALOGUE)) {
    const data = schemaOf(event.data);
    const schema: JsonSchema = {
      type: 'object',
      required: ['type', 'timestamp', 'data'],
      properties: {
        type: { const: type },
        timestamp: { type: 'string', format: 'date-time', description: 'When the event happened (ISO 8601, UTC).' },
        data,
      },
    };
    out[type] = {
      post: {
        tags: ['Webhook events'],
        summary: type,
        description: `${event.summary}\n\nSent to every webhook endpoint subscribed to \`${type}\` (or \`*\`), at least once: answer 2xx quickly; anything else is retried with backoff for about three days.`,
        operationId: `webhook_${type.replace(/\./g, '_')}`,
        parameters: signatureHeaders,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema,
              example: { type, timestamp: '2026-01-31T09:00:00.000Z', data: exampleOf(data, { requiredOnly: false }) },
            },
          },
        },
        responses: { '2XX': { description: 'Received: the delivery is not retried.' } },
      },
    };
  }
  return out;
}
