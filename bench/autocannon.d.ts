/**
 * The slice of autocannon 8 the benchmarks use. Local because @types/autocannon stops at 7.x
 * (its major does not match the installed 8.0.0), and a hand-written subset keeps us honest about
 * which parts of the API we rely on.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

  /** The raw request handed to `setupRequest`: defaults merged with the request's own fields. */
  export interface RawRequest {
    method: Method;
    path: string;
    headers: Record<string, string>;
    body?: string | Buffer;
  }

  export interface Request {
    method?: Method;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    /** Runs before every send of this request; returning a falsy value restarts the sequence. */
    setupRequest?: (request: RawRequest, context: Record<string, unknown>) => RawRequest | null | undefined;
    onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
  }

  /** One per connection, given to `setupClient` before its first request. */
  export interface Client extends EventEmitter {
    setRequests(requests: Request[]): void;
    setRequest(request: Request): void;
    setHeaders(headers: Record<string, string>): void;
    setBody(body: string | Buffer): void;
  }

  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    timeout?: number;
    pipelining?: number;
    method?: Method;
    headers?: Record<string, string>;
    body?: string | Buffer;
    requests?: Request[];
    setupClient?: (client: Client) => void;
    /** Without it, non-2xx latencies are left out of the histograms (the default, and what we want). */
    excludeErrorStats?: boolean;
  }

  /** hdr-histogram-percentiles-obj: one histogram summarised. */
  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p2_5: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
  }

  export interface Result {
    url: string;
    /** Seconds, measured by autocannon from first connect to stop. */
    duration: number;
    requests: Histogram;
    latency: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    statusCodeStats: Record<string, { count: number }>;
  }

  /** Called without a callback, autocannon returns an emitter that is also a promise of the result. */
  export interface Instance extends EventEmitter, PromiseLike<Result> {
    on(event: 'response', listener: (client: Client, statusCode: number, resBytes: number, responseTime: number) => void): this;
    on(event: 'reqError', listener: (error: Error) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  function autocannon(options: Options): Instance;
  export default autocannon;
}
