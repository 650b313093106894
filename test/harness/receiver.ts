// A merchant's webhook receiver on loopback, written the way the docs tell merchants to: verify the
// Standard Webhooks signature with the `standardwebhooks` library, then de-duplicate by `webhook-id`
// (delivery is at least once). Keeps every attempt so tests can count retries and bad signatures.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedEvent {
  id: string;
  type: string;
  data: unknown;
  /** The body's `timestamp` (when the event happened). */
  timestamp: string;
  /** How many times this webhook-id arrived (1 = no duplicate). */
  deliveries: number;
}

export interface WebhookReceiver {
  /** e.g. http://127.0.0.1:41234/hooks */
  readonly url: string;
  /** The endpoint's signing secret (`whsec_…`), known once the endpoint is registered. */
  secret: string;
  /** Unique events by webhook-id, in order of first arrival. */
  readonly events: Map<string, ReceivedEvent>;
  /** Every POST, verified or not. */
  attempts(): number;
  /** POSTs whose signature did not verify (answered 400, so Porte would retry them). */
  rejected(): number;
  /** Waits until every id is in `events`, or the deadline passes; returns the ids still missing. */
  waitFor(ids: Iterable<string>, deadline: number): Promise<string[]>;
  close(): Promise<void>;
}

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });

export async function startReceiver(path = '/hooks'): Promise<WebhookReceiver> {
  const events = new Map<string, ReceivedEvent>();
  let attempts = 0;
  let rejected = 0;
  const receiver = { secret: '' } as { secret: string };

  const server = createServer(async (req, res) => {
    const body = await read(req).catch(() => '');
    attempts++;
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    let payload: { type: string; timestamp: string; data: unknown };
    try {
      if (req.method !== 'POST' || req.url !== path || !receiver.secret) throw new Error('unexpected request');
      payload = new Webhook(receiver.secret).verify(body, headers) as { type: string; timestamp: string; data: unknown };
    } catch {
      rejected++;
      res.writeHead(400).end();
      return;
    }
    const id = headers['webhook-id'];
    const seen = events.get(id);
    if (seen) seen.deliveries++;
    else events.set(id, { id, type: payload.type, timestamp: payload.timestamp, data: payload.data, deliveries: 1 });
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}${path}`,
    events,
    attempts: () => attempts,
    rejected: () => rejected,
    async waitFor(ids: Iterable<string>, deadline: number) {
      const wanted = [...ids];
      let missing = wanted.filter((id) => !events.has(id));
      while (missing.length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        missing = missing.filter((id) => !events.has(id));
      }
      return missing;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
