import { Webhook } from 'standardwebhooks';
import type { Database } from '../db/port.ts';
import type { Deps, Egress } from '../deps.ts';
import { newId } from '../lib/ids.ts';
import { allowsPrivateWebhooks, checkDestination } from './destination.ts';

/**
 * Delivery from the outbox, at least once: fan-out turns new events into one delivery row per
 * subscribed endpoint; `deliverDue` sends what is due, signed (Standard Webhooks), and reschedules
 * failures with exponential backoff over about three days before giving up and marking the
 * endpoint failing. The same code runs in the Node loop and in the Workers cron trigger.
 */
export const BACKOFF_SECONDS = [5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 86400];
const LEASE_MS = 60_000;
const TIMEOUT_MS = 10_000;

export async function fanOut(db: Database, now: Date, batch = 500): Promise<number> {
  const cursor = (await db.get<{ event_seq: number }>("SELECT event_seq FROM outbox_cursor WHERE name = 'fanout'"))?.event_seq ?? 0;
  const last = await db.get<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM (SELECT seq FROM events WHERE seq > ? ORDER BY seq LIMIT ?)', [cursor, batch]);
  if (!last?.seq) return 0;
  // One batch: the deliveries and the cursor move together, so a crash never loses or repeats a fan-out.
  const [inserted] = await db.batch([
    {
      sql: `INSERT OR IGNORE INTO webhook_deliveries (id, endpoint_id, event_id, next_attempt_at, created_at)
            SELECT 'whd_' || lower(hex(randomblob(10))), w.id, e.id, ?, ?
            FROM events e JOIN webhook_endpoints w ON w.merchant_id = e.merchant_id
            WHERE e.seq > ? AND e.seq <= ? AND w.status != 'disabled' AND e.seq > w.from_event_seq
              AND (w.events LIKE '%"*"%' OR instr(w.events, '"' || e.type || '"') > 0)`,
      params: [now.toISOString(), now.toISOString(), cursor, last.seq],
    },
    { sql: "UPDATE outbox_cursor SET event_seq = ? WHERE name = 'fanout' AND event_seq = ?", params: [last.seq, cursor] },
  ]);
  return inserted?.changes ?? 0;
}

interface DueRow {
  id: string;
  attempts: number;
  next_attempt_at: string;
  endpoint_id: string;
  url: string;
  secret: string;
  event_id: string;
  type: string;
  data: string;
  event_created_at: string;
}

export interface DeliverOptions {
  /** Whether loopback/private destinations are allowed (see destination.ts); no default, on purpose. */
  allowPrivate: boolean;
  /** Node: resolve, then connect to the address checked. Absent (Workers): literal addresses are checked. */
  egress?: Egress;
  fetch?: typeof fetch;
  limit?: number;
  /** How long a claimed delivery stays leased (a drain that died releases it after this). */
  leaseMs?: number;
}

/** The delivery options an app's dependencies call for: the same in the Node loop and the Workers cron. */
export const deliveryOptions = (deps: Pick<Deps, 'config' | 'egress'>): DeliverOptions => ({
  allowPrivate: allowsPrivateWebhooks(deps.config),
  egress: deps.egress,
  leaseMs: deps.config.recoveryMs,
});

type Outcome = { ok: boolean; status: number | null; error: string | null };

async function attempt(row: DueRow, options: DeliverOptions): Promise<Outcome> {
  // Checked at every attempt, not only at creation: DNS can change in between.
  const destination = await checkDestination(row.url, options.allowPrivate, options.egress);
  if (!destination.ok) return { ok: false, status: null, error: `Not sent: ${destination.reason}`.slice(0, 200) };
  const timestamp = new Date();
  const body = JSON.stringify({ type: row.type, timestamp: row.event_created_at, data: JSON.parse(row.data) });
  const signature = new Webhook(row.secret).sign(row.event_id, timestamp, body);
  const init: RequestInit = {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'Porte-Webhooks/1',
      'webhook-id': row.event_id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
    redirect: 'manual',
  };
  try {
    // The connection goes to the address just checked, not to a second DNS answer.
    const res =
      destination.address && options.egress ? await options.egress.fetchVia(destination.address, row.url, init) : await (options.fetch ?? fetch)(row.url, init);
    await res.body?.cancel();
    return { ok: res.status >= 200 && res.status < 300, status: res.status, error: res.ok ? null : `HTTP ${res.status}` };
  } catch (error) {
    return { ok: false, status: null, error: error instanceof Error ? error.message.slice(0, 200) : 'request failed' };
  }
}

/** Sends every due delivery once; returns how many were delivered. */
export async function deliverDue(db: Database, clock: () => Date, options: DeliverOptions): Promise<number> {
  const now = clock();
  await fanOut(db, now);
  const rows = await db.all<DueRow>(
    `SELECT d.id, d.attempts, d.next_attempt_at, d.endpoint_id, w.url, w.secret, e.id AS event_id, e.type, e.data,
            e.created_at AS event_created_at
     FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id JOIN events e ON e.id = d.event_id
     WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND w.status != 'disabled'
     ORDER BY d.next_attempt_at LIMIT ?`,
    [now.toISOString(), options.limit ?? 100],
  );
  let delivered = 0;
  await Promise.all(
    rows.map(async (row) => {
      // Lease: whoever moves next_attempt_at first owns this attempt (another loop or cron skips it).
      const lease = new Date(now.getTime() + (options.leaseMs ?? LEASE_MS)).toISOString();
      const claimed = await db.run("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ? AND next_attempt_at = ? AND status = 'pending'", [
        lease,
        row.id,
        row.next_attempt_at,
      ]);
      if (claimed.changes === 0) return;
      const result = await attempt(row, options);
      const at = clock().toISOString();
      if (result.ok) {
        delivered++;
        await db.batch([
          { sql: "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL, delivered_at = ? WHERE id = ?", params: [result.status, at, row.id] },
          { sql: "UPDATE webhook_endpoints SET status = 'enabled' WHERE id = ? AND status = 'failing'", params: [row.endpoint_id] },
        ]);
        return;
      }
      const attempts = row.attempts + 1;
      const wait = BACKOFF_SECONDS[attempts - 1];
      if (wait === undefined) {
        await db.batch([
          { sql: "UPDATE webhook_deliveries SET status = 'failed', attempts = ?, last_status = ?, last_error = ? WHERE id = ?", params: [attempts, result.status, result.error, row.id] },
          { sql: "UPDATE webhook_endpoints SET status = 'failing' WHERE id = ? AND status = 'enabled'", params: [row.endpoint_id] },
        ]);
        return;
      }
      const next = new Date(clock().getTime() + wait * 1000).toISOString();
      await db.run('UPDATE webhook_deliveries SET attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ? WHERE id = ?', [
        attempts,
        next,
        result.status,
        result.error,
        row.id,
      ]);
    }),
  );
  return delivered;
}

/** "Resend" from the back-office or API: due now, whatever happened before. */
export async function resend(db: Database, deliveryId: string, now: Date): Promise<boolean> {
  const res = await db.run("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ? WHERE id = ?", [now.toISOString(), deliveryId]);
  return res.changes > 0;
}

export const newEndpointSecret = (): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
};

export const newEndpointId = (): string => newId('we');
