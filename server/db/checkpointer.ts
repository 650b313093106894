import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the request thread. With synchronous=NORMAL a commit does not fsync; the
 * checkpoint does, and SQLite's automatic one runs inside whichever write crosses 1000 pages —
 * about half the cost of a write under load. A worker thread on its own connection checkpoints
 * (PASSIVE: never blocks writers or readers) twice a second instead.
 */
const source = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} }, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} db.close(); process.exit(0); });
`;

export function startCheckpointer(file: string, intervalMs = 500): { stop(): Promise<void> } {
  const worker = new Worker(source, {
    eval: true,
    workerData: { file, intervalMs, module: fileURLToPath(import.meta.resolve('better-sqlite3')) },
  });
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}
