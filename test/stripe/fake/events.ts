/**
 * Events as Stripe sends them: built by the server from the object as it is at the transition,
 * serialized once, signed with the endpoint's secret (`Stripe-Signature: t=…,v1=HMAC-SHA256(t.payload)`)
 * and POSTed to the endpoint's URL after the API answer that caused them. Tests never build events
 * by hand, so a key the app reads that Stripe does not send (or sends elsewhere) fails them.
 */
import { createHmac } from 'node:crypto';
import type { Account, JsonObject } from './core.ts';

/** Where a test wants events: a URL, and optionally how to reach it (an in-process app has no socket). */
export interface WebhookEndpoint {
  url: string;
  secret: string;
  /** Only these types (Stripe's `enabled_events`); all when absent. */
  events?: string[];
  /** Defaults to `fetch`. */
  transport?: (url: string, init: { method: 'POST'; headers: Record<string, string>; body: string }) => Promise<{ status: number }>;
}

export interface Delivery {
  event: JsonObject;
  /** The exact bytes sent and the header that signed them, for tests that replay or tamper with one. */
  payload: string;
  signature: string;
  status: number | 'error';
}

export const API_VERSION = '2026-10-28.endive';

export function signature(payload: string, secret: string, timestamp: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

export function eventBus(nowSeconds: () => number) {
  const endpoints: WebhookEndpoint[] = [];
  const deliveries: Delivery[] = [];
  const queue: { account: Account; event: JsonObject }[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  /** While true, events are recorded but never sent (an endpoint down, a webhook lost for good). */
  const state = { dropping: false };
  let counter = 0;

  /** Snapshot now: the event carries the object as it was at this transition, not as it ends up. */
  function emit(account: Account, type: string, object: JsonObject): JsonObject {
    const id = `evt_fake${(++counter).toString(36).padStart(6, '0')}`;
    const event: JsonObject = {
      ...{ id, object: 'event', api_version: API_VERSION, created: nowSeconds(), livemode: false, pending_webhooks: endpoints.length, type },
      data: { object: structuredClone(object) },
      request: { id: null, idempotency_key: null },
    };
    account.objects.event.set(id, event);
    queue.push({ account, event });
    return event;
  }

  async function deliver(event: JsonObject): Promise<void> {
    for (const endpoint of endpoints) {
      if (endpoint.events && !endpoint.events.includes(String(event.type))) continue;
      const payload = JSON.stringify(event, null, 2);
      const header = signature(payload, endpoint.secret, nowSeconds());
      const send = endpoint.transport ?? ((url, init) => fetch(url, init));
      const record: Delivery = { event, payload, signature: header, status: 'error' };
      deliveries.push(record);
      if (state.dropping) continue;
      try {
        const res = await send(endpoint.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
          body: payload,
        });
        record.status = res.status;
      } catch {
        record.status = 'error';
      }
    }
  }

  /** Sends what is queued, in order, one at a time (Stripe does not promise order; tests get determinism). */
  function flushQueue(): Promise<void> {
    const batch = queue.splice(0);
    inFlight = inFlight.then(async () => {
      for (const { event } of batch) await deliver(event);
    });
    return inFlight;
  }

  return {
    state,
    endpoints,
    deliveries,
    emit,
    /** Called after each answer is written: deliveries start then, in the background. */
    kick: (): void => {
      void flushQueue();
    },
    /** Resolves once every event emitted so far has been delivered (or failed to be). */
    flush: (): Promise<void> => flushQueue(),
  };
}
