import * as v from 'valibot';
import { checkoutSessionOut } from '../checkout/schema.ts';
import { customerOut } from '../customers/schema.ts';
import { invoiceOut } from '../invoices/schema.ts';
import { subscriptionOut } from '../subscriptions/repository.ts';
import type { EventType } from './outbox.ts';

/**
 * Every outgoing webhook event and the shape of its `data`: the one place that describes them,
 * read by the OpenAPI document's `webhooks` section (and by anything else that needs the list).
 * An event emitted with an object that changed carries `{object, previous_attributes}`.
 */

/** Invoice events carry the invoice exactly as the API returns it. */
const invoiceEventObject = invoiceOut;

const changed = <S extends v.GenericSchema>(object: S) =>
  v.object({
    object,
    previous_attributes: v.pipe(v.record(v.string(), v.unknown()), v.description('The changed fields as they were before this event.')),
  });

export interface EventDescription {
  readonly summary: string;
  readonly data: v.GenericSchema;
}

export const EVENT_CATALOGUE = {
  'customer.created': { summary: 'A customer was created (API, back-office or checkout).', data: customerOut },
  'customer.updated': { summary: 'A customer changed.', data: changed(customerOut) },
  'customer.deleted': { summary: 'A customer was deleted; `data` is the customer as it was.', data: customerOut },
  'customer.anonymized': { summary: "A customer's personal data was erased (GDPR); `data` is the anonymized customer.", data: customerOut },
  'customer.grey_listed': { summary: 'A customer was put on the grey list (by the merchant or after repeated payment failures).', data: customerOut },
  'customer.payment_method.updated': { summary: "A customer's saved payment method changed.", data: customerOut },
  'subscription.created': { summary: 'A subscription started.', data: subscriptionOut },
  'subscription.updated': { summary: 'A subscription changed (status, period, pending cancellation).', data: changed(subscriptionOut) },
  'subscription.canceled': { summary: 'A subscription ended.', data: subscriptionOut },
  'subscription.trial_will_end': { summary: "A subscription's trial ends in 3 days.", data: subscriptionOut },
  'checkout_session.completed': { summary: 'A checkout session completed: the customer and the subscription exist.', data: checkoutSessionOut },
  'invoice.created': { summary: 'An invoice was created (draft).', data: invoiceEventObject },
  'invoice.finalized': { summary: 'An invoice was finalized: it has its number and can be paid.', data: invoiceEventObject },
  'invoice.paid': { summary: 'An invoice was paid (charge or payment recorded out of band).', data: invoiceEventObject },
  'invoice.payment_failed': { summary: "A charge for an invoice failed; `next_payment_attempt` says when it is retried.", data: invoiceEventObject },
  'invoice.payment_action_required': { summary: 'A charge needs the customer to authenticate (3-D Secure) on the hosted invoice page.', data: invoiceEventObject },
  'invoice.voided': { summary: 'An open invoice was voided.', data: invoiceEventObject },
  'invoice.marked_uncollectible': { summary: 'An invoice was given up on after the last retry.', data: invoiceEventObject },
} as const satisfies Record<string, EventDescription>;

export type DocumentedEvent = keyof typeof EVENT_CATALOGUE;

// Compile-time check: every event the outbox can emit is described above.
const _everyEmittedEventIsDescribed: Record<EventType, EventDescription> = EVENT_CATALOGUE;
void _everyEmittedEventIsDescribed;
