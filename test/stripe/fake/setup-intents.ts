/**
 * SetupIntents and their status machine: requires_payment_method → requires_confirmation →
 * requires_action → processing → succeeded, or canceled; a failed attempt goes back to
 * requires_payment_method with `last_setup_error`. Each transition emits Stripe's event.
 */
import { asObject, error, expand, invalid, type JsonObject, missing, ok, type Reply, type World } from './core.ts';
import { attach, behaviourOf, createMandate, deactivateMandate, resolveMethod } from './methods.ts';

const CONFIRMABLE = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action']);
/** Seconds a SEPA setup stays `processing` on the server's clock (test accounts: immediate vs "after three minutes"). */
const SEPA_SECONDS = { immediate: 5, delayed: 180 };

export function createSetupIntent(world: World, params: JsonObject): Reply {
  const customer = typeof params.customer === 'string' ? params.customer : null;
  if (customer && !world.account.objects.customer.has(customer)) return missing('customer', customer, 'customer');
  const id = world.newId('seti');
  const allowed = Array.isArray(params.allowed_payment_method_types) ? params.allowed_payment_method_types : ['card'];
  const si: JsonObject = {
    ...{ id, object: 'setup_intent', client_secret: `${id}_secret_${Math.random().toString(36).slice(2, 14)}`, created: world.now(), livemode: false },
    ...{ customer, usage: params.usage ?? 'off_session', status: 'requires_payment_method', allowed_payment_method_types: allowed, payment_method_types: allowed },
    ...{ payment_method: null, last_setup_error: null, next_action: null, mandate: null, latest_attempt: null, cancellation_reason: null, description: params.description ?? null },
    metadata: asObject(params.metadata) ?? {},
  };
  world.account.objects.setup_intent.set(id, si);
  if (params.confirm === 'true') return confirmSetupIntent(world, si, params);
  if (typeof params.payment_method === 'string') {
    const pm = resolveMethod(world, params);
    if ('status' in pm) {
      world.account.objects.setup_intent.delete(id);
      return pm as Reply;
    }
    Object.assign(si, { payment_method: pm.id, status: 'requires_confirmation' });
  }
  return ok(expand(world, si, params.expand));
}

export function confirmSetupIntent(world: World, si: JsonObject, params: JsonObject): Reply {
  if (!CONFIRMABLE.has(String(si.status))) {
    return invalid(`You cannot confirm this SetupIntent because it has a status of ${si.status}.`, { code: 'setup_intent_unexpected_state', setup_intent: si });
  }
  const chosen = params.payment_method ?? params.payment_method_data ?? si.payment_method;
  if (!chosen) return invalid('You must provide a payment_method or payment_method_data.', { code: 'parameter_missing', param: 'payment_method' });
  const pm = resolveMethod(world, params.payment_method || params.payment_method_data ? params : { payment_method: si.payment_method ?? null });
  if ('status' in pm) return pm as Reply;
  const test = behaviourOf(pm);
  if (!(Array.isArray(si.payment_method_types) && si.payment_method_types.includes(test.type))) {
    return invalid(`The PaymentMethod type ${test.type} is not allowed on this SetupIntent.`, { code: 'payment_method_unsupported_type', param: 'payment_method' });
  }
  const acceptance = asObject(asObject(params.mandate_data)?.customer_acceptance);
  if (test.type === 'sepa_debit' && !acceptance) {
    return invalid('mandate_data is required to set up a sepa_debit PaymentMethod.', { code: 'parameter_missing', param: 'mandate_data' });
  }
  Object.assign(si, { payment_method: pm.id, last_setup_error: null, next_action: null });

  if (test.type === 'sepa_debit') {
    const refused = attach(pm, si.customer);
    if (refused) return refused;
    const mandate = createMandate(world, pm, acceptance, 'pending');
    Object.assign(si, { status: 'processing', mandate: mandate.id });
    world.later(test.delayed ? SEPA_SECONDS.delayed : SEPA_SECONDS.immediate, () => settleSepa(world, si, mandate));
    return ok(expand(world, si, params.expand));
  }
  if (test.decline?.atSetup) {
    const setupError: JsonObject = { type: 'card_error', code: test.decline.code, decline_code: test.decline.declineCode, message: test.decline.message, payment_method: pm };
    Object.assign(si, { status: 'requires_payment_method', payment_method: null, last_setup_error: setupError });
    world.emit('setup_intent.setup_failed', si);
    return { status: 402, body: { error: { ...setupError, setup_intent: si } } };
  }
  if (test.auth === 'always' || (test.auth === 'onSetup' && !test.setUpForOffSession)) {
    const url = `${world.origin}/_fake/3ds/${si.id}`;
    const returnUrl = typeof params.return_url === 'string' ? params.return_url : null;
    // Stripe.js handles `use_stripe_sdk` in the page; a return_url asks for a full-page redirect instead.
    const next: JsonObject = returnUrl
      ? { type: 'redirect_to_url', redirect_to_url: { url, return_url: returnUrl } }
      : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url } };
    Object.assign(si, { status: 'requires_action', next_action: next });
    world.emit('setup_intent.requires_action', si);
    return ok(expand(world, si, params.expand));
  }
  return succeed(world, si, pm, params);
}

function succeed(world: World, si: JsonObject, pm: JsonObject, params: JsonObject = {}): Reply {
  const refused = attach(pm, si.customer);
  if (refused) return refused;
  // A card authenticated for off-session use is what lets "authenticate on setup" cards be charged later.
  const test = behaviourOf(pm);
  if (test.type === 'card' && si.usage === 'off_session') test.setUpForOffSession = true;
  Object.assign(si, { status: 'succeeded', next_action: null });
  world.emit('setup_intent.succeeded', si);
  return ok(expand(world, si, params.expand));
}

/** The bank's answer to a SEPA mandate: the account exists and accepts debits, or not. */
function settleSepa(world: World, si: JsonObject, mandate: JsonObject): void {
  if (si.status !== 'processing') return;
  const pm = world.account.objects.payment_method.get(String(si.payment_method));
  const test = pm && behaviourOf(pm);
  if (!pm || test?.type !== 'sepa_debit') return;
  if (test.outcome.succeeds || !test.outcome.atSetup) {
    mandate.status = 'active';
    Object.assign(si, { status: 'succeeded' });
    world.emit('setup_intent.succeeded', si);
    return;
  }
  const setupError: JsonObject = { type: 'invalid_request_error', code: test.outcome.failureCode, message: test.outcome.message, payment_method: pm };
  Object.assign(si, { status: 'requires_payment_method', payment_method: null, last_setup_error: setupError });
  pm.customer = null;
  deactivateMandate(world, mandate);
  world.emit('setup_intent.setup_failed', si);
}

/** Finish a pending 3-D Secure challenge, as the customer would on the bank's page. */
export function authenticateSetupIntent(world: World, si: JsonObject, outcome: 'succeed' | 'fail'): void {
  if (si.status !== 'requires_action') throw new Error(`SetupIntent ${si.id} is not awaiting authentication`);
  const pm = world.account.objects.payment_method.get(String(si.payment_method));
  if (outcome === 'succeed' && pm) {
    succeed(world, si, pm);
    return;
  }
  const message = 'We are unable to authenticate your payment method. Please choose a different payment method and try again.';
  const setupError: JsonObject = { type: 'invalid_request_error', code: 'setup_intent_authentication_failure', message, payment_method: pm ?? null };
  Object.assign(si, { status: 'requires_payment_method', next_action: null, payment_method: null, last_setup_error: setupError });
  world.emit('setup_intent.setup_failed', si);
}

export function cancelSetupIntent(world: World, si: JsonObject, params: JsonObject): Reply {
  if (!CONFIRMABLE.has(String(si.status))) {
    return invalid(`You cannot cancel this SetupIntent because it has a status of ${si.status}.`, { code: 'setup_intent_unexpected_state', setup_intent: si });
  }
  Object.assign(si, { status: 'canceled', cancellation_reason: params.cancellation_reason ?? null, next_action: null });
  world.emit('setup_intent.canceled', si);
  return ok(expand(world, si, params.expand));
}

/** Routes `/v1/setup_intents…`; `browser` calls (publishable key) must carry the client secret. */
export function setupIntentRoute(world: World, method: string, path: string, params: JsonObject, browser: boolean): Reply | null {
  const m = /^\/v1\/setup_intents(?:\/([^/]+)(?:\/(confirm|cancel))?)?$/.exec(path);
  if (!m) return null;
  if (!m[1]) return method === 'POST' && !browser ? createSetupIntent(world, params) : null;
  const si = world.account.objects.setup_intent.get(m[1]);
  if (!si) return missing('setup_intent', m[1], 'intent', 404);
  if (browser && params.client_secret !== si.client_secret) {
    return invalid('The client_secret provided does not match the client_secret associated with the SetupIntent.', { param: 'client_secret' });
  }
  const { client_secret: _secret, ...rest } = params;
  if (method === 'GET' && !m[2]) return ok(expand(world, si, params.expand));
  if (method === 'POST' && m[2] === 'confirm') return confirmSetupIntent(world, si, rest);
  if (method === 'POST' && m[2] === 'cancel' && !browser) return cancelSetupIntent(world, si, rest);
  return error(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
}
