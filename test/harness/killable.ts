// Porte's Node entry as a child process whose pid is the server itself, for kill -9 proofs.
//
// Spawned as `node --import tsx server/entry/node.ts` (what `npm start` runs, minus the tsx CLI
// wrapper) so that its pid is the server: SIGKILL to the tsx CLI would leave the real server
// running as an orphan.
import { spawn } from 'node:child_process';
import { freePort, repoRoot } from './server.ts';

export interface Killable {
  url: string;
  /** The demo merchant's secret key from the banner ('' when started with PORTE_SEED=0). */
  secretKey: string;
  pid: number;
  exited: Promise<string | number | null>;
  alive(): boolean;
  output(): string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts Porte on `dbFile` with `env` added, and waits for its banner: the secret key line with the
 * demo seed, the API docs line without it (PORTE_SEED=0).
 */
export async function spawnPorte(dbFile: string, env: Record<string, string> = {}): Promise<Killable> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/entry/node.ts'], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'test', ...env, PORT: String(port), PORTE_DB: dbFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = env.PORTE_SEED === '0' ? /API docs:.*\n/ : /Secret key:.*\n/;
  // One JSON log line per request: keep the banner and the tail, not megabytes.
  let head = '';
  let tail = '';
  const onData = (chunk: string) => {
    if (head.length < 4000) head += chunk;
    else tail = (tail + chunk).slice(-8000);
  };
  child.stdout?.setEncoding('utf8').on('data', onData);
  child.stderr?.setEncoding('utf8').on('data', onData);
  const exited = new Promise<string | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const deadline = Date.now() + 30_000;
  while (!ready.test(head)) {
    if (child.exitCode !== null) throw new Error(`Porte exited before its banner:\n${head}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`no banner within 30 s:\n${head}`);
    }
    await sleep(50);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('no pid');
  return {
    url: /Porte is running at (\S+)/.exec(head)?.[1] ?? '',
    secretKey: /Secret key:\s*(\S+)/.exec(head)?.[1] ?? '',
    pid,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    output: () => `${head}\n…\n${tail}`,
  };
}
