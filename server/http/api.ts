import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type * as v from 'valibot';
import type { AppEnv } from './env.ts';
import { invalid } from './errors.ts';
import { parse } from './validate.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Schema = v.GenericSchema;
type Parsed<S> = S extends Schema ? v.InferOutput<S> : undefined;

/**
 * One REST endpoint: its schemas validate the request, type the handler, and are the only source
 * of the OpenAPI document, so the docs cannot drift from what the server accepts.
 */
export interface Endpoint<B extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, R extends Schema = Schema> {
  readonly method: Method;
  /** Hono-style path, e.g. `/v1/customers/:id`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly body?: B;
  readonly query?: Q;
  readonly response: R;
  readonly status?: ContentfulStatusCode;
  /** Whether the route takes an `Idempotency-Key` (every POST does). */
  readonly security?: 'secret' | 'publishable';
}

export interface Input<B, Q> {
  readonly body: Parsed<B>;
  readonly query: Parsed<Q>;
}

async function readJson(c: Context<AppEnv>): Promise<unknown> {
  // Size is bounded before this runs: see body-limit.ts.
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('body', 'The request body must be valid JSON.', 'body_invalid');
  }
}

/** Registers endpoints on a Hono app and remembers them for the OpenAPI document. */
export class Api {
  readonly endpoints: Endpoint[] = [];

  constructor(private readonly app: Hono<AppEnv>) {}

  route<B extends Schema | undefined, Q extends Schema | undefined, R extends Schema>(
    spec: Endpoint<B, Q, R>,
    handler: (c: Context<AppEnv>, input: Input<B, Q>) => Promise<v.InferInput<R>>,
  ): void {
    this.endpoints.push(spec as Endpoint);
    this.app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      const body = (spec.body ? parse(spec.body, await readJson(c), 'body') : undefined) as Parsed<B>;
      const query = (spec.query ? parse(spec.query, c.req.query(), 'query') : undefined) as Parsed<Q>;
      const result = await handler(c, { body, query });
      return spec.status ? c.json(result as object, spec.status) : c.json(result as object);
    });
  }
}
