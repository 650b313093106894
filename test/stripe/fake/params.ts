/**
 * Parameter validation as Stripe does it: every endpoint has a closed list of parameters, and an
 * unknown one (a misspelling, a parameter removed by the pinned API version) is refused with
 * 400 `parameter_unknown` before anything executes; so are wrong types and missing required ones.
 *
 * The lists are the top-level parameters of the SDK's pinned API version (stripe@23,
 * `2026-10-28.endive`: see `*CreateParams` in node_modules/stripe/cjs/resources/*.d.ts); nested
 * objects are described only as deep as Porte could plausibly send them, anything else under them
 * is accepted as Stripe's business.
 */
import { asObject, invalid, type Json, type JsonObject, type Reply } from './core.ts';

type Spec =
  | 'string'
  | 'integer'
  | 'boolean'
  | 'metadata'
  | 'strings'
  /** Accepted without looking inside (large option objects Porte never sends). */
  | 'any'
  | { enum: readonly string[] }
  | { object: Record<string, Spec>; required?: readonly string[] };

const obj = (object: Record<string, Spec>, required: readonly string[] = []): Spec => ({ object, required });
const oneOf = (...values: string[]): Spec => ({ enum: values });

const address = obj({ city: 'string', country: 'string', line1: 'string', line2: 'string', postal_code: 'string', state: 'string' });
const billingDetails = obj({ address, email: 'string', name: 'string', phone: 'string', tax_id: 'string' });
const paymentMethodData = obj(
  {
    type: 'string',
    billing_details: billingDetails,
    metadata: 'metadata',
    allow_redisplay: oneOf('always', 'limited', 'unspecified'),
    sepa_debit: obj({ iban: 'string' }, ['iban']),
    card: obj({ token: 'string', number: 'string', exp_month: 'integer', exp_year: 'integer', cvc: 'string' }),
  },
  ['type'],
);
const customerAcceptance = obj(
  {
    type: oneOf('online', 'offline'),
    accepted_at: 'integer',
    online: obj({ ip_address: 'string', user_agent: 'string' }),
    offline: obj({}),
  },
  ['type'],
);
const mandateData = obj({ customer_acceptance: customerAcceptance });
const methodTypes = 'strings';
const offSessionUsage = oneOf('off_session', 'on_session');
const paymentMethodOptions = obj({
  card: obj({ request_three_d_secure: oneOf('any', 'automatic', 'challenge'), setup_future_usage: oneOf('', 'none', 'off_session', 'on_session'), mandate_options: 'any', network: 'string' }),
  sepa_debit: obj({ setup_future_usage: oneOf('', 'none', 'off_session', 'on_session'), mandate_options: 'any', target_date: 'string' }),
});

const setupConfirm: Record<string, Spec> = {
  allowed_payment_method_types: methodTypes,
  confirmation_token: 'string',
  expand: 'strings',
  mandate_data: mandateData,
  payment_method: 'string',
  payment_method_data: paymentMethodData,
  payment_method_options: paymentMethodOptions,
  return_url: 'string',
  use_stripe_sdk: 'boolean',
};
const paymentConfirm: Record<string, Spec> = {
  ...setupConfirm,
  amount_details: 'any',
  amount_to_confirm: 'integer',
  capture_method: oneOf('automatic', 'automatic_async', 'manual'),
  error_on_requires_action: 'boolean',
  excluded_payment_method_types: methodTypes,
  hooks: 'any',
  mandate: 'string',
  off_session: oneOf('true', 'false', 'one_off', 'recurring'),
  payment_details: 'any',
  radar_options: 'any',
  receipt_email: 'string',
  setup_future_usage: oneOf('', 'off_session', 'on_session'),
  shipping: 'any',
};

const ENDPOINTS: Record<string, { params: Record<string, Spec>; required?: readonly string[] }> = {
  'POST /v1/customers': {
    params: {
      ...{ address, balance: 'integer', business_name: 'string', cash_balance: 'any', description: 'string', email: 'string', expand: 'strings' },
      ...{ individual_name: 'string', invoice_prefix: 'string', invoice_settings: 'any', metadata: 'metadata', name: 'string' },
      ...{ next_invoice_sequence: 'integer', payment_method: 'string', phone: 'string', preferred_locales: 'strings', shipping: 'any' },
      ...{ source: 'string', tax: 'any', tax_exempt: oneOf('', 'exempt', 'none', 'reverse'), tax_id_data: 'any', test_clock: 'string', validate: 'boolean' },
    },
  },
  'GET /v1/customers/:id': { params: { expand: 'strings' } },
  'POST /v1/setup_intents': {
    params: {
      ...setupConfirm,
      ...{ attach_to_self: 'boolean', automatic_payment_methods: obj({ enabled: 'boolean', allow_redirects: oneOf('always', 'never') }), confirm: 'boolean' },
      ...{ customer: 'string', customer_account: 'string', description: 'string', excluded_payment_method_types: methodTypes, flow_directions: 'strings' },
      ...{ metadata: 'metadata', on_behalf_of: 'string', payment_method_configuration: 'string', single_use: 'any', usage: offSessionUsage },
    },
  },
  'GET /v1/setup_intents/:id': { params: { client_secret: 'string', expand: 'strings' } },
  'POST /v1/setup_intents/:id/confirm': { params: { ...setupConfirm, client_secret: 'string' } },
  'POST /v1/setup_intents/:id/cancel': { params: { cancellation_reason: oneOf('abandoned', 'duplicate', 'requested_by_customer'), expand: 'strings' } },
  'POST /v1/payment_intents': {
    params: {
      ...paymentConfirm,
      ...{ amount: 'integer', currency: 'string', application_fee_amount: 'integer', confirm: 'boolean', confirmation_method: oneOf('automatic', 'manual') },
      ...{ automatic_payment_methods: obj({ enabled: 'boolean', allow_redirects: oneOf('always', 'never') }), customer: 'string', customer_account: 'string' },
      ...{ description: 'string', metadata: 'metadata', on_behalf_of: 'string', payment_method_configuration: 'string' },
      ...{ statement_descriptor: 'string', statement_descriptor_suffix: 'string', transfer_data: 'any', transfer_group: 'string' },
    },
    required: ['amount', 'currency'],
  },
  'GET /v1/payment_intents': {
    params: { customer: 'string', created: 'any', ending_before: 'string', expand: 'strings', limit: 'integer', starting_after: 'string' },
  },
  'GET /v1/payment_intents/:id': { params: { client_secret: 'string', expand: 'strings' } },
  'POST /v1/payment_intents/:id/confirm': { params: { ...paymentConfirm, client_secret: 'string' } },
  'POST /v1/payment_intents/:id/cancel': {
    params: { cancellation_reason: oneOf('abandoned', 'duplicate', 'fraudulent', 'requested_by_customer'), expand: 'strings' },
  },
  'GET /v1/payment_methods/:id': { params: { expand: 'strings' } },
  'GET /v1/mandates/:id': { params: { expand: 'strings' } },
};

/** The endpoint's pattern (`POST /v1/setup_intents/:id/confirm`) for a concrete path, or null. */
export function endpointOf(method: string, path: string): string | null {
  const pattern = `${method} ${path.replace(/^(\/v1\/[a-z_]+\/)[^/]+/, '$1:id')}`;
  return ENDPOINTS[pattern] ? pattern : null;
}

/** Stripe's answer to the parameters of `endpoint`, or null when they are acceptable. */
export function validate(endpoint: string, params: JsonObject): Reply | null {
  const spec = ENDPOINTS[endpoint]!;
  for (const name of spec.required ?? []) {
    if (params[name] === undefined) return invalid(`Missing required param: ${name}.`, { code: 'parameter_missing', param: name });
  }
  return check(spec.params, params, '');
}

function check(specs: Record<string, Spec>, params: JsonObject, prefix: string): Reply | null {
  for (const [name, value] of Object.entries(params)) {
    const param = prefix ? `${prefix}[${name}]` : name;
    const spec = specs[name];
    if (!spec) {
      return invalid(`Received unknown parameter: ${param}`, { code: 'parameter_unknown', param, doc_url: 'https://stripe.com/docs/error-codes/parameter-unknown' });
    }
    const refused = checkValue(spec, value, param);
    if (refused) return refused;
  }
  return null;
}

function checkValue(spec: Spec, value: Json, param: string): Reply | null {
  if (spec === 'any') return null;
  if (spec === 'string') return typeof value === 'string' ? null : invalid(`Invalid string: ${JSON.stringify(value)}`, { param });
  if (spec === 'integer') {
    return typeof value === 'string' && /^-?\d+$/.test(value)
      ? null
      : invalid(`Invalid integer: ${typeof value === 'string' ? value : JSON.stringify(value)}`, { code: 'parameter_invalid_integer', param });
  }
  if (spec === 'boolean') return value === 'true' || value === 'false' ? null : invalid(`Invalid boolean: ${String(value)}`, { param });
  if (spec === 'strings') {
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? null : invalid(`Invalid array`, { param });
  }
  if (spec === 'metadata') {
    const o = asObject(value);
    if (value === '') return null; // `metadata=` unsets all keys, as on Stripe.
    if (!o || !Object.values(o).every((v) => typeof v === 'string')) return invalid('Invalid metadata: must be a hash of strings', { param });
    if (Object.keys(o).length > 50) return invalid('Invalid metadata: at most 50 keys', { param });
    return null;
  }
  if ('enum' in spec) {
    if (typeof value === 'string' && value === '' && !spec.enum.includes('')) {
      return invalid(`You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset.`, { code: 'parameter_invalid_empty', param });
    }
    return typeof value === 'string' && spec.enum.includes(value)
      ? null
      : invalid(`Invalid ${param}: must be one of ${spec.enum.filter(Boolean).join(', ')}`, { param });
  }
  const o = asObject(value);
  if (!o) return invalid(`Invalid object`, { param });
  const unknown = check(spec.object, o, param);
  if (unknown) return unknown;
  for (const name of spec.required ?? []) {
    if (o[name] === undefined) return invalid(`Missing required param: ${param}[${name}].`, { code: 'parameter_missing', param: `${param}[${name}]` });
  }
  return null;
}
