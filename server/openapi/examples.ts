type Json = unknown;
type JsonSchema = Record<string, unknown>;

/**
 * Request bodies a merchant's developer would really send, keyed by `METHOD /path` (the Hono path).
 * Every one is checked against the endpoint's own validation schema by the tests, so the reference
 * never shows a body the server refuses. Endpoints without an entry get one built from their schema.
 */
export const requestExamples: Readonly<Record<string, Json>> = {
  'POST /v1/customers': {
    reference: 'user_1842',
    email: 'jane.doe@example.com',
    first_name: 'Jane',
    last_name: 'Doe',
    company: 'Doe Consulting',
    language: 'en',
    billing_address: { line1: '12 rue de la Paix', postal_code: '75002', city: 'Paris', country: 'FR' },
    metadata: { crm_id: '8841' },
  },
  'PATCH /v1/customers/:id': { email: 'jane@doe-consulting.example', billing_address: { line1: '3 quai Voltaire', postal_code: '75007', city: 'Paris', country: 'FR' } },
  'PUT /v1/customers/by-reference/:reference': { email: 'jane.doe@example.com', first_name: 'Jane', last_name: 'Doe', language: 'fr' },
  'POST /v1/customers/:id/portal_links': { expires_in: 3600 },
  'POST /v1/offers': {
    reference: 'pro-monthly',
    name: 'Pro',
    description: 'For growing teams',
    currency: 'EUR',
    amount_upfront: 0,
    recurring: { amount: 2900, interval: 'month', interval_count: 1 },
    trial: { days: 14, amount: 0 },
    features: ['Unlimited projects', 'Priority support'],
    visible: true,
  },
  'PATCH /v1/offers/:id': { name: 'Pro (2026)', recurring: { amount: 3200, interval: 'month', interval_count: 1 } },
  'POST /v1/pricing_tables': { reference: 'default', offers: ['starter-monthly', 'pro-monthly'], highlighted: 'pro-monthly' },
  'PATCH /v1/pricing_tables/:reference': { highlighted: 'starter-monthly' },
  'POST /v1/checkout_sessions': {
    offer: 'pro-monthly',
    customer_reference: 'user_1842',
    customer_email: 'jane.doe@example.com',
    success_url: 'https://shop.example/welcome',
    cancel_url: 'https://shop.example/pricing',
    locale: 'en',
  },
  'POST /v1/webhook_endpoints': {
    url: 'https://shop.example/hooks/porte',
    events: ['checkout_session.completed', 'subscription.updated', 'customer.updated'],
    description: 'Shop back end',
  },
};

/** Object name → id prefix, for realistic ids in generated examples. */
const idPrefixes: Record<string, string> = {
  customer: 'cus',
  offer: 'off',
  checkout_session: 'cs',
  subscription: 'sub',
  invoice: 'in',
  webhook_endpoint: 'we',
  webhook_delivery: 'whd',
  pricing_table: 'pt',
};

const byName: Record<string, Json> = {
  email: 'jane.doe@example.com',
  customer_email: 'jane.doe@example.com',
  first_name: 'Jane',
  last_name: 'Doe',
  company: 'Doe Consulting',
  country: 'FR',
  currency: 'EUR',
  city: 'Paris',
  postal_code: '75002',
  line1: '12 rue de la Paix',
  reference: 'user_1842',
  customer_reference: 'user_1842',
  offer: 'pro-monthly',
  customer: 'cus_3kq8vz1m2x',
  subscription: 'sub_7hd2k9w0qa',
  checkout_session: 'cs_5tq0x8c3vn',
  name: 'Pro',
  description: 'For growing teams',
  number: 'DEMO-2026-000042',
};

const isoTime = '2026-01-31T09:00:00.000Z';

/** A realistic string for a field, or undefined when the name says nothing (the caller picks null or the name). */
function stringExample(name: string, schema: JsonSchema, owner: string | undefined): string | undefined {
  if (name === 'id' && owner) return `${idPrefixes[owner] ?? owner}_3kq8vz1m2x`;
  if (name === 'url' && owner === 'checkout_session') return 'https://porte.example.com/checkout/cs_3kq8vz1m2x';
  const known = byName[name];
  if (typeof known === 'string') return known;
  if (schema.format === 'email') return 'jane.doe@example.com';
  if (schema.format === 'uri' || /_url$|^url$/.test(name)) return `https://shop.example/${name.replace(/_url$/, '')}`;
  if (schema.format === 'date-time' || /_at$|_end$|_start$|^now$|^timestamp$|_date$|_attempt$/.test(name)) return isoTime;
  return undefined;
}

/**
 * A plausible value for a JSON Schema. `required` only: for request bodies, the smallest valid
 * body (optional fields are what the reader adds); responses show every field.
 */
export function exampleOf(schema: JsonSchema, options: { requiredOnly: boolean }, name = '', owner?: string): Json {
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const options_ = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (options_) {
    const nonNull = options_.find((o) => o.type !== 'null');
    // A nullable text field the name says nothing about is shown as null rather than as made-up text.
    if (nonNull?.type === 'string' && options_.length > 1 && stringExample(name, nonNull, owner) === undefined) return null;
    return nonNull ? exampleOf(nonNull, options, name, owner) : null;
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      const objectName = (props.object?.const as string | undefined) ?? owner;
      const out: Record<string, Json> = {};
      for (const [key, sub] of Object.entries(props)) {
        if (options.requiredOnly && !required.has(key)) continue;
        out[key] = exampleOf(sub, options, key, objectName);
      }
      return out;
    }
    case 'array': {
      const items = (schema.items ?? {}) as JsonSchema;
      return [exampleOf(items, options, name.replace(/s$/, ''), owner)];
    }
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : 0;
      if (/amount|total|subtotal|tax$|price/.test(name)) return Math.max(min, 2900);
      return Math.max(min, name === 'limit' ? 10 : 1);
    }
    case 'boolean':
      return false;
    case 'string':
      return stringExample(name, schema, owner) ?? (name || 'text');
    default:
      return null;
  }
}
