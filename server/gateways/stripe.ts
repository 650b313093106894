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
import { outcomeOf, summarizeEvent } from './stripe-outcomes.ts';
import type { StripeWebhookEvent } from './stripe-outcomes.ts';
import type {
  ChargeInput,
  ChargeResult,
  ConfirmInput,
  ConfirmResult,
  PaymentGateway,
  PreparedCollection,
  PrepareInput,
  RetrieveInput,
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

export type { StripeWebhookEvent } from './stripe-outcomes.ts';

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
const METHOD_TYPES: ('card' | 'sepa_debit')[] = ['card', 'sepa_debit'];
const AUTHENTICATION_CODES = new Set(['setup_intent_authentication_failure', 'authentication_required']);

export function stripeGateway(options: StripeGatewayOptions): StripeGateway {
  const stripe = new Stripe(options.secretKey, {
    // fetch and SubtleCrypto exist on Node 20 and on Workers alike, so one code path serves both.
    httpClient: Stripe.createFetchHttpClient(),
    // Transient 5xx, 409 and connection errors are retried by the SDK with the *same* Idempotency-Key,
    // so a retried create replays the first object instead of making a second one.
    maxNetworkRetries: 2,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // Only where to connect: the SDK refuses any other key (a `timeoutMs` riding along in Config's stripeApi).
    ...(options.api ? { host: options.api.host, port: options.api.port, protocol: options.api.protocol } : {}),
  });
  const crypto = Stripe.createSubtleCryptoProvider();

  async function prepare(input: PrepareInput): Promise<PreparedCollection> {
    const base = input.idempotencyBase;
    try {
      if (input.payment) return await preparePayment(input, input.payment);
      let customer = input.state.customer;
      let setupIntent: Stripe.SetupIntent | null = null;
      if (customer && input.state.setup_intent) {
        setupIntent = await stripe.setupIntents.retrieve(input.state.setup_intent);
        // A canceled SetupIntent cannot be confirmed again: start a fresh one for the same customer,
        // keyed on the old id so a retry of this very step still replays rather than duplicates.
        if (setupIntent.status === 'canceled') setupIntent = await createSetupIntent(customer, input, `${base}:setup_intent:after:${setupIntent.id}`);
      } else {
        customer ??= (await createCustomer(input)).id;
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

  function createCustomer(input: PrepareInput): Promise<Stripe.Customer> {
    return stripe.customers.create(
      {
        ...(input.email ? { email: input.email } : {}),
        ...(input.name ? { name: input.name } : {}),
        metadata: { ...input.metadata, porte_idempotency_base: input.idempotencyBase },
      },
      { idempotencyKey: `${input.idempotencyBase}:customer` },
    );
  }

  /**
   * Pay and save at once: a PaymentIntent with `setup_future_usage: off_session` (a card is saved
   * for renewals, SEPA gets its mandate), confirmed in the page with 3-D Secure when the bank asks.
   * Keyed on the amount too: a price changed while the page was open gets its own PaymentIntent.
   */
  async function preparePayment(input: PrepareInput, payment: NonNullable<PrepareInput['payment']>): Promise<PreparedCollection> {
    const base = input.idempotencyBase;
    const currency = payment.currency.toLowerCase();
    const customer = input.state.customer ?? (await createCustomer(input)).id;
    let pi = input.state.payment_intent ? await stripe.paymentIntents.retrieve(input.state.payment_intent) : null;
    const create = (key: string) =>
      stripe.paymentIntents.create(
        {
          amount: payment.amount,
          currency,
          customer,
          setup_future_usage: 'off_session',
          // SEPA Direct Debit debits euros only.
          allowed_payment_method_types: currency === 'eur' ? METHOD_TYPES : ['card'],
          description: payment.description,
          metadata: { ...input.metadata, porte_idempotency_base: base },
        },
        { idempotencyKey: key },
      );
    if (pi && (pi.status === 'canceled' || pi.amount !== payment.amount || pi.currency !== currency)) pi = await create(`${base}:payment_intent:after:${pi.id}`);
    pi ??= await create(`${base}:payment_intent:${payment.amount}${currency}`);
    if (!pi.client_secret) throw new GatewayUnavailableError('Stripe returned a PaymentIntent without a client secret.', false);
    return { gateway: 'stripe', publishableKey: options.publishableKey, clientSecret: pi.client_secret, intent: 'payment', state: { customer, payment_intent: pi.id } };
  }

  /** The page confirmed the PaymentIntent: re-read it, never trusting what the browser says. */
  async function confirmPayment(input: ConfirmInput): Promise<ConfirmResult> {
    const id = input.fields.payment_intent;
    if (!id || id !== input.state.payment_intent) {
      return { status: 'failed', code: 'invalid_details', message: 'This payment form does not belong to this checkout.', param: 'payment_intent' };
    }
    let pi: Stripe.PaymentIntent;
    try {
      pi = await stripe.paymentIntents.retrieve(id, { expand: ['payment_method'] });
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) {
        return { status: 'failed', code: 'invalid_details', message: 'Stripe does not know this payment form.', param: 'payment_intent' };
      }
      return { status: 'unavailable', message: messageOf(error) };
    }
    const customer = typeof pi.customer === 'string' ? pi.customer : (pi.customer?.id ?? null);
    if (input.state.customer && customer !== input.state.customer) {
      return { status: 'failed', code: 'invalid_details', message: 'This payment form does not belong to this checkout.', param: 'payment_intent' };
    }
    const pm = typeof pi.payment_method === 'string' ? null : pi.payment_method;
    const paid = (status: 'succeeded' | 'processing'): ConfirmResult => {
      const saved = tokenized(pm, customer);
      return saved.status === 'succeeded' ? { ...saved, payment: { id: pi.id, status, amount: pi.amount, currency: pi.currency } } : saved;
    };
    switch (pi.status) {
      case 'succeeded':
        return paid('succeeded');
      case 'processing':
        // SEPA: the mandate is given and the debit is on its way; it settles (or fails) days later.
        return pm ? paid('processing') : { status: 'unavailable', message: 'Stripe is still processing this payment; please try again in a moment.' };
      case 'requires_action':
        return { status: 'requires_action', redirectUrl: pi.next_action?.redirect_to_url?.url ?? null };
      case 'requires_payment_method': {
        const err = pi.last_payment_error;
        if (!err) return { status: 'failed', code: 'invalid_details', message: 'No payment method was submitted.' };
        const code = err.code && (AUTHENTICATION_CODES.has(err.code) || err.code === 'payment_intent_authentication_failure') ? 'authentication_failed' : 'card_declined';
        return { status: 'failed', code, message: err.message ?? 'Your payment was declined.' };
      }
      default:
        return { status: 'failed', code: 'invalid_details', message: `The payment form was not completed (${pi.status}).` };
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
    if (input.state.payment_intent) return confirmPayment(input);
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
    return summarizeEvent(event.id, event.type, event.data.object);
  }

  /**
   * One off-session PaymentIntent per payment attempt, created and confirmed in one call under the
   * attempt's idempotency key (the SDK's own retries reuse it). The key is also kept in the
   * PaymentIntent's metadata, so `retrieve` can find the charge after Stripe forgot the key.
   */
  async function charge(input: ChargeInput): Promise<ChargeResult> {
    try {
      const pi = await stripe.paymentIntents.create(
        {
          amount: input.amount,
          currency: input.currency.toLowerCase(),
          ...(input.gatewayCustomerId ? { customer: input.gatewayCustomerId } : {}),
          payment_method: input.method.gatewayRef,
          // Only the saved method's type: no redirect-based method can sneak in without a return_url.
          allowed_payment_method_types: [input.method.type],
          confirm: true,
          off_session: true,
          description: input.description,
          metadata: { ...input.metadata, [CHARGE_KEY]: input.idempotencyKey },
        },
        { idempotencyKey: input.idempotencyKey },
      );
      return outcomeOf(pi);
    } catch (error) {
      return chargeFailure(error);
    }
  }

  /**
   * What became of an attempt. With its PaymentIntent id: read it. Without one (the answer was
   * lost): look for the PaymentIntent carrying the attempt's key among the customer's, then send the
   * very same create again under the same idempotency key. That is safe: within 24 h Stripe
   * answers a repeated key with the stored first response instead of executing it again (and
   * refuses it with other parameters, so nothing different can be charged under it); after 24 h
   * the search has already found any PaymentIntent made under the key, so a create that runs now
   * is the first one for this attempt — exactly what the engine would send next anyway.
   */
  async function retrieve(input: RetrieveInput): Promise<ChargeResult> {
    try {
      if (input.paymentId) return outcomeOf(await stripe.paymentIntents.retrieve(input.paymentId));
      const customer = input.charge.gatewayCustomerId;
      if (customer) {
        let seen = 0;
        for await (const pi of stripe.paymentIntents.list({ customer, limit: 100 })) {
          if (pi.metadata?.[CHARGE_KEY] === input.idempotencyKey) return outcomeOf(pi);
          if (++seen >= LOOKUP_LIMIT) break;
        }
      }
    } catch (error) {
      return chargeFailure(error);
    }
    return charge(input.charge);
  }

  return { kind: 'stripe', prepare, confirm, verifyWebhook, charge, retrieve };
}

/** Metadata key holding the attempt's idempotency key on every PaymentIntent Porte creates. */
const CHARGE_KEY = 'porte_charge_key';
/** How many of a customer's PaymentIntents `retrieve` reads, newest first, looking for an attempt. */
const LOOKUP_LIMIT = 500;

/**
 * A thrown Stripe error as a charge outcome. A 402 carries the PaymentIntent, whose status says
 * everything; what Stripe refused before executing (bad parameters, a missing payment method) is a
 * failure no retry fixes; anything that may or may not have executed is `unknown`.
 */
function chargeFailure(error: unknown): ChargeResult {
  if (error instanceof Stripe.errors.StripeCardError) {
    const pi = error.payment_intent;
    if (pi) return outcomeOf(pi);
    return { status: 'failed', paymentId: null, code: error.code ?? 'card_declined', ...(error.decline_code ? { declineCode: error.decline_code } : {}), hard: false, message: error.message };
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 400) {
    return { status: 'failed', paymentId: null, code: error.code ?? 'invalid_request', hard: true, message: error.message };
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) {
    return { status: 'failed', paymentId: null, code: error.code ?? 'resource_missing', hard: true, message: error.message };
  }
  // Timeouts, connection errors, 5xx, 409 (key still executing), 429, authentication: nothing may be assumed.
  return { status: 'unknown', message: messageOf(error) };
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
