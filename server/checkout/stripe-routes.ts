import type { Hono } from 'hono';
import * as v from 'valibot';
import type { Deps } from '../deps.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { merchantRepository } from '../merchants/repository.ts';
import type { PaymentGateway } from '../gateways/port.ts';
import { type CheckoutDetails, finalizeOnce } from './complete.ts';
import { loadOffer } from './offer.ts';
import { csrfOk, load } from './pages.tsx';
import { checkoutRepository } from './repository.ts';
import { checkoutFormSchema } from './schema.ts';
import { effectiveStatus } from './service.ts';
import { validateDetails } from './submit.ts';

const eventShape = v.object({ data: v.object({ object: v.object({ metadata: v.optional(v.record(v.string(), v.string())) }) }) });

/**
 * Stripe's side of checkout. The page saves the customer's details before confirming the
 * SetupIntent in the browser, so that `setup_intent.succeeded` can complete the checkout from
 * the webhook even if the browser closes right after confirmation.
 */
export function stripeRoutes(app: Hono<AppEnv>): void {
  app.post('/checkout/:id/details', async (c) => {
    const l = await load(c);
    if (!l) return c.json({ ok: false }, 404);
    const parsed = v.safeParse(checkoutFormSchema, Object.fromEntries(Object.entries(await c.req.parseBody()).filter(([, x]) => typeof x === 'string')));
    if (!parsed.success || !(await csrfOk(c, l.session, parsed.output.csrf))) return c.json({ ok: false }, 403);
    const { details, errors } = validateDetails(parsed.output);
    if (Object.keys(errors).length > 0) return c.json({ ok: false, errors }, 422);
    await checkoutRepository(c.var.deps.db).saveGatewayState(l.session.id, { ...l.session.gatewayState, details: JSON.stringify(details) });
    return c.json({ ok: true });
  });

  app.post('/webhooks/stripe', async (c) => {
    const payload = await c.req.text();
    const signature = c.req.header('Stripe-Signature') ?? '';
    // Which merchant's endpoint secret applies is read from the (not yet trusted) metadata, then
    // the signature is verified with that secret before anything is acted upon.
    let metadata: Record<string, string> = {};
    try {
      const shape = v.safeParse(eventShape, JSON.parse(payload));
      metadata = shape.success ? (shape.output.data.object.metadata ?? {}) : {};
    } catch {
      throw new ApiError(400, 'invalid_request_error', 'payload_invalid', 'The payload is not JSON.');
    }
    const merchant = metadata.porte_merchant ? await merchantRepository(c.var.deps.db).byId(metadata.porte_merchant) : undefined;
    const deps = c.var.deps;
    const secret = merchant?.stripeWebhookSecret ?? deps.config.stripe?.webhookSecret;
    const secretKey = merchant?.stripeSecretKey ?? deps.config.stripe?.secretKey;
    const publishableKey = merchant?.stripePublishableKey ?? deps.config.stripe?.publishableKey;
    if (!merchant || !secret || !secretKey || !publishableKey) return c.json({ received: true, ignored: 'unknown merchant' });
    const { stripeGateway } = await import('../gateways/stripe.ts');
    const gateway = stripeGateway({ secretKey, publishableKey, api: deps.config.stripeApi, timeoutMs: deps.config.stripeApi?.timeoutMs });
    let event: Awaited<ReturnType<typeof gateway.verifyWebhook>>;
    try {
      event = await gateway.verifyWebhook(payload, signature, secret);
    } catch {
      throw new ApiError(400, 'invalid_request_error', 'signature_invalid', 'The Stripe-Signature header does not match.', 'Stripe-Signature');
    }
    if (event.type === 'setup_intent.succeeded' && event.metadata?.porte_checkout_session) {
      await completeFromWebhook(deps, event.metadata.porte_checkout_session, gateway);
    }
    return c.json({ received: true });
  });
}

async function completeFromWebhook(deps: Deps, sessionId: string, gateway: PaymentGateway): Promise<void> {
  const session = await checkoutRepository(deps.db).byId(sessionId);
  if (!session || effectiveStatus(session, deps.clock()) !== 'open' || !session.gatewayState.details) return;
  const merchant = await merchantRepository(deps.db).byId(session.merchantId);
  const offer = merchant && (await loadOffer(deps.db, merchant.id, session.offerId));
  if (!merchant || !offer) return;
  // The SetupIntent is re-read from Stripe by the adapter: the webhook body is only a hint.
  const result = await gateway.confirm({
    idempotencyBase: session.id,
    state: session.gatewayState,
    fields: { setup_intent: session.gatewayState.setup_intent ?? '' },
    returnUrl: '',
  });
  if (result.status !== 'succeeded') return;
  const details = JSON.parse(session.gatewayState.details) as CheckoutDetails;
  await finalizeOnce(deps, merchant, session, offer, details, result.method, result.gatewayCustomerId, 'stripe').catch((error: unknown) => {
    // The customer was erased meanwhile: nothing to complete, and nothing for Stripe to retry.
    if (!(error instanceof ApiError && error.code === 'customer_anonymized')) throw error;
  });
}
