import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { randomToken } from '../../server/lib/ids.ts';
import type { Harness, TestMerchant } from './types.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const DATABASE_ID = '00000000-0000-0000-0000-000000000000';
let bundled: Promise<string> | undefined;

/** Bundles the worker the way wrangler would (ESM, workerd conditions), once per test process. */
function bundle(): Promise<string> {
  bundled ??= (async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'porte-worker-'));
    await build({
      entryPoints: [join(root, 'test/harness/worker-entry.ts')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      // As wrangler bundles with nodejs_compat: node:* modules are the runtime's (server/lib/crypto.ts).
      external: ['node:*'],
      outfile: join(outdir, 'worker.js'),
      logLevel: 'error',
    });
    return join(outdir, 'worker.js');
  })();
  return bundled;
}

/**
 * The Workers entry in real workerd (Miniflare) over local D1, migrated by
 * `wrangler d1 migrations apply --local`, exactly as `npm run dev:worker` does.
 */
export async function workerdHarness(options: { persistDir?: string; migrate?: boolean; bindings?: Record<string, string> } = {}): Promise<Harness & { query<T>(sql: string): Promise<T[]> }> {
  // A given folder may hold a database made by an older schema: applying the migrations upgrades it.
  const setupToken = randomToken(32);
  const dir = options.persistDir ?? mkdtempSync(join(tmpdir(), 'porte-d1-'));
  if (options.migrate !== false) {
    execFileSync(join(root, 'node_modules/.bin/wrangler'), ['d1', 'migrations', 'apply', 'porte', '--local', '--persist-to', dir], {
      cwd: root,
      stdio: 'pipe',
      env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    });
  }
  const mf = new Miniflare({
    modules: true,
    scriptPath: await bundle(),
    modulesRoot: dirname(await bundle()),
    compatibilityDate: '2025-09-01',
    compatibilityFlags: ['nodejs_compat'],
    d1Databases: { DB: DATABASE_ID },
    d1Persist: join(dir, 'v3', 'd1'),
    bindings: { PORTE_SEED: '0', PORTE_LOG: '0', PORTE_PUBLIC_URL: 'http://porte.test', PORTE_SETUP_TOKEN: setupToken, ...options.bindings },
  });
  const request = async (path: string, init?: RequestInit): Promise<Response> => {
    // Miniflare has its own fetch types; the wire format is the same.
    // credentials 'omit': undici treats a 401 to a request with credentials as a cue to retry with
    // a password prompt, and fails ("expected non-null body source") when the body was a stream.
    const res = await mf.dispatchFetch(`http://porte.test${path}`, { credentials: 'omit', ...init } as never);
    return new Response(res.body as ReadableStream | null, { status: res.status, headers: res.headers as unknown as Headers });
  };
  return {
    runtime: 'workerd',
    request,
    async query<T>(sql: string): Promise<T[]> {
      const db = await mf.getD1Database('DB');
      return ((await db.prepare(sql).all()).results ?? []) as T[];
    },
    async merchant(options = {}) {
      const res = await request('/__test/merchants', {
        method: 'POST',
        body: JSON.stringify({ slug: `m-${randomToken(8).toLowerCase()}`, mode: options.mode ?? 'test', accountId: options.accountOf?.accountId }),
      });
      return (await res.json()) as TestMerchant;
    },
    setupToken: async () => setupToken,
    async sql<T>(query: string, params: (string | number | null)[] = []) {
      const res = await request('/__test/sql', { method: 'POST', body: JSON.stringify({ query, params }) });
      if (!res.ok) throw new Error(await res.text());
      return (await res.json()) as T[];
    },
    async scheduled() {
      const worker = await mf.getWorker();
      await worker.scheduled({ cron: '* * * * *' });
    },
    async close() {
      await mf.dispose();
      if (!options.persistDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
