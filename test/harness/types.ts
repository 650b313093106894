/** What every API test needs, whichever runtime serves the app. */
export interface TestMerchant {
  id: string;
  accountId: string;
  mode: 'test' | 'live';
  slug: string;
  secretKey: string;
  publishableKey: string;
  embedSecret: string;
}

export interface Harness {
  readonly runtime: 'node' | 'workerd';
  /** Sends a request to the app (`path` starts with `/`). */
  request(path: string, init?: RequestInit): Promise<Response>;
  /**
   * A fresh merchant with its keys (test mode unless told otherwise): a new account's environment,
   * or with `accountOf` the other environment of that merchant's account.
   */
  merchant(options?: { mode?: 'test' | 'live'; accountOf?: TestMerchant }): Promise<TestMerchant>;
  close(): Promise<void>;
  /** A first-run setup token: issued and stored hashed on Node, the PORTE_SETUP_TOKEN secret on Workers. */
  setupToken?(): Promise<string>;
  /**
   * Runs one SQL statement on the app's database and returns its rows (SELECT, or RETURNING):
   * for what no API shows (rows a GET must not create) or to age rows. A failing statement rejects.
   */
  sql?<T = Record<string, unknown>>(query: string, params?: (string | number | null)[]): Promise<T[]>;
  /** Workers only: fire the cron trigger (the webhook outbox drain, the checkout purge). */
  scheduled?(): Promise<void>;
}

/** Statements whose rows `Harness.sql` hands back (better-sqlite3 tells `all` from `run`). */
export const returnsRows = (query: string): boolean => /^\s*select\b/i.test(query) || /\breturning\b/i.test(query);

export type HarnessFactory = () => Promise<Harness>;

/** JSON helper: `api(h, key)('POST', '/v1/customers', {…})` → { status, body, headers }. */
export function client(h: Harness, key: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await h.request(path, {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field.
    return { status: res.status, body: json as any, headers: res.headers };
  };
}
