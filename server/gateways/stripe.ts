/**
 * Stripe adapter of the payment-gateway port: the only module allowed to import `stripe`.
 *
 * Porte never charges through this flow: it only tokenizes a payment method for later off-session
 * billing, with one Stripe Customer and one SetupIntent per checkout session (or portal link).
 * The page mounts the Payment Element with the client secret and calls
 * `stripe.confirmSetup({redirect: 'if_required'})`; the server then re-reads the SetupIntent itself
 * rather than trusting anything the browser says about the outcome.
 */
import Stripe from 'stripe';
import { GatewayUnavailable } from './port.ts';
import type {
  ChargeResult,
  ConfirmInput,
  ConfirmResult,
  PaymentGateway,
  PreparedCollection,
  PrepareInput,
  TokenizedMethod,
} from './port.ts';

export interface StripeGatewayOptions {
  secretKey: string;
  publishableKey: string;
  /** Only for tests (the local fake Stripe server): defaults to api.stripe.com over HTTPS. */
  api?: { host: string; port: number; protocol: 'http' | 'https' };
  /** Per attempt; the SDK makes up to three attempts. Stripe's own default (80 s) is far too long for a checkout page. */
  timeoutMs?: number;
}

/** The few fields of a Stripe event Porte acts upon; the rest of the payload is Stripe's business. */
export interface StripeWebhookEvent {
  id: string;
  type: string;
  setupIntentId?: string;
  metadata?: Record<string, string>;
}

export type StripeGateway = PaymentGateway & {
  verifyWebhook(payload: string, signatureHeader: string, secret: string): Promise<StripeWebhookEvent>;
};

/**
 * Thrown by `prepare` when Stripe cannot be reached or refuses the request: the port's
 * `PreparedCollection` has no failure variant, and a checkout page must show "try again" rather
 * than a stack trace. Retrying `prepare` with the same idempotency base is always safe.
 */
export class GatewayUnavailableError extends GatewayUnavailable {
  readonly status = 'unavailable';
  /** False when retrying cannot help (bad secret key, Stripe account misconfigured): log it loudly. */
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, cause?: unknown) {
    super(message, { cause });
    this.name = 'GatewayUnavailableError';
    this.retryable = retryable;
  }
}

/** Thrown by `verifyWebhook` for a missing, forged, tampered or stale `Stripe-Signature`: answer 400. */
export class StripeWebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StripeWebhookSignatureError';
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Card and SEPA Direct Debit are the two methods Porte can bill off-session and describe to merchants. */
const METHOD_TYPES: Stripe.SetupIntentCreateParams.AllowedPaymentMethodType[] = ['card', 'sepa_debit'];
const AUTHENTICATION_CODES = new Set(['setup_intent_authentication_failure', 'authentication_required']);

export function stripeGateway(options: StripeGatewayOptions): StripeGateway {
  const stripe = new Stripe(options.secretKey, {
    // fetch and SubtleCrypto exist on Node 20 and on Workers alike, so one code path serves both.
    httpClient: Stripe.createFetchHttpClient(),
    // Transient 5xx, 409 and connection errors are retried by the SDK with the *same* Idempotency-Key,
    // so a retried create replays the first object instead of making a second one.
    maxNetworkRetries: 2,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.api ?? {}),
  });
  const crypto = Stripe.createSubtleCryptoProvider();

  async function prepare(input: PrepareInput): Promise<PreparedCollection> {
    const base = input.idempotencyBase;
    try {
      let customer = input.state.customer;
      let setupIntent: Stripe.SetupIntent | null = null;
      if (customer && input.state.setup_intent) {
        setupIntent = await stripe.setupIntents.retrieve(input.state.setup_intent);
        // A canceled SetupIntent cannot be confirmed again: start a fresh one for the same customer,
        // keyed on the old id so a retry of this very step still replays rather than duplicates.
        if (setupIntent.status === 'canceled') setupIntent = await createSetupIntent(customer, input, `${base}:setup_intent:after:${setupIntent.id}`);
      } else {
        if (!customer) {
          const created = await stripe.customers.create(
            {
              ...(input.email ? { email: input.email } : {}),
              ...(input.name ? { name: input.name } : {}),
              metadata: { ...input.metadata, porte_idempotency_base: base },
            },
            { idempotencyKey: `${base}:customer` },
          );
          customer = created.id;
        }
        setupIntent = await createSetupIntent(customer, input, `${base}:setup_intent`);
      }
      if (!setupIntent.client_secret) throw new GatewayUnavailableError('Stripe returned a SetupIntent without a client secret.', false);
      return {
        gateway: 'stripe',
        publishableKey: options.publishableKey,
        clientSecret: setupIntent.client_secret,
        state: { customer, setup_intent: setupIntent.id },
      };
    } catch (error) {
      if (error instanceof GatewayUnavailableError) throw error;
      throw new GatewayUnavailableError(messageOf(error), isTransient(error), error);
    }
  }

  function createSetupIntent(customer: string, input: PrepareInput, idempotencyKey: string): Promise<Stripe.SetupIntent> {
    return stripe.setupIntents.create(
      {
        customer,
        usage: 'off_session',
        // Since API version 2026-09-30.endive `payment_method_types` is read-only (400
        // payment_method_types_no_longer_supported); `allowed_payment_method_types` is its replacement.
        allowed_payment_method_types: METHOD_TYPES,
        metadata: { ...input.metadata, porte_idempotency_base: input.idempotencyBase },
      },
      { idempotencyKey },
    );
  }

  async function confirm(input: ConfirmInput): Promise<ConfirmResult> {
    const id = input.fields.setup_intent;
    // The id comes from the browser: only the SetupIntent this session created may complete it,
    // otherwise one visitor could finish a checkout with someone else's payment method.
    if (!id || id !== input.state.setup_intent) {
      return { status: 'failed', code: 'invalid_details', message: 'This payment form does not belong to this checkout.', param: 'setup_intent' };
    }
    let si: Stripe.SetupIntent;
    try {
      si = await stripe.setupIntents.retrieve(id, { expand: ['payment_method'] });
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) {
        return { status: 'failed', code: 'invalid_details', message: 'Stripe does not know this payment form.', param: 'setup_intent' };
      }
      return { status: 'unavailable', message: messageOf(error) };
    }
    const customer = typeof si.customer === 'string' ? si.customer : (si.customer?.id ?? null);
    if (input.state.customer && customer !== input.state.customer) {
      return { status: 'failed', code: 'invalid_details', message: 'This payment form does not belong to this checkout.', param: 'setup_intent' };
    }
    const pm = typeof si.payment_method === 'string' ? null : si.payment_method;
    switch (si.status) {
      case 'succeeded':
        return tokenized(pm, customer);
      case 'processing':
        // SEPA Direct Debit: Stripe may keep the SetupIntent `processing` while the mandate is
        // pending, which lasts until the first debit by design. The payment method is already attached
        // to the customer and usable off-session, so waiting would only block the signup; a later
        // mandate failure arrives as a webhook (setup_intent.setup_failed). Without an attached
        // method there is nothing to keep yet, so the customer must try again.
        if (pm) return tokenized(pm, customer);
        return { status: 'unavailable', message: 'Stripe is still processing this payment method; please try again in a moment.' };
      case 'requires_action':
        return { status: 'requires_action', redirectUrl: si.next_action?.redirect_to_url?.url ?? null };
      case 'requires_payment_method': {
        const err = si.last_setup_error;
        if (!err) return { status: 'failed', code: 'invalid_details', message: 'No payment method was submitted.' };
        const code = err.code && AUTHENTICATION_CODES.has(err.code) ? 'authentication_failed' : 'card_declined';
        return { status: 'failed', code, message: err.message ?? 'Your payment method was declined.' };
      }
      default:
        // requires_confirmation (the page never called confirmSetup) or canceled.
        return { status: 'failed', code: 'invalid_details', message: `The payment form was not completed (${si.status}).` };
    }
  }

  async function verifyWebhook(payload: string, signatureHeader: string, secret: string): Promise<StripeWebhookEvent> {
    let event: Stripe.Event;
    try {
      // Async + SubtleCrypto: Workers have no synchronous HMAC. The payload must be the raw body.
      event = await stripe.webhooks.constructEventAsync(payload, signatureHeader, secret, undefined, crypto);
    } catch (error) {
      throw new StripeWebhookSignatureError(messageOf(error));
    }
    // Every event type has its own object shape; only these generic fields matter to Porte.
    const object = event.data.object as { object?: unknown; id?: unknown; metadata?: unknown };
    const result: StripeWebhookEvent = { id: event.id, type: event.type };
    if (object.object === 'setup_intent' && typeof object.id === 'string') result.setupIntentId = object.id;
    if (object.metadata && typeof object.metadata === 'object') {
      result.metadata = Object.fromEntries(Object.entries(object.metadata).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
    return result;
  }

  // Scaffold until the Stripe billing work lands: an unknown outcome is the one answer that can
  // never make the engine charge twice or assume a payment.
  const charge = async (): Promise<ChargeResult> => ({ status: 'unknown', message: 'Stripe off-session charges are not wired yet.' });
  const retrieve = async (): Promise<ChargeResult> => ({ status: 'unknown', message: 'Stripe off-session charges are not wired yet.' });
  return { kind: 'stripe', prepare, confirm, verifyWebhook, charge, retrieve };
}

function tokenized(pm: Stripe.PaymentMethod | null, customer: string | null): ConfirmResult {
  let method: TokenizedMethod | null = null;
  if (pm?.type === 'card' && pm.card) {
    const { brand, last4, exp_month, exp_year } = pm.card;
    method = { type: 'card', card: { brand, last4, exp_month, exp_year }, gatewayRef: pm.id };
  } else if (pm?.type === 'sepa_debit' && pm.sepa_debit) {
    method = { type: 'sepa_debit', sepa_debit: { last4: pm.sepa_debit.last4 ?? '', country: pm.sepa_debit.country ?? '' }, gatewayRef: pm.id };
  }
  if (!method) return { status: 'failed', code: 'invalid_details', message: 'Only cards and SEPA Direct Debit are accepted.' };
  return { status: 'succeeded', method, gatewayCustomerId: customer };
}

/** Connection errors, timeouts, 5xx and rate limits pass; a bad key or a refused request will not. */
function isTransient(error: unknown): boolean {
  if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeRateLimitError) return true;
  if (error instanceof Stripe.errors.StripeError) return (error.statusCode ?? 500) >= 500;
  return false;
}

function messageOf(error: unknown): string {
  if (error instanceof Stripe.errors.StripeConnectionError) return 'Stripe could not be reached; please try again.';
  if (error instanceof Error && error.message) return error.message;
  return 'Stripe request failed.';
}

/**
 * "Go live": whether a secret key answers Stripe, with a read-only call (the balance) through the
 * same SDK and settings as payments. Never throws: the page says what is wrong.
 */
export async function checkStripeKey(options: Pick<StripeGatewayOptions, 'secretKey' | 'api' | 'timeoutMs'>): Promise<{ ok: true; livemode: boolean } | { ok: false; message: string }> {
  const stripe = new Stripe(options.secretKey, { httpClient: Stripe.createFetchHttpClient(), maxNetworkRetries: 1, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(options.api ?? {}) });
  try {
    const balance = await stripe.balance.retrieve();
    return { ok: true, livemode: balance.livemode };
  } catch (error) {
    return { ok: false, message: messageOf(error) };
  }
}
