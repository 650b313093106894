/**
 * PaymentIntents and their status machine: requires_payment_method → requires_confirmation →
 * requires_action → processing → succeeded, or canceled. Off-session confirmations fail with
 * 402 `authentication_required` instead of asking for 3-D Secure, declines carry `decline_code`,
 * SEPA debits stay `processing` until the bank answers. Each transition emits Stripe's event.
 */
import { asObject, error, expand, invalid, type JsonObject, missing, ok, type Reply, type World } from './core.ts';
import { attach, behaviourOf, createMandate, mandateFor, resolveMethod } from './methods.ts';

const CONFIRMABLE = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action']);
const CANCELABLE = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action', 'requires_capture']);
/** Seconds a SEPA debit stays `processing` on the server's clock ("immediate" test accounts vs "after three minutes"). */
const SEPA_SECONDS = { immediate: 5, delayed: 180 };
/** Stripe's minimum charge amounts in the currencies Porte uses (docs: currencies#minimum-and-maximum-charge-amounts). */
const MINIMUM: Record<string, number> = { eur: 50, usd: 50, gbp: 30, chf: 50 };

export function createPaymentIntent(world: World, params: JsonObject): Reply {
  const amount = Number(params.amount);
  const currency = String(params.currency).toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) return invalid(`Invalid currency: ${params.currency}.`, { param: 'currency' });
  if (amount < (MINIMUM[currency] ?? 1)) {
    return invalid(`Amount must be at least ${MINIMUM[currency] ?? 1} (minor units of ${currency}).`, { code: 'amount_too_small', param: 'amount' });
  }
  const customer = typeof params.customer === 'string' ? params.customer : null;
  if (customer && !world.account.objects.customer.has(customer)) return missing('customer', customer, 'customer');
  if (params.off_session !== undefined && params.confirm !== 'true') {
    return invalid('off_session can only be used when confirm=true.', { param: 'off_session' });
  }
  const listed = Array.isArray(params.allowed_payment_method_types) ? params.allowed_payment_method_types : null;
  const automatic = asObject(params.automatic_payment_methods);
  // Dashboard-enabled methods include redirect-based ones, which cannot be confirmed without a return_url.
  if (!listed && params.confirm === 'true' && !params.return_url && automatic?.allow_redirects !== 'never') {
    return invalid(
      'This PaymentIntent is configured to accept payment methods enabled in your Dashboard, some of which may require a full page redirect to succeed. Provide a `return_url`, or set `automatic_payment_methods[allow_redirects]` to `never`.',
      { param: 'return_url' },
    );
  }
  const id = world.newId('pi');
  const types = listed ?? ['card', 'sepa_debit'];
  const pi: JsonObject = {
    ...{ id, object: 'payment_intent', amount, amount_received: 0, currency, customer, description: params.description ?? null, created: world.now(), livemode: false },
    ...{ status: 'requires_payment_method', client_secret: `${id}_secret_${Math.random().toString(36).slice(2, 14)}`, capture_method: params.capture_method ?? 'automatic' },
    ...{ confirmation_method: params.confirmation_method ?? 'automatic', allowed_payment_method_types: listed, payment_method_types: types },
    ...{ payment_method: null, last_payment_error: null, next_action: null, latest_charge: null, setup_future_usage: params.setup_future_usage || null },
    ...{ canceled_at: null, cancellation_reason: null, processing: null, metadata: asObject(params.metadata) ?? {} },
  };
  if (typeof params.payment_method === 'string') {
    const pm = resolveMethod(world, params);
    if ('status' in pm) return pm as Reply;
    Object.assign(pi, { payment_method: pm.id, status: 'requires_confirmation' });
  }
  world.account.objects.payment_intent.set(id, pi);
  if (params.confirm !== 'true') return ok(expand(world, pi, params.expand));
  const reply = confirmPaymentIntent(world, pi, { ...params, payment_method: pi.payment_method ?? params.payment_method ?? null });
  // Create-and-confirm is one request: refused parameters leave no PaymentIntent behind.
  if (reply.status === 400) world.account.objects.payment_intent.delete(id);
  return reply;
}

export function confirmPaymentIntent(world: World, pi: JsonObject, params: JsonObject): Reply {
  if (!CONFIRMABLE.has(String(pi.status))) {
    return invalid(`You cannot confirm this PaymentIntent because it has a status of ${pi.status}.`, { code: 'payment_intent_unexpected_state', payment_intent: pi });
  }
  const source: JsonObject = params.payment_method ? { payment_method: params.payment_method } : params.payment_method_data ? params : { payment_method: pi.payment_method ?? null };
  if (!source.payment_method && !source.payment_method_data) {
    return invalid('You must provide a payment_method or payment_method_data.', { code: 'parameter_missing', param: 'payment_method' });
  }
  const pm = resolveMethod(world, source);
  if ('status' in pm) return pm as Reply;
  const test = behaviourOf(pm);
  if (!(pi.payment_method_types as string[]).includes(test.type)) {
    return invalid(`The PaymentMethod type ${test.type} is not allowed on this PaymentIntent.`, { code: 'payment_intent_incompatible_payment_method', param: 'payment_method' });
  }
  if (pm.customer && pm.customer !== pi.customer) {
    return invalid(
      pi.customer ? 'The provided PaymentMethod belongs to a different Customer.' : 'The provided PaymentMethod is attached to a Customer: provide the `customer` parameter to use it.',
      { code: 'payment_method_invalid_parameter', param: pi.customer ? 'payment_method' : 'customer' },
    );
  }
  const offSession = params.off_session === 'true' || params.off_session === 'one_off' || params.off_session === 'recurring';
  if (params.setup_future_usage) pi.setup_future_usage = params.setup_future_usage;
  Object.assign(pi, { payment_method: pm.id, last_payment_error: null, next_action: null });

  if (test.type === 'sepa_debit') {
    const acceptance = asObject(asObject(params.mandate_data)?.customer_acceptance);
    let mandate = typeof params.mandate === 'string' ? world.account.objects.mandate.get(params.mandate) : mandateFor(world, String(pm.id));
    if (!mandate && acceptance && !offSession) mandate = createMandate(world, pm, acceptance, 'pending');
    if (!mandate || mandate.status === 'inactive') {
      return invalid('A valid mandate is required to debit this sepa_debit PaymentMethod: provide mandate_data, or a mandate from an earlier setup.', {
        code: 'payment_intent_mandate_invalid',
        param: mandate ? 'mandate' : 'mandate_data',
      });
    }
    if (pi.setup_future_usage === 'off_session' && pi.customer) attach(pm, pi.customer);
    Object.assign(pi, { status: 'processing', processing: { type: 'sepa_debit' } });
    world.emit('payment_intent.processing', pi);
    const settled = mandate;
    world.later(test.delayed ? SEPA_SECONDS.delayed : SEPA_SECONDS.immediate, () => settleSepa(world, pi, settled));
    return ok(expand(world, pi, params.expand));
  }
  const needsAuth = test.auth === 'always' || (test.auth === 'onSetup' && !test.setUpForOffSession);
  if (needsAuth && offSession) {
    return decline(world, pi, pm, { code: 'authentication_required', declineCode: 'authentication_required', message: 'Your card was declined. This transaction requires authentication.' });
  }
  if (needsAuth && params.error_on_requires_action !== 'true') {
    const url = `${world.origin}/_fake/3ds/${pi.id}`;
    const returnUrl = typeof params.return_url === 'string' ? params.return_url : null;
    const next: JsonObject = returnUrl
      ? { type: 'redirect_to_url', redirect_to_url: { url, return_url: returnUrl } }
      : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url } };
    Object.assign(pi, { status: 'requires_action', next_action: next });
    world.emit('payment_intent.requires_action', pi);
    return ok(expand(world, pi, params.expand));
  }
  if (needsAuth) return decline(world, pi, pm, { code: 'authentication_required', declineCode: 'authentication_required', message: 'This payment requires authentication.' });
  if (test.decline) return decline(world, pi, pm, test.decline);
  return succeed(world, pi, pm, params);
}

function succeed(world: World, pi: JsonObject, pm: JsonObject, params: JsonObject = {}): Reply {
  // Paying on-session with setup_future_usage saves the method for later off-session charges.
  if (pi.setup_future_usage === 'off_session' && pi.customer) {
    const refused = attach(pm, pi.customer);
    if (refused) return refused;
    const test = behaviourOf(pm);
    if (test.type === 'card') test.setUpForOffSession = true;
  }
  Object.assign(pi, { status: 'succeeded', amount_received: pi.amount, latest_charge: world.newId('ch'), next_action: null, processing: null });
  world.emit('payment_intent.succeeded', pi);
  return ok(expand(world, pi, params.expand));
}

function decline(world: World, pi: JsonObject, pm: JsonObject, d: { code: string; declineCode: string; message: string }): Reply {
  const lastError: JsonObject = { type: 'card_error', code: d.code, decline_code: d.declineCode, message: d.message, payment_method: pm, charge: world.newId('ch') };
  Object.assign(pi, { status: 'requires_payment_method', payment_method: null, last_payment_error: lastError, next_action: null });
  world.emit('payment_intent.payment_failed', pi);
  return { status: 402, body: { error: { ...lastError, payment_intent: pi } } };
}

/** The bank's answer to a SEPA debit, days later on Stripe, `SEPA_SECONDS` on this server's clock. */
function settleSepa(world: World, pi: JsonObject, mandate: JsonObject): void {
  if (pi.status !== 'processing') return;
  const pm = world.account.objects.payment_method.get(String(pi.payment_method));
  const test = pm && behaviourOf(pm);
  if (!pm || test?.type !== 'sepa_debit') return;
  if (test.outcome.succeeds) {
    mandate.status = 'active';
    succeed(world, pi, pm);
    return;
  }
  const lastError: JsonObject = { type: 'invalid_request_error', code: test.outcome.failureCode, message: test.outcome.message, payment_method: pm };
  Object.assign(pi, { status: 'requires_payment_method', payment_method: null, last_payment_error: lastError, processing: null });
  world.emit('payment_intent.payment_failed', pi);
}

/** Finish a pending 3-D Secure challenge, as the customer would on the bank's page. */
export function authenticatePaymentIntent(world: World, pi: JsonObject, outcome: 'succeed' | 'fail'): void {
  if (pi.status !== 'requires_action') throw new Error(`PaymentIntent ${pi.id} is not awaiting authentication`);
  const pm = world.account.objects.payment_method.get(String(pi.payment_method))!;
  if (outcome === 'fail') {
    const message = 'We are unable to authenticate your payment method. Please choose a different payment method and try again.';
    decline(world, pi, pm, { code: 'payment_intent_authentication_failure', declineCode: 'authentication_failure', message });
    return;
  }
  const test = behaviourOf(pm);
  if (test.type === 'card' && test.decline) decline(world, pi, pm, test.decline);
  else succeed(world, pi, pm);
}

export function cancelPaymentIntent(world: World, pi: JsonObject, params: JsonObject): Reply {
  if (!CANCELABLE.has(String(pi.status))) {
    return invalid(`You cannot cancel this PaymentIntent because it has a status of ${pi.status}.`, { code: 'payment_intent_unexpected_state', payment_intent: pi });
  }
  Object.assign(pi, { status: 'canceled', canceled_at: world.now(), cancellation_reason: params.cancellation_reason ?? null, next_action: null });
  world.emit('payment_intent.canceled', pi);
  return ok(expand(world, pi, params.expand));
}

function list(world: World, params: JsonObject): Reply {
  const limit = Math.min(100, Math.max(1, Number(params.limit ?? 10)));
  let all = [...world.account.objects.payment_intent.values()].reverse(); // newest first, as Stripe lists
  if (typeof params.customer === 'string') all = all.filter((pi) => pi.customer === params.customer);
  if (typeof params.starting_after === 'string') {
    const at = all.findIndex((pi) => pi.id === params.starting_after);
    if (at < 0) return missing('payment_intent', params.starting_after, 'starting_after');
    all = all.slice(at + 1);
  }
  const data = all.slice(0, limit).map((pi) => expand(world, pi, params.expand));
  return ok({ object: 'list', url: '/v1/payment_intents', has_more: all.length > limit, data });
}

/** Routes `/v1/payment_intents…`; `browser` calls (publishable key) must carry the client secret. */
export function paymentIntentRoute(world: World, method: string, path: string, params: JsonObject, browser: boolean): Reply | null {
  const m = /^\/v1\/payment_intents(?:\/([^/]+)(?:\/(confirm|cancel))?)?$/.exec(path);
  if (!m) return null;
  if (!m[1]) {
    if (browser) return null;
    return method === 'POST' ? createPaymentIntent(world, params) : method === 'GET' ? list(world, params) : null;
  }
  const pi = world.account.objects.payment_intent.get(m[1]);
  if (!pi) return missing('payment_intent', m[1], 'intent', 404);
  if (browser && params.client_secret !== pi.client_secret) {
    return invalid('The client_secret provided does not match the client_secret associated with the PaymentIntent.', { param: 'client_secret' });
  }
  const { client_secret: _secret, ...rest } = params;
  if (method === 'GET' && !m[2]) return ok(expand(world, pi, params.expand));
  if (method === 'POST' && m[2] === 'confirm') return confirmPaymentIntent(world, pi, rest);
  if (method === 'POST' && m[2] === 'cancel' && !browser) return cancelPaymentIntent(world, pi, rest);
  return error(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
}
