// The real Node entry (`tsx server/entry/node.ts`) as a child process on a free port, with its own
// temporary SQLite file: what `npm start` gives a newcomer, for browser tests and end-to-end checks.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface PorteServer {
  /** Public base URL as printed in the banner, e.g. http://localhost:41234 (no trailing slash). */
  url: string;
  port: number;
  /** The demo merchant's keys and owner login, parsed from the banner ('' when PORTE_SEED=0). */
  secretKey: string;
  publishableKey: string;
  ownerEmail: string;
  ownerPassword: string;
  /** Whether the banner announced the demo merchant. */
  seeded: boolean;
  /** The SQLite file (PORTE_DB) the server runs on. */
  dbFile: string;
  /** The spawned process (the tsx CLI: the server itself is its child, see `treeRssBytes`). */
  pid: number;
  /** Everything the process printed so far (stdout and stderr), for assertions and failure messages. */
  output(): string;
  /** SIGTERM, then waits for the process to exit; removes the temporary database folder. */
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now (the OS picks it), on every interface or only on `host`. */
export function freePort(host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    const listening = () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    };
    if (host === undefined) probe.listen(0, listening);
    else probe.listen(0, host, listening);
  });
}

const line = (text: string, label: string): string => new RegExp(`^\\s*${label}\\s*(.+?)\\s*$`, 'm').exec(text)?.[1] ?? '';

/**
 * Starts Porte with `PORT`, `PORTE_DB` (temporary) and `env` (e.g. `{ PORTE_SEED: '0' }` or
 * `{ PORTE_PUBLIC_URL: … }`), waits for the start banner and parses it.
 */
export async function startServer(env: Record<string, string> = {}): Promise<PorteServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'porte-server-'));
  const dbFile = join(dir, 'porte.sqlite');
  const seeding = (env.PORTE_SEED ?? process.env.PORTE_SEED) !== '0';
  const tsx = join(repoRoot, 'node_modules/.bin/tsx');
  if (!existsSync(tsx)) throw new Error(`tsx not found at ${tsx}: run npm install`);

  const child: ChildProcess = spawn(tsx, ['server/entry/node.ts'], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'test', ...env, PORT: String(port), PORTE_DB: env.PORTE_DB ?? dbFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  // The banner is one console.log; with a seed it ends with the secret key line.
  const complete = (): boolean => (seeding ? /Secret key:.*\n/.test(out) : /API docs:.*\n/.test(out));
  const deadline = Date.now() + 30_000;
  while (!complete()) {
    if (child.exitCode !== null) throw new Error(`Porte exited (${child.exitCode}) before its banner:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`Porte did not print its banner within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  const url = line(out, 'Porte is running at');
  const owner = line(out, 'Owner login:');
  const [ownerEmail = '', ownerPassword = ''] = owner.split(' / ');
  const server: PorteServer = {
    url,
    port,
    secretKey: line(out, 'Secret key:'),
    publishableKey: /data-key="([^"]+)"/.exec(out)?.[1] ?? '',
    ownerEmail,
    ownerPassword,
    seeded: seeding && out.includes('Created the demo merchant'),
    dbFile: env.PORTE_DB ?? dbFile,
    pid: child.pid ?? 0,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (!url) {
    await server.stop();
    throw new Error(`Could not read the URL from Porte's banner:\n${out}`);
  }
  if (seeding && !server.secretKey.startsWith('porte_sk_')) {
    await server.stop();
    throw new Error(`Could not read the demo keys from Porte's banner:\n${out}`);
  }
  return server;
}
