import * as v from 'valibot';
import { jsonObject } from '../http/validate.ts';

export const EVENT_TYPES = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'customer.anonymized',
  'customer.grey_listed',
  'customer.payment_method.updated',
  'subscription.created',
  'subscription.updated',
  'subscription.canceled',
  'subscription.trial_will_end',
  'checkout_session.completed',
  'invoice.created',
  'invoice.finalized',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.payment_action_required',
  'invoice.voided',
  'invoice.marked_uncollectible',
] as const;

export const webhookEndpointCreateSchema = jsonObject(
  v.strictObject({
    url: v.pipe(v.string('url must be a string.'), v.trim(), v.maxLength(2000, 'url must be at most 2000 characters.'), v.url('url must be an absolute URL.'), v.regex(/^https?:\/\//, 'url must be an http(s) URL.')),
    events: v.pipe(
      v.array(v.picklist([...EVENT_TYPES, '*'], `events may hold: ${EVENT_TYPES.join(', ')} or *.`), 'events must be a list of event types.'),
      v.minLength(1, 'events must list at least one event type.'),
      v.maxLength(20, 'events lists too many types.'),
    ),
    description: v.optional(v.pipe(v.string(), v.maxLength(200, 'description must be at most 200 characters.'))),
  }),
  'The request body must be a JSON object.',
);

export type WebhookEndpointCreate = v.InferOutput<typeof webhookEndpointCreateSchema>;

export const webhookEndpointOut = v.object({
  id: v.string(),
  object: v.literal('webhook_endpoint'),
  url: v.string(),
  events: v.array(v.string()),
  status: v.picklist(['enabled', 'failing', 'disabled']),
  secret: v.optional(v.string()),
  created_at: v.string(),
});

export const webhookDeliveryOut = v.object({
  id: v.string(),
  object: v.literal('webhook_delivery'),
  event: v.string(),
  event_type: v.string(),
  status: v.picklist(['pending', 'delivered', 'failed']),
  attempts: v.number(),
  next_attempt_at: v.nullable(v.string()),
  last_status: v.nullable(v.number()),
  last_error: v.nullable(v.string()),
  created_at: v.string(),
  delivered_at: v.nullable(v.string()),
});
