import cluster, { type Worker } from 'node:cluster';
import { nodeDeps, openNodeDatabase, serveNode, type NodeSettings } from './node-runtime.ts';

/**
 * PORTE_WORKERS: several Node processes over one SQLite file (WAL: readers never wait; writers
 * take turns, each waiting up to busy_timeout for the lock). The primary migrates, seeds, runs the
 * background loops and the checkpointer, and forks the workers, which only serve HTTP on the
 * shared port (node:cluster hands each connection to a worker in turn). Nothing a merchant can
 * change is cached in a process (keys, allowed origins and settings are read from the database on
 * every request), rate limits and the login throttle are rows, and every background row is leased,
 * so which process answers never changes the answer.
 */

/** `auto`: one per core; a whole number: that many; unset or empty: 1 (one process, no cluster). */
export function workerCount(raw: string | undefined, cores: number): number {
  const value = raw?.trim() ?? '';
  if (value === '') return 1;
  if (value === 'auto') return Math.max(1, cores);
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`PORTE_WORKERS must be "auto" or a whole number from 1, not "${raw}"`);
  return n;
}

const info = (entry: Record<string, unknown>) => console.log(JSON.stringify({ level: 'info', time: new Date().toISOString(), ...entry }));
const error = (entry: Record<string, unknown>) => console.error(JSON.stringify({ level: 'error', time: new Date().toISOString(), ...entry }));

/** How long shutdown may take before the remaining processes are killed (a request stuck on a socket). */
const STOP_TIMEOUT_MS = 10_000;

export interface PrimaryOptions {
  workers: number;
  /** Printed once every worker listens. */
  banner: string;
  /** Stops the loops and closes the database, once every worker has exited. */
  close(): Promise<void>;
}

/**
 * Forks the workers (with this process's execArgv, so `node --import tsx` loads TypeScript in them
 * too), replaces one that dies after it was serving, and on SIGTERM/SIGINT stops them (each
 * finishes its requests in flight) before closing the database. A worker that dies before it ever
 * listened (port taken, broken install) stops the cluster instead of restarting in a loop.
 */
export function runPrimary(options: PrimaryOptions): void {
  cluster.setupPrimary({ execArgv: process.execArgv });
  const listened = new Set<number>();
  let stopping = false;
  let bannerShown = false;

  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.once('listening', () => {
      listened.add(worker.id);
      info({ msg: 'worker listening', worker: worker.id, pid: worker.process.pid });
      if (!bannerShown && listened.size >= options.workers) {
        bannerShown = true;
        console.log(options.banner);
      }
    });
    return worker;
  };

  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    info({ msg: 'stopping', workers: alive.map((w) => w.process.pid) });
    const exits = alive.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))));
    for (const w of alive) w.process.kill('SIGTERM');
    process.exitCode = code;
    // Kept referenced: it also keeps the process alive while the checkpointer thread (unref'd)
    // finishes, so the last checkpoint and the close happen before the exit, not instead of them.
    setTimeout(() => {
      for (const w of alive) if (!w.isDead()) w.process.kill('SIGKILL');
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    Promise.all(exits)
      .then(() => options.close())
      .finally(() => process.exit(code));
  };

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    error({ msg: 'worker exited', worker: worker.id, pid: worker.process.pid, code, signal });
    if (!listened.has(worker.id)) stop(1);
    else fork();
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stop(0));
  for (let i = 0; i < options.workers; i++) fork();
}

/**
 * A worker: its own connection to the file (no migrations, no loops, no checkpoints: the
 * primary's), the HTTP app, and a graceful stop: stop accepting, finish the requests in flight,
 * close the connection. Request logs carry the worker's pid.
 */
export function runWorker(settings: NodeSettings): void {
  const sqlite = openNodeDatabase(settings);
  const deps = nodeDeps(sqlite, settings, { pid: process.pid });
  const server = serveNode(deps, settings, () => {});
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      info({ msg: 'worker stopping', pid: process.pid });
      server.close(() => {
        sqlite.close();
        process.exit(0);
      });
      setTimeout(() => process.exit(1), STOP_TIMEOUT_MS).unref();
    });
  }
}
