/**
 * A local server speaking enough of Stripe's REST protocol for the real `stripe` SDK: form-encoded
 * bodies, Bearer auth (secret key; publishable key + client secret for the browser's confirm),
 * `Idempotency-Key` (the same key replays the first response and never creates a second object; the
 * same key with other parameters is refused, as Stripe does) and Stripe's error shape, plus faults.
 *
 * Test payment methods, as the Payment Element would produce them in the browser:
 *   pm_card_visa / pm_card_mastercard / pm_card_amex → succeeded
 *   pm_card_chargeDeclined / pm_card_visa_chargeDeclined → 402 card_declined
 *   pm_card_authenticationRequired / pm_card_threeDSecure2Required → requires_action (3-D Secure):
 *     follow the redirect URL (`?outcome=fail` refuses) or call `server.authenticate(id, outcome)`
 *   pm_sepa_debit → processing, method attached (mandate pending); needs mandate_data
 *   payment_method_data[type]=sepa_debit + [sepa_debit][iban] → succeeded; needs mandate_data
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type FaultKind = 'http500' | 'timeout';
export type ObjectKind = 'customer' | 'setup_intent' | 'payment_method';
/** Which requests a planned fault hits: a method and an exact path or a pattern. */
export type FaultMatch = { method?: string; path?: string | RegExp };
export type RequestRecord = { method: string; path: string; idempotencyKey: string | null; status: number | 'timeout'; replayed: boolean };

export interface FakeStripeServer {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'http';
  readonly url: string;
  /** Every API request received, in order, with how it was answered. */
  readonly requests: RequestRecord[];
  /**
   * The next `n` matching requests fail. `http500`: refused before any work, like a load-balancer
   * error. `timeout`: the work is done (objects created, idempotent result stored) but the answer
   * never comes, so only the client's timeout ends it: the case where orphans are born.
   */
  failNext(n: number, kind: FaultKind, match?: FaultMatch): void;
  /** A deterministic share of all later requests fails (seeded PRNG); `failRatio(0, …)` stops it. */
  failRatio(ratio: number, kind: FaultKind, seed?: number): void;
  objects(kind: ObjectKind): JsonObject[];
  /** Finish a pending 3-D Secure challenge, as the customer would on the bank's page. */
  authenticate(setupIntentId: string, outcome: 'succeed' | 'fail'): void;
  close(): Promise<void>;
}

type Reply = { status: number; body: JsonObject; headers?: Record<string, string> };
type Behaviour = 'ok' | 'decline' | '3ds' | 'processing';
type TestMethod = { behaviour: Behaviour } & ({ type: 'card'; brand: string; last4: string } | { type: 'sepa_debit'; last4: string; country: string });

const card = (brand: string, last4: string, behaviour: Behaviour): TestMethod => ({ type: 'card', brand, last4, behaviour });
const TEST_METHODS: Record<string, TestMethod> = {
  pm_card_visa: card('visa', '4242', 'ok'),
  pm_card_mastercard: card('mastercard', '4444', 'ok'),
  pm_card_amex: card('amex', '0005', 'ok'),
  pm_card_chargeDeclined: card('visa', '0002', 'decline'),
  pm_card_visa_chargeDeclined: card('visa', '0002', 'decline'),
  pm_card_authenticationRequired: card('visa', '3155', '3ds'),
  pm_card_threeDSecure2Required: card('visa', '3220', '3ds'),
  pm_sepa_debit: { type: 'sepa_debit', last4: '3000', country: 'DE', behaviour: 'processing' },
};
const CONFIRMABLE = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action']);

const error = (status: number, type: string, message: string, extra: JsonObject = {}): Reply => ({ status, body: { error: { type, message, ...extra } } });
const invalid = (message: string, extra: JsonObject = {}) => error(400, 'invalid_request_error', message, extra);
/** Stripe answers 404 for an unknown id in the URL, 400 for one given as a parameter. */
const missing = (what: string, id: string, param: string, status = 400) =>
  error(status, 'invalid_request_error', `No such ${what}: '${id}'`, { code: 'resource_missing', param });

export async function startFakeStripeServer(): Promise<FakeStripeServer> {
  const store: Record<ObjectKind, Map<string, JsonObject>> = { customer: new Map(), setup_intent: new Map(), payment_method: new Map() };
  const idempotent = new Map<string, { fingerprint: string; reply: Reply }>();
  const returnUrls = new Map<string, string>();
  const requests: RequestRecord[] = [];
  const planned: { kind: FaultKind; match: FaultMatch }[] = [];
  let ratio: { value: number; kind: FaultKind; next: () => number } | null = null;
  let counter = 0;
  let origin = '';
  /** Whether the request being answered was made with a live key. */
  let livemode = false;
  const newId = (prefix: string) => `${prefix}_fake${(++counter).toString(36).padStart(6, '0')}`;
  const now = () => Math.floor(Date.now() / 1000);

  function faultFor(method: string, path: string): FaultKind | null {
    const i = planned.findIndex(({ match: m }) => (!m.method || m.method === method) && (m.path === undefined || (typeof m.path === 'string' ? m.path === path : m.path.test(path))));
    if (i >= 0) return planned.splice(i, 1)[0]!.kind;
    return ratio && ratio.next() < ratio.value ? ratio.kind : null;
  }

  function render(si: JsonObject, expand: Json | undefined): JsonObject {
    const pm = typeof si.payment_method === 'string' ? store.payment_method.get(si.payment_method) : undefined;
    return Array.isArray(expand) && expand.includes('payment_method') && pm ? { ...si, payment_method: pm } : si;
  }

  /** What the Payment Element would have produced: a test token, or raw SEPA details. */
  function resolveMethod(params: JsonObject): TestMethod | Reply {
    const ref = params.payment_method;
    const data = asObject(params.payment_method_data);
    const iban = asObject(data?.sepa_debit)?.iban;
    if (typeof ref === 'string') return TEST_METHODS[ref] ?? missing('PaymentMethod', ref, 'payment_method');
    if (data?.type === 'sepa_debit' && typeof iban === 'string') {
      const compact = iban.replace(/\s/g, '');
      return { type: 'sepa_debit', last4: compact.slice(-4), country: compact.slice(0, 2), behaviour: 'ok' };
    }
    return invalid('You must provide a payment_method or payment_method_data.', { code: 'parameter_missing', param: 'payment_method' });
  }

  function storeMethod(test: TestMethod): JsonObject {
    const id = newId('pm');
    const details: JsonObject =
      test.type === 'card'
        ? { card: { brand: test.brand, last4: test.last4, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, country: 'US', funding: 'credit' } }
        : { sepa_debit: { last4: test.last4, country: test.country, bank_code: '37040044', branch_code: null, fingerprint: `fp_${id}` } };
    const pm: JsonObject = { id, object: 'payment_method', type: test.type, customer: null, created: now(), livemode: false, metadata: {}, ...details };
    store.payment_method.set(id, pm);
    return pm;
  }

  function confirm(si: JsonObject, params: JsonObject): Reply {
    if (!CONFIRMABLE.has(String(si.status))) {
      return invalid(`You cannot confirm this SetupIntent because it has a status of ${si.status}.`, { code: 'setup_intent_unexpected_state' });
    }
    const test = resolveMethod(params);
    if ('status' in test) return test;
    if (!(Array.isArray(si.payment_method_types) && si.payment_method_types.includes(test.type))) {
      return invalid(`The PaymentMethod type ${test.type} is not allowed on this SetupIntent.`, { code: 'payment_method_unsupported_type', param: 'payment_method' });
    }
    if (test.type === 'sepa_debit' && !params.mandate_data) {
      return invalid('mandate_data is required to set up a sepa_debit PaymentMethod.', { code: 'parameter_missing', param: 'mandate_data' });
    }
    const pm = storeMethod(test);
    Object.assign(si, { payment_method: pm.id, last_setup_error: null, next_action: null });
    if (test.behaviour === 'decline') {
      const setupError: JsonObject = { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.', payment_method: pm };
      Object.assign(si, { status: 'requires_payment_method', payment_method: null, last_setup_error: setupError });
      return { status: 402, body: { error: { ...setupError, setup_intent: si } } };
    }
    if (test.behaviour === '3ds') {
      const url = `${origin}/_fake/3ds/${si.id}`;
      const returnUrl = typeof params.return_url === 'string' ? params.return_url : null;
      if (returnUrl) returnUrls.set(String(si.id), returnUrl);
      // Stripe.js handles `use_stripe_sdk` in the page; a return_url asks for a full-page redirect instead.
      const next: JsonObject = returnUrl
        ? { type: 'redirect_to_url', redirect_to_url: { url, return_url: returnUrl } }
        : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url } };
      Object.assign(si, { status: 'requires_action', next_action: next });
    } else {
      Object.assign(si, { status: test.behaviour === 'processing' ? 'processing' : 'succeeded' });
      pm.customer = si.customer ?? null;
    }
    return { status: 200, body: render(si, params.expand) };
  }

  function authenticate(id: string, outcome: 'succeed' | 'fail'): void {
    const si = store.setup_intent.get(id);
    if (si?.status !== 'requires_action') throw new Error(`SetupIntent ${id} is not awaiting authentication`);
    const pm = store.payment_method.get(String(si.payment_method));
    if (outcome === 'succeed' && pm) pm.customer = si.customer ?? null;
    const message = 'We are unable to authenticate your payment method. Please choose a different payment method and try again.';
    const setupError: JsonObject = { type: 'invalid_request_error', code: 'setup_intent_authentication_failure', message, payment_method: pm ?? null };
    Object.assign(si, outcome === 'succeed' ? { status: 'succeeded', next_action: null } : { status: 'requires_payment_method', next_action: null, payment_method: null, last_setup_error: setupError });
  }

  /** `browser`: the publishable key, as Stripe.js uses; it may only confirm, and only with the client secret. */
  function route(method: string, path: string, params: JsonObject, browser: boolean): Reply {
    const intent = /^\/v1\/setup_intents\/([^/]+)(\/confirm)?$/.exec(path);
    if (browser && !(method === 'POST' && intent?.[2])) {
      return error(401, 'invalid_request_error', 'This API call cannot be made with a publishable API key. Please use a secret API key.');
    }
    // Read-only call Porte's "Go live" check makes to see that a secret key answers.
    if (method === 'GET' && path === '/v1/balance') {
      return { status: 200, body: { object: 'balance', available: [], pending: [], livemode: livemode } };
    }
    if (method === 'POST' && path === '/v1/customers') {
      const fields = Object.fromEntries(['email', 'name', 'phone', 'description'].map((k) => [k, params[k] ?? null]));
      const c: JsonObject = { id: newId('cus'), object: 'customer', created: now(), livemode: false, ...fields, metadata: asObject(params.metadata) ?? {} };
      store.customer.set(String(c.id), c);
      return { status: 200, body: c };
    }
    if (method === 'POST' && path === '/v1/setup_intents') {
      // Writable `payment_method_types` was removed in API version 2026-09-30.endive: mirror the refusal.
      if (params.payment_method_types !== undefined) {
        return invalid('payment_method_types is no longer supported; use allowed_payment_method_types.', { code: 'payment_method_types_no_longer_supported', param: 'payment_method_types' });
      }
      const customer = typeof params.customer === 'string' ? params.customer : null;
      if (customer && !store.customer.has(customer)) return missing('customer', customer, 'customer');
      const id = newId('seti');
      const allowed = Array.isArray(params.allowed_payment_method_types) ? params.allowed_payment_method_types : ['card'];
      const si: JsonObject = {
        ...{ id, object: 'setup_intent', client_secret: `${id}_secret_${Math.random().toString(36).slice(2, 14)}`, created: now(), livemode: false },
        ...{ customer, usage: params.usage ?? 'off_session', status: 'requires_payment_method', allowed_payment_method_types: allowed, payment_method_types: allowed },
        ...{ payment_method: null, last_setup_error: null, next_action: null, mandate: null, latest_attempt: null, cancellation_reason: null },
        metadata: asObject(params.metadata) ?? {},
      };
      store.setup_intent.set(id, si);
      return params.confirm === 'true' ? confirm(si, params) : { status: 200, body: si };
    }
    const si = intent ? store.setup_intent.get(intent[1]!) : undefined;
    if (intent && !si) return missing('setup_intent', intent[1]!, 'intent', 404);
    if (si && browser && params.client_secret !== si.client_secret) {
      return invalid('The client_secret provided does not match the client_secret associated with the SetupIntent.', { param: 'client_secret' });
    }
    if (si && method === 'GET' && !intent?.[2]) return { status: 200, body: render(si, params.expand) };
    if (si && method === 'POST' && intent?.[2]) return confirm(si, params);
    return error(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  }

  /** Stands in for the bank's challenge page, then sends the customer back as Stripe does. */
  function bankPage(id: string, outcome: 'succeed' | 'fail', res: ServerResponse): void {
    authenticate(id, outcome);
    const si = store.setup_intent.get(id)!;
    const back = new URL(returnUrls.get(id) ?? `${origin}/`);
    const query = { setup_intent: id, setup_intent_client_secret: String(si.client_secret), redirect_status: si.status === 'succeeded' ? 'succeeded' : 'failed' };
    for (const [k, v] of Object.entries(query)) back.searchParams.set(k, v);
    res.writeHead(302, { location: back.toString() }).end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const bank = /^\/_fake\/3ds\/([^/]+)$/.exec(url.pathname);
    if (bank) return bankPage(bank[1]!, url.searchParams.get('outcome') === 'fail' ? 'fail' : 'succeed', res);

    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    const record: RequestRecord = { method, path: url.pathname, idempotencyKey: key, status: 0, replayed: false };
    requests.push(record);
    const fault = faultFor(method, url.pathname);
    const auth = req.headers.authorization ?? '';
    const fingerprint = `${method} ${url.pathname} ${raw}`;
    const earlier = method === 'POST' && key ? idempotent.get(key) : undefined;
    let reply: Reply;
    if (fault === 'http500') {
      reply = error(500, 'api_error', 'An unknown error occurred while processing your request.');
    } else if (!/^Bearer [sp]k_(test|live)_\S+$/.test(auth)) {
      reply = error(401, 'invalid_request_error', 'Invalid API Key provided.');
    } else if (earlier && earlier.fingerprint !== fingerprint) {
      reply = error(400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`);
    } else if (earlier) {
      reply = { ...earlier.reply, headers: { 'idempotent-replayed': 'true' } };
      record.replayed = true;
    } else {
      livemode = /^Bearer [sp]k_live_/.test(auth);
      reply = route(method, url.pathname, parseForm(method === 'GET' ? url.search.slice(1) : raw), auth.startsWith('Bearer pk_'));
      // Like Stripe, a result is kept only once the endpoint has executed (success or decline).
      if (method === 'POST' && key && (reply.status < 400 || reply.status === 402)) {
        idempotent.set(key, { fingerprint, reply: { status: reply.status, body: structuredClone(reply.body) } });
      }
    }
    if (fault === 'timeout') {
      record.status = 'timeout';
      return; // The work is done and the answer is lost: the client's own timeout ends the exchange.
    }
    record.status = reply.status;
    // Stripe-Version is accepted and ignored: the fake has one shape, the SDK's pinned version's.
    res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': `req_fake${requests.length}`, ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'api_error', message: String(e) } })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    host: '127.0.0.1',
    port,
    protocol: 'http',
    url: origin,
    requests,
    failNext(n, kind, match = {}) {
      for (let i = 0; i < n; i++) planned.push({ kind, match });
    },
    failRatio(value, kind, seed = 1) {
      ratio = value > 0 ? { value, kind, next: seeded(seed) } : null;
    },
    objects: (kind) => [...store[kind].values()].map((o) => structuredClone(o)),
    authenticate,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections(); // Also ends the requests deliberately left hanging by `timeout`.
      }),
  };
}

/** Stripe's bracket notation: `metadata[a]=1`, `expand[0]=x`, `expand[]=x`, `mandate_data[customer_acceptance][type]=online`. */
export function parseForm(text: string): JsonObject {
  const root: JsonObject = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const head = /^[^[]+/.exec(name)?.[0] ?? name;
    const keys = [head, ...[...name.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!)];
    let node = root;
    const last = keys.pop()!;
    for (const k of keys) {
      const child = asObject(node[k]) ?? {};
      node[k] = child;
      node = child;
    }
    node[last === '' ? String(Object.keys(node).length) : last] = value;
  }
  return arraysFromIndices(root) as JsonObject;
}

/** `{0: a, 1: b}` → `[a, b]`, recursively: indexed keys are how Stripe encodes arrays. */
function arraysFromIndices(value: Json): Json {
  const o = asObject(value);
  if (!o) return value;
  const entries = Object.entries(o).map(([k, v]) => [k, arraysFromIndices(v)] as const);
  if (entries.length > 0 && entries.every(([k], i) => k === String(i))) return entries.map(([, v]) => v);
  return Object.fromEntries(entries);
}

function asObject(value: Json | undefined): JsonObject | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
}

/** Seeded linear congruential generator, so `failRatio` injects the same faults on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
