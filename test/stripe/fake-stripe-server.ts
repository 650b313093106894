/**
 * A local server speaking enough of Stripe's REST protocol for the real `stripe` SDK, faithful
 * where a mistake in Porte would otherwise pass unnoticed:
 * - form-encoded bodies, Bearer auth; accounts (`sk_test_X` and `pk_test_X` are account X, whose
 *   objects no other account sees); publishable keys may only confirm and read an intent with its
 *   client secret, as Stripe.js does;
 * - every parameter checked against the endpoint's allow-list (400 `parameter_unknown`,
 *   `parameter_missing`, `parameter_invalid_*`), see fake/params.ts;
 * - `Idempotency-Key` per account, kept 24 h on the server's clock: the same key and parameters
 *   replay the first answer (`Idempotent-Replayed: true`), other parameters are refused with 400
 *   `idempotency_error`, a key still executing answers 409 `idempotency_key_in_use`; only
 *   requests that started executing are kept (not validation errors, not refusals);
 * - SetupIntents, PaymentIntents (fake/setup-intents.ts, fake/payment-intents.ts), mandates, the
 *   documented test cards and SEPA test IBANs (fake/methods.ts);
 * - events built and signed by the server and sent to the configured endpoints (fake/events.ts);
 * - faults: refusals (500), lost answers after the work was done (timeout), slow answers.
 * The server's clock is real time plus whatever `advance` added; asynchronous outcomes (SEPA
 * debits and mandates) settle when it passes their time, or at once with `settle()`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Account, canonical, error, expand, type JsonObject, missing, newAccount, type ObjectKind, ok, parseForm, type Reply, seeded, type World } from './fake/core.ts';
import { type Delivery, eventBus, type WebhookEndpoint } from './fake/events.ts';
import { endpointOf, validate } from './fake/params.ts';
import { authenticatePaymentIntent, paymentIntentRoute } from './fake/payment-intents.ts';
import { authenticateSetupIntent, setupIntentRoute } from './fake/setup-intents.ts';

export type { Json, JsonObject, ObjectKind } from './fake/core.ts';
export type { Delivery, WebhookEndpoint } from './fake/events.ts';
export type FaultKind = 'http500' | 'timeout' | 'slow';
/** Which requests a planned fault hits: a method and an exact path or a pattern. */
export type FaultMatch = { method?: string; path?: string | RegExp };
export type RequestRecord = { method: string; path: string; idempotencyKey: string | null; status: number | 'timeout'; replayed: boolean; account: string };

export interface FakeStripeServer {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'http';
  readonly url: string;
  /** Every API request received, in order, with how it was answered. */
  readonly requests: RequestRecord[];
  /** Every event delivery attempted, in order. */
  readonly deliveries: Delivery[];
  /**
   * The next `n` matching requests fail. `http500`: refused before any work, like a load-balancer
   * error. `timeout`: the work is done (objects created, idempotent result stored) but the answer
   * never comes, so only the client's timeout ends it: the case where orphans are born.
   * `slow`: answered after `SLOW_MS`, holding its idempotency key meanwhile.
   */
  failNext(n: number, kind: FaultKind, match?: FaultMatch): void;
  /** A deterministic share of all later requests fails (seeded PRNG); `failRatio(0, …)` stops it. */
  failRatio(ratio: number, kind: FaultKind, seed?: number): void;
  /** Several kinds at once (e.g. `{http500: 0.2, timeout: 0.05}`); `{}` stops them. */
  faultRates(rates: Partial<Record<FaultKind, number>>, seed?: number): void;
  /** Events go to this endpoint from now on (several may be added). */
  addWebhookEndpoint(endpoint: WebhookEndpoint): void;
  /** Resolves once every event emitted so far has been delivered. */
  flushEvents(): Promise<void>;
  /** `true`: later events are recorded (status 'error') but never sent, as when webhooks are lost. */
  dropEvents(drop: boolean): void;
  /** Objects of every account (or of one), in creation order, as copies. */
  objects(kind: ObjectKind, account?: string): JsonObject[];
  /** Finish a pending 3-D Secure challenge (SetupIntent or PaymentIntent id), as the customer would on the bank's page. */
  authenticate(intentId: string, outcome: 'succeed' | 'fail'): void;
  /** Moves the server's clock on, settling what falls due (SEPA), and expiring idempotency keys. */
  advance(ms: number): void;
  /** Settles every pending asynchronous outcome now, whatever its time. */
  settle(): void;
  close(): Promise<void>;
}

export const SLOW_MS = 300;
const IDEMPOTENCY_TTL_S = 24 * 60 * 60;
type Stored = { fingerprint: string; reply: Reply; at: number };

export async function startFakeStripeServer(): Promise<FakeStripeServer> {
  const accounts = new Map<string, Account>();
  const idempotent = new Map<string, Stored>(); // `${account} ${key}`
  const executing = new Set<string>();
  const returnUrls = new Map<string, string>();
  const requests: RequestRecord[] = [];
  const planned: { kind: FaultKind; match: FaultMatch }[] = [];
  const pending: { at: number; run: () => void }[] = [];
  let rates: { rates: [FaultKind, number][]; next: () => number } | null = null;
  let counter = 0;
  let offsetMs = 0;
  let origin = '';
  const now = () => Math.floor((Date.now() + offsetMs) / 1000);
  const bus = eventBus(now);

  const accountOf = (id: string): Account => {
    let a = accounts.get(id);
    if (!a) {
      a = newAccount(id);
      accounts.set(id, a);
    }
    return a;
  };
  const worldOf = (account: Account): World => ({
    account,
    now,
    origin,
    newId: (prefix) => `${prefix}_fake${(++counter).toString(36).padStart(6, '0')}`,
    emit: (type, object) => bus.emit(account, type, object),
    later: (seconds, run) => pending.push({ at: now() + seconds, run }),
  });

  function settleDue(all: boolean): void {
    const due = pending.filter((p) => all || p.at <= now());
    for (const p of due) pending.splice(pending.indexOf(p), 1);
    for (const p of due.sort((a, b) => a.at - b.at)) p.run();
    bus.kick();
  }

  function faultFor(method: string, path: string): FaultKind | null {
    const i = planned.findIndex(({ match: m }) => (!m.method || m.method === method) && (m.path === undefined || (typeof m.path === 'string' ? m.path === path : m.path.test(path))));
    if (i >= 0) return planned.splice(i, 1)[0]!.kind;
    if (!rates) return null;
    const draw = rates.next();
    let edge = 0;
    for (const [kind, share] of rates.rates) {
      edge += share;
      if (draw < edge) return kind;
    }
    return null;
  }

  /** `browser`: the publishable key, as Stripe.js uses; it may only confirm and read intents, with the client secret. */
  function route(world: World, method: string, path: string, params: JsonObject, browser: boolean): Reply {
    const endpoint = endpointOf(method, path);
    if (!endpoint) return error(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
    if (browser && !/^(GET|POST) \/v1\/(setup|payment)_intents\/:id(\/confirm)?$/.test(endpoint)) {
      return error(401, 'invalid_request_error', 'This API call cannot be made with a publishable API key. Please use a secret API key.');
    }
    const refused = validate(endpoint, params);
    if (refused) return refused;
    const objects = world.account.objects;
    if (endpoint === 'POST /v1/customers') {
      const fields = Object.fromEntries(['email', 'name', 'phone', 'description'].map((k) => [k, params[k] ?? null]));
      const c: JsonObject = { id: world.newId('cus'), object: 'customer', created: world.now(), livemode: false, ...fields, metadata: (params.metadata || {}) as JsonObject };
      objects.customer.set(String(c.id), c);
      return ok(c);
    }
    const getter = /^GET \/v1\/(customers|payment_methods|mandates)\/:id$/.exec(endpoint);
    if (getter) {
      const kind = ({ customers: 'customer', payment_methods: 'payment_method', mandates: 'mandate' } as const)[getter[1] as 'customers'];
      const id = path.split('/')[3]!;
      const found = objects[kind].get(id);
      return found ? ok(expand(world, found, params.expand)) : missing(kind, id, 'id', 404);
    }
    const reply = setupIntentRoute(world, method, path, params, browser) ?? paymentIntentRoute(world, method, path, params, browser);
    if (!reply) return error(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
    const intent = asIntent(reply);
    if (intent && typeof params.return_url === 'string') returnUrls.set(String(intent.id), params.return_url);
    return reply;
  }

  const asIntent = (reply: Reply): JsonObject | null => {
    const body = (reply.body.error as JsonObject | undefined) ?? reply.body;
    const o = (body.object === 'setup_intent' || body.object === 'payment_intent' ? body : (body.setup_intent ?? body.payment_intent)) as JsonObject | undefined;
    return o && typeof o.id === 'string' ? o : null;
  };

  function findIntent(id: string): { world: World; intent: JsonObject } | null {
    for (const account of accounts.values()) {
      const intent = account.objects.setup_intent.get(id) ?? account.objects.payment_intent.get(id);
      if (intent) return { world: worldOf(account), intent };
    }
    return null;
  }

  function authenticate(id: string, outcome: 'succeed' | 'fail'): void {
    const found = findIntent(id);
    if (!found) throw new Error(`No intent ${id}`);
    if (found.intent.object === 'setup_intent') authenticateSetupIntent(found.world, found.intent, outcome);
    else authenticatePaymentIntent(found.world, found.intent, outcome);
    bus.kick();
  }

  /** Stands in for the bank's challenge page, then sends the customer back as Stripe does. */
  function bankPage(id: string, outcome: 'succeed' | 'fail', res: ServerResponse): void {
    authenticate(id, outcome);
    const { intent } = findIntent(id)!;
    const kind = intent.object === 'setup_intent' ? 'setup_intent' : 'payment_intent';
    const back = new URL(returnUrls.get(id) ?? `${origin}/`);
    const query = { [kind]: id, [`${kind}_client_secret`]: String(intent.client_secret), redirect_status: intent.status === 'succeeded' || intent.status === 'processing' ? 'succeeded' : 'failed' };
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

    settleDue(false);
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    const auth = /^Bearer ([sp])k_(?:test|live)_(\S+)$/.exec(req.headers.authorization ?? '');
    const record: RequestRecord = { method, path: url.pathname, idempotencyKey: key, status: 0, replayed: false, account: auth?.[2] ?? '' };
    requests.push(record);
    const fault = faultFor(method, url.pathname);
    const params = parseForm(method === 'GET' ? url.search.slice(1) : raw);
    const scope = auth && method === 'POST' && key ? `${auth[2]} ${key}` : null;
    const fingerprint = `${method} ${url.pathname} ${canonical(params)}`;
    let earlier = scope ? idempotent.get(scope) : undefined;
    if (earlier && earlier.at + IDEMPOTENCY_TTL_S <= now()) {
      idempotent.delete(scope!);
      earlier = undefined;
    }
    let reply: Reply;
    if (fault === 'http500') {
      reply = error(500, 'api_error', 'An unknown error occurred while processing your request.');
    } else if (!auth) {
      reply = error(401, 'invalid_request_error', 'Invalid API Key provided.');
    } else if (scope && executing.has(scope)) {
      reply = error(409, 'invalid_request_error', `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`, { code: 'idempotency_key_in_use' });
    } else if (earlier && earlier.fingerprint !== fingerprint) {
      reply = error(400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`);
    } else if (earlier) {
      reply = { ...earlier.reply, headers: { 'idempotent-replayed': 'true' } };
      record.replayed = true;
    } else {
      if (scope) executing.add(scope);
      if (fault === 'slow') await new Promise((r) => setTimeout(r, SLOW_MS));
      try {
        reply = route(worldOf(accountOf(auth[2]!)), method, url.pathname, params, auth[1] === 'p');
      } finally {
        if (scope) executing.delete(scope);
      }
      // Like Stripe, a result is kept only once the endpoint has executed (success or decline), not for refusals.
      if (scope && (reply.status < 400 || reply.status === 402)) {
        idempotent.set(scope, { fingerprint, reply: { status: reply.status, body: structuredClone(reply.body) }, at: now() });
      }
    }
    if (fault === 'timeout') {
      record.status = 'timeout';
      bus.kick();
      return; // The work is done and the answer is lost: the client's own timeout ends the exchange.
    }
    record.status = reply.status;
    // Stripe-Version is accepted and ignored: the fake has one shape, the SDK's pinned version's.
    res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': `req_fake${requests.length}`, ...(key ? { 'idempotency-key': key } : {}), ...reply.headers });
    res.end(JSON.stringify(reply.body));
    bus.kick();
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
    deliveries: bus.deliveries,
    failNext(n, kind, match = {}) {
      for (let i = 0; i < n; i++) planned.push({ kind, match });
    },
    failRatio(value, kind, seed = 1) {
      rates = value > 0 ? { rates: [[kind, value]], next: seeded(seed) } : null;
    },
    faultRates(given, seed = 1) {
      const list = Object.entries(given).filter(([, v]) => (v ?? 0) > 0) as [FaultKind, number][];
      rates = list.length > 0 ? { rates: list, next: seeded(seed) } : null;
    },
    addWebhookEndpoint: (endpoint) => void bus.endpoints.push(endpoint),
    flushEvents: () => bus.flush(),
    dropEvents: (drop) => {
      bus.state.dropping = drop;
    },
    objects: (kind, account) =>
      [...accounts.values()].filter((a) => !account || a.id === account).flatMap((a) => [...a.objects[kind].values()].map((o) => structuredClone(o))),
    authenticate,
    advance(ms) {
      offsetMs += ms;
      settleDue(false);
    },
    settle: () => settleDue(true),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections(); // Also ends the requests deliberately left hanging by `timeout`.
      }),
  };
}

export { parseForm };
