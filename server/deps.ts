import type { Database } from './db/port.ts';

export interface Config {
  /** Public base URL, e.g. http://localhost:8787: used in every link Porte hands out. */
  readonly publicUrl: string;
  /** Default Stripe keys (STRIPE_* variables) for merchants that chose Stripe without keys of their own. */
  readonly stripe?: { secretKey?: string; publishableKey?: string; webhookSecret?: string };
  /** Where the Stripe SDK connects: tests point it at a local Stripe-protocol server. */
  readonly stripeApi?: { host: string; port: number; protocol: 'http' | 'https'; timeoutMs?: number };
  /**
   * PBKDF2-SHA256 iterations for new password hashes (and for re-hashing weaker ones at login).
   * The entry sets what its runtime allows: 600k on Node (OWASP), 100k on Workers (its cap and the default).
   */
  readonly passwordIterations?: number;
  /**
   * PORTE_WEBHOOK_ALLOW_PRIVATE: webhooks may go to loopback/private/link-local addresses. Absent:
   * allowed only when `publicUrl` is itself on localhost (see webhooks/destination.ts).
   */
  readonly webhookAllowPrivate?: boolean;
  /**
   * After how long a pending Idempotency-Key or a leased webhook delivery is taken to belong to a
   * request or a drain that died (a crash), so another may take it over. Default 60 s.
   */
  readonly recoveryMs?: number;
}

/** Network access for outgoing webhooks (Node: DNS + connections pinned to an address). Absent on Workers. */
export interface Egress {
  /** Every address a host name resolves to. */
  resolve(host: string): Promise<string[]>;
  /** `fetch`, but connected to `address` whatever the URL's host resolves to now (Host and TLS name stay the URL's). */
  fetchVia(address: string, url: string, init: RequestInit): Promise<Response>;
}

/** Everything `createApp` needs. The app reads no environment: entries build this. */
export interface Deps {
  readonly db: Database;
  readonly clock: () => Date;
  readonly config: Config;
  /** Structured logs, one JSON object per line (request logs, errors). Absent: silent (tests). */
  readonly log?: (entry: Record<string, unknown>) => void;
  /** Node only: resolve host names and connect to the address checked (webhook SSRF guard). */
  readonly egress?: Egress;
}

// Lines are batched and written once per turn of the event loop: one write per burst instead of
// one synchronous console call per request (logging was ~15% of a request's CPU under load).
let pending: string[] = [];
const flush = (): void => {
  const lines = pending;
  pending = [];
  console.log(lines.join('\n'));
};

export const jsonLogger = (entry: Record<string, unknown>): void => {
  if (pending.length === 0) setTimeout(flush, 0);
  pending.push(JSON.stringify({ time: new Date().toISOString(), ...entry }));
};

export const systemClock = (): Date => new Date();
