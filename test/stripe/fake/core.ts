/**
 * Shared pieces of the local Stripe-protocol server: JSON types, Stripe's error shape, the
 * bracket-notation form parser and the per-account object store.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type ObjectKind = 'customer' | 'setup_intent' | 'payment_intent' | 'payment_method' | 'mandate' | 'event';

export type Reply = { status: number; body: JsonObject; headers?: Record<string, string> };

export const error = (status: number, type: string, message: string, extra: JsonObject = {}): Reply => ({
  status,
  body: { error: { type, message, ...extra } },
});
export const invalid = (message: string, extra: JsonObject = {}): Reply => error(400, 'invalid_request_error', message, extra);
/** Stripe answers 404 for an unknown id in the URL, 400 for one given as a parameter. */
export const missing = (what: string, id: string, param: string, status = 400): Reply =>
  error(status, 'invalid_request_error', `No such ${what}: '${id}'`, { code: 'resource_missing', param });
export const ok = (body: JsonObject): Reply => ({ status: 200, body });

/**
 * One Stripe account: objects are visible only to the keys of the account that created them, and
 * idempotency keys are scoped to it (the same key from two accounts is two requests, as on Stripe).
 */
export interface Account {
  readonly id: string;
  readonly objects: Record<ObjectKind, Map<string, JsonObject>>;
}

/** What the endpoint handlers share: the account, ids, the server's clock and event emission. */
export interface World {
  account: Account;
  /** Seconds since the epoch on the server's own clock (moved by `advance`). */
  now(): number;
  newId(prefix: string): string;
  /** The server's own origin, for the bank's 3-D Secure page. */
  origin: string;
  /** Emits a signed event to the configured webhook endpoints (after the current answer). */
  emit(type: string, object: JsonObject): void;
  /** Runs `settle` once the server's clock has moved `seconds` on (asynchronous outcomes: SEPA). */
  later(seconds: number, settle: () => void): void;
}

export function newAccount(id: string): Account {
  const objects = {} as Record<ObjectKind, Map<string, JsonObject>>;
  for (const kind of ['customer', 'setup_intent', 'payment_intent', 'payment_method', 'mandate', 'event'] as const) objects[kind] = new Map();
  return { id, objects };
}

/** Stripe's bracket notation: `metadata[a]=1`, `expand[0]=x`, `expand[]=x`, `mandate_data[customer_acceptance][type]=online`. */
export function parseForm(text: string): JsonObject {
  const root: JsonObject = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const head = /^[^[]+/.exec(name)?.[0] ?? name;
    const keys = [head, ...[...name.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!)];
    let node = root;
    const last = keys.pop()!;
    for (const k of keys) {
      const child = asObject(node[k]) ?? {};
      node[k] = child;
      node = child;
    }
    node[last === '' ? String(Object.keys(node).length) : last] = value;
  }
  return arraysFromIndices(root) as JsonObject;
}

/** `{0: a, 1: b}` → `[a, b]`, recursively: indexed keys are how Stripe encodes arrays. */
function arraysFromIndices(value: Json): Json {
  const o = asObject(value);
  if (!o) return value;
  const entries = Object.entries(o).map(([k, v]) => [k, arraysFromIndices(v)] as const);
  if (entries.length > 0 && entries.every(([k], i) => k === String(i))) return entries.map(([, v]) => v);
  return Object.fromEntries(entries);
}

export function asObject(value: Json | undefined): JsonObject | null {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : null;
}

/** Parameters compared for idempotency: the same values whatever the order they were sent in. */
export function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const o = asObject(value);
  if (o) return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k]!)}`).join(',')}}`;
  return JSON.stringify(value);
}

/** `expand[]=payment_method` and friends: the listed id fields become the objects they name. */
export function expand(world: World, object: JsonObject, fields: Json | undefined): JsonObject {
  if (!Array.isArray(fields)) return object;
  const out: JsonObject = { ...object };
  const kinds: Record<string, ObjectKind> = { payment_method: 'payment_method', customer: 'customer', mandate: 'mandate', latest_attempt: 'setup_intent' };
  for (const field of fields) {
    const kind = typeof field === 'string' ? kinds[field] : undefined;
    const id = typeof field === 'string' ? object[field] : undefined;
    if (kind && typeof id === 'string') out[field as string] = world.account.objects[kind].get(id) ?? id;
  }
  return out;
}

/** Seeded linear congruential generator, so ratio faults hit the same requests on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
