import type { Deps } from '../deps.ts';
import { attachmentsFor } from './attachments.ts';
import { fanOutEmails } from './fanout.ts';

/**
 * Email delivery from the outbox: one drain shared by the Node loop and the Workers cron, driven
 * by the injected clock. Due `pending` rows are leased, sent, and recorded `sent`; failures
 * (refusals, 4xx and 5xx alike, timeouts, dropped connections) are retried with backoff, then
 * marked `failed`. Each row carries the Message-ID Porte chose when writing it: a drain that died
 * after the server accepted a message but before recording it sends the very same message again
 * once its lease runs out, and a server that keeps Message-IDs drops the duplicate.
 */
export const EMAIL_BACKOFF_SECONDS = [60, 300, 900, 3600, 10_800, 21_600, 43_200, 86_400];
const LEASE_MS = 120_000;

interface DueRow {
  id: string;
  merchant_id: string;
  kind: string;
  from_address: string;
  reply_to: string | null;
  to_address: string;
  subject: string;
  html: string;
  text: string;
  message_id: string;
  data: string;
  attempts: number;
  next_attempt_at: string;
}

export interface DrainOptions {
  limit?: number;
  /** How long a claimed email stays leased; a drain that died releases it after this. */
  leaseMs?: number;
}

/** Fans out new events, then sends what is due; returns how many emails were sent. */
export async function drainEmails(deps: Deps, options: DrainOptions = {}): Promise<number> {
  await fanOutEmails(deps);
  const transport = deps.mailer;
  // Without a transport every row is written `stored`: there is nothing to send.
  if (!transport) return 0;
  const now = deps.clock();
  const rows = await deps.db.all<DueRow>(
    `SELECT id, merchant_id, kind, from_address, reply_to, to_address, subject, html, text, message_id, data, attempts, next_attempt_at
     FROM emails WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
    [now.toISOString(), options.limit ?? 50],
  );
  let sent = 0;
  // One at a time: SMTP servers throttle parallel connections from one client, and a chunk is small.
  for (const row of rows) {
    // Lease: whoever moves next_attempt_at first owns this attempt (another loop or cron skips it).
    const lease = new Date(now.getTime() + (options.leaseMs ?? deps.config.recoveryMs ?? LEASE_MS)).toISOString();
    const claimed = await deps.db.run("UPDATE emails SET next_attempt_at = ? WHERE id = ? AND next_attempt_at = ? AND status = 'pending'", [lease, row.id, row.next_attempt_at]);
    if (claimed.changes === 0) continue;
    let outcome: { ok: true; response: string | null } | { ok: false; error: string };
    try {
      const attachments = await attachmentsFor(deps, { id: row.id, merchantId: row.merchant_id, kind: row.kind, data: JSON.parse(row.data) as Record<string, string> });
      const info = await transport.send({
        messageId: row.message_id,
        from: row.from_address,
        to: row.to_address,
        replyTo: row.reply_to ?? undefined,
        subject: row.subject,
        html: row.html,
        text: row.text,
        attachments,
      });
      outcome = { ok: true, response: info.response?.slice(0, 200) ?? null };
    } catch (error) {
      outcome = { ok: false, error: (error instanceof Error ? error.message : String(error)).slice(0, 300) };
    }
    const at = deps.clock();
    if (outcome.ok) {
      sent++;
      await deps.db.run("UPDATE emails SET status = 'sent', attempts = attempts + 1, sent_at = ?, server_response = ?, last_error = NULL WHERE id = ? AND status = 'pending'", [
        at.toISOString(),
        outcome.response,
        row.id,
      ]);
      continue;
    }
    const attempts = row.attempts + 1;
    const wait = EMAIL_BACKOFF_SECONDS[attempts - 1];
    if (wait === undefined) {
      await deps.db.run("UPDATE emails SET status = 'failed', attempts = ?, last_error = ? WHERE id = ? AND status = 'pending'", [attempts, outcome.error, row.id]);
      continue;
    }
    await deps.db.run("UPDATE emails SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'", [
      attempts,
      new Date(at.getTime() + wait * 1000).toISOString(),
      outcome.error,
      row.id,
    ]);
  }
  return sent;
}
