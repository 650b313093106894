/**
 * Open-loop load: requests leave on a fixed schedule (request i at start + i / rate) whatever the
 * server's answers, and each latency is counted from the request's scheduled time, so a server
 * that falls behind sees its queue in p99 (no coordinated omission). autocannon's `overallRate`
 * is closed-loop per connection and refills its budget once a second (bursts at each second), so
 * it is not used here. Up to `maxInFlight` sockets are open at once: enough that the offered rate
 * is really offered; the achieved rate is reported beside it.
 */
import { Agent, request } from 'node:http';
import { quantiles } from './harness.ts';

export interface OpenLoopRequest {
  readonly method: 'POST' | 'GET';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface OpenLoopOptions {
  readonly url: string;
  /** Requests per second offered. */
  readonly rate: number;
  readonly seconds: number;
  readonly maxInFlight: number;
  /** Request number i (0-based), e.g. a different checkout session each. */
  readonly build: (i: number) => OpenLoopRequest;
  /** The status a successful answer has (303 for a completed checkout). */
  readonly okStatus: number;
}

export interface OpenLoopResult {
  readonly offeredRate: number;
  /** Successful answers per second, from the first send to the last answer. */
  readonly achievedRate: number;
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  readonly codes: Record<string, number>;
  /** From the scheduled send time to the end of the answer, ms (successful answers). */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Most requests in flight at once (the sockets needed). */
  readonly peakInFlight: number;
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxInFlight });
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  const codes: Record<string, number> = {};
  let inFlight = 0;
  let peakInFlight = 0;
  let ok = 0;
  let failed = 0;
  let sent = 0;
  let lastAnswer = 0;
  const started = performance.now();

  const send = (i: number, scheduled: number) =>
    new Promise<void>((resolve) => {
      const r = options.build(i);
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      const done = (status: number | 'error') => {
        inFlight--;
        lastAnswer = performance.now();
        codes[status] = (codes[status] ?? 0) + 1;
        if (status === options.okStatus) {
          ok++;
          latencies.push(lastAnswer - scheduled);
        } else failed++;
        resolve();
      };
      const req = request(
        { agent, host: target.hostname, port: target.port, method: r.method, path: r.path, headers: { ...r.headers, ...(r.body ? { 'Content-Length': Buffer.byteLength(r.body) } : {}) } },
        (res) => {
          res.resume();
          res.once('end', () => done(res.statusCode ?? 0));
          res.once('error', () => done('error'));
        },
      );
      req.once('error', () => done('error'));
      req.end(r.body);
    });

  const pending: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Everything due by now leaves now: a late timer does not lower the offered rate.
      while (sent < total && started + sent * interval <= now) {
        pending.push(send(sent, started + sent * interval));
        sent++;
      }
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, Math.min(interval, started + sent * interval - performance.now())));
    };
    tick();
  });
  await Promise.all(pending);
  agent.destroy();
  const q = quantiles(latencies);
  return {
    offeredRate: options.rate,
    achievedRate: ok / ((lastAnswer - started) / 1000),
    sent,
    ok,
    failed,
    codes,
    p50: q.p50,
    p99: q.p99,
    max: q.max,
    peakInFlight,
  };
}
