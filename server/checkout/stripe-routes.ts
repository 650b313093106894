import type { Hono } from 'hono';
import * as v from 'valibot';
import type { Deps } from '../deps.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { type Merchant, merchantRepository } from '../merchants/repository.ts';
import { csrfOk, load } from './pages.tsx';
import { checkoutRepository } from './repository.ts';
import { checkoutFormSchema } from './schema.ts';
import { handleStripeEvent } from './stripe-events.ts';
import { validateDetails, dueChanged } from './submit.ts';

/** Just enough of an event to find whose it is; nothing in it is trusted before the signature is checked. */
const eventShape = v.object({
  data: v.object({
    object: v.object({
      object: v.optional(v.string()),
      metadata: v.optional(v.nullable(v.record(v.string(), v.string()))),
      customer: v.optional(v.nullable(v.string())),
      payment_method: v.optional(v.nullable(v.string())),
    }),
  }),
});

/**
 * The merchant an event is about: named in the metadata Porte puts on every SetupIntent and
 * PaymentIntent it creates, or found from the Stripe customer or payment method Porte saved
 * (mandates carry no metadata).
 */
async function merchantOf(deps: Deps, payload: string): Promise<Merchant | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    throw new ApiError(400, 'invalid_request_error', 'payload_invalid', 'The payload is not JSON.');
  }
  const shape = v.safeParse(eventShape, parsed);
  if (!shape.success) return undefined;
  const o = shape.output.data.object;
  let merchantId = o.metadata?.porte_merchant ?? null;
  if (!merchantId && (o.customer || o.payment_method)) {
    const row = await deps.db.get<{ merchant_id: string }>(
      "SELECT merchant_id FROM customer_gateway_refs WHERE gateway = 'stripe' AND (gateway_customer_id = ? OR payment_method_ref = ?) LIMIT 1",
      [o.customer ?? null, o.payment_method ?? null],
    );
    merchantId = row?.merchant_id ?? null;
  }
  return merchantId ? merchantRepository(deps.db).byId(merchantId) : undefined;
}

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
    // Not confirmed at the amount the page shows: the form is posted, and comes back with the new one.
    if (dueChanged(l.offer, l.merchant, parsed.output, details)) return c.json({ ok: false, errors: { due_total: 'amount_changed' } }, 422);
    await checkoutRepository(c.var.deps.db).saveGatewayState(l.session.id, { ...l.session.gatewayState, details: JSON.stringify(details) });
    return c.json({ ok: true });
  });

  app.post('/webhooks/stripe', async (c) => {
    const payload = await c.req.text();
    const signature = c.req.header('Stripe-Signature') ?? '';
    const deps = c.var.deps;
    // Which merchant's endpoint secret applies is read from the (not yet trusted) payload, then the
    // signature is verified with that secret before anything is acted upon.
    const merchant = await merchantOf(deps, payload);
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
    await handleStripeEvent(deps, merchant, gateway, event);
    return c.json({ received: true });
  });
}
