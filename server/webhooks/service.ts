import type { Deps } from '../deps.ts';
import { sql } from '../db/port.ts';
import { invalid } from '../http/errors.ts';
import type { Merchant } from '../merchants/repository.ts';
import { newEndpointId, newEndpointSecret } from './delivery.ts';
import type { Endpoint } from './repository.ts';
import { allowsPrivateWebhooks, checkDestination } from './destination.ts';
import type { WebhookEndpointCreate } from './schema.ts';

/**
 * Creates an endpoint (API and back-office alike). It receives only events committed after it
 * exists; its whsec_ secret is returned here and shown once.
 */
export async function createEndpoint(deps: Deps, merchant: Merchant, input: WebhookEndpointCreate): Promise<Endpoint> {
  if (merchant.mode === 'live' && !input.url.startsWith('https://')) throw invalid('url', 'Live-mode webhook endpoints must use https.');
  // A name that does not resolve yet is accepted (DNS may come later); delivery checks again.
  const destination = await checkDestination(input.url, allowsPrivateWebhooks(deps.config), deps.egress);
  if (!destination.ok && destination.private) throw invalid('url', destination.reason, 'url_private');
  const now = deps.clock().toISOString();
  const last = await deps.db.get<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM events');
  const endpoint: Endpoint = { seq: 0, id: newEndpointId(), merchantId: merchant.id, url: input.url, events: input.events, secret: newEndpointSecret(), status: 'enabled', createdAt: now };
  await deps.db.batch([
    sql(
      'INSERT INTO webhook_endpoints (id, merchant_id, url, events, secret, status, created_at, from_event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      endpoint.id, endpoint.merchantId, endpoint.url, JSON.stringify(endpoint.events), endpoint.secret, endpoint.status, now, last?.seq ?? 0,
    ),
  ]);
  return endpoint;
}

export async function deleteEndpoint(deps: Deps, endpoint: Endpoint): Promise<void> {
  await deps.db.batch([sql('DELETE FROM webhook_endpoints WHERE id = ? AND merchant_id = ?', endpoint.id, endpoint.merchantId)]);
}
