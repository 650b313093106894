// The real Node entry, as `npm start` runs it (the bundle built to dist/server), in a child process on an empty folder.
import { type ChildProcessByStdio, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from './harness/server.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'dist', 'server', 'node.js');

interface Running {
  child: ChildProcessByStdio<null, Readable, Readable>;
  base: string;
  banner: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stopped: boolean;
}

const running: Running[] = [];
const dirs: string[] = [];

function emptyFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'porte-start-'));
  dirs.push(dir);
  return dir;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the server on `dir` and waits for its banner and for it to answer /healthz. */
async function start(dir: string, env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort('127.0.0.1');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), PORTE_DB: join(dir, 'data', 'porte.sqlite'), ...env };
  delete childEnv.PORTE_PUBLIC_URL;
  if (env.PORTE_SEED === undefined) delete childEnv.PORTE_SEED;
  // As `npm start` runs it: `node dist/server/node.js`, one process, so SIGTERM reaches Porte's own handler.
  const child = spawn(process.execPath, [entry], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let exited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });
  const run: Running = { child, base: `http://localhost:${port}`, banner: '', exit, stopped: false };
  running.push(run);

  const deadline = Date.now() + 25_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`server exited before its banner.\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    if (stdout.includes('API docs:')) {
      const health = await fetch(`${run.base}/healthz`).catch(() => undefined);
      if (health?.status === 200) {
        expect(await health.json()).toEqual({ ok: true });
        run.banner = stdout;
        return run;
      }
    }
    await sleep(50);
  }
  throw new Error(`no banner within 25 s.\nstdout:\n${stdout}\nstderr:\n${stderr}`);
}

/** SIGTERM, then the exit code: 0 means requests were drained and the database closed. */
async function stop(run: Running): Promise<number | null> {
  run.stopped = true;
  run.child.kill('SIGTERM');
  const { code } = await run.exit;
  return code;
}

const api = (base: string, key: string) => async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { id?: string; data?: Array<{ id: string }> } };
};

function expectUrls(banner: string, base: string): void {
  expect(banner).toContain(`Porte is running at ${base}`);
  expect(banner).toContain(`${base}/admin`);
  expect(banner).toContain(`${base}/demo`);
}

describe('starting the Node server (npm start)', () => {
  // Built from the sources now: a bundle left over from an earlier build would test old code. The
  // bundle must find what it loads relative to itself: the migrations, and the checkpointer thread.
  beforeAll(() => {
    execFileSync(join(root, 'node_modules', '.bin', 'vite'), ['build', '--config', 'vite.server.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'pipe' });
  });

  afterAll(async () => {
    const codes = await Promise.all(running.filter((r) => !r.stopped).map(stop));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    expect(codes.every((code) => code === 0), `exit codes ${JSON.stringify(codes)}`).toBe(true);
  });

  test('first start on an empty folder prints the URLs and the demo credentials; the secret key works; a restart prints no key', async () => {
    const dir = emptyFolder();
    const first = await start(dir);
    const { banner, base } = first;
    expect(existsSync(join(dir, 'data', 'porte.sqlite'))).toBe(true);

    expectUrls(banner, base);
    const owner = /Owner login:\s+(\S+@\S+)\s+\/\s+(\S+)/.exec(banner);
    expect(owner, banner).not.toBeNull();
    expect(owner?.[2]?.length).toBeGreaterThanOrEqual(12);
    const scriptTag = new RegExp(`<script src="${base}/widget\\.js" data-key="porte_pk_test_[0-9A-Za-z]{32}" async></script>`);
    expect(banner).toMatch(scriptTag);
    const secretKey = /porte_sk_test_[0-9A-Za-z]{32}/.exec(banner)?.[0];
    expect(secretKey, banner).toBeDefined();

    // The printed key is usable as is, over real HTTP.
    const call = api(base, secretKey ?? '');
    const listed = await call('GET', '/v1/customers');
    expect(listed.status).toBe(200);
    const created = await call('POST', '/v1/customers', { email: 'first.customer@example.com', billing_address: { country: 'fr' } });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^cus_/);
    expect((await call('GET', '/v1/customers')).body.data?.map((c) => c.id)).toEqual([created.body.id]);

    // Graceful shutdown, then a second start on the same file: URLs only, no credentials.
    expect(await stop(first)).toBe(0);
    const second = await start(dir);
    expectUrls(second.banner, second.base);
    expect(second.banner).not.toMatch(/porte_sk_/);
    expect(second.banner).not.toMatch(/porte_pk_/);
    expect(second.banner).not.toMatch(/Owner login/);

    // Nothing was lost or re-created: the same key still sees the same customer.
    const again = await api(second.base, secretKey ?? '')('GET', '/v1/customers');
    expect(again.status).toBe(200);
    expect(again.body.data?.map((c) => c.id)).toEqual([created.body.id]);
  });

  test('PORTE_SEED=0 on an empty folder prints the URLs but no demo credentials', async () => {
    const run = await start(emptyFolder(), { PORTE_SEED: '0' });
    expectUrls(run.banner, run.base);
    expect(run.banner).not.toMatch(/porte_sk_/);
    expect(run.banner).not.toMatch(/porte_pk_/);
    expect(run.banner).not.toMatch(/Owner login/);
  });
});
