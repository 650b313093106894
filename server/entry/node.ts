import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { accountRepository } from '../accounts/repository.ts';
import { setupService } from '../accounts/setup.ts';
import { startCheckpointer } from '../db/checkpointer.ts';
import { migrateNode } from '../db/migrate-node.ts';
import { seedDemo, startBanner } from '../merchants/seed.ts';
import { seedSteps } from '../seed-steps.ts';
import { runPrimary, runWorker, workerCount } from './cluster.ts';
import { nodeDeps, openNodeDatabase, serveNode, settingsFrom, startLoops } from './node-runtime.ts';

/**
 * The Node entry: the only place that reads the environment. One process by default; with
 * PORTE_WORKERS (a count, or `auto` for one per core) a cluster whose workers serve HTTP on the
 * shared port while this process, the primary, migrates, seeds and runs the background loops.
 */
const settings = settingsFrom(process.env);

if (cluster.isWorker) {
  runWorker(settings);
} else {
  const workers = workerCount(settings.workers, availableParallelism());
  const sqlite = openNodeDatabase(settings);
  // Checkpoints move to a worker thread (see checkpointer.ts); SQLite's own would run mid-request.
  const checkpointer = startCheckpointer(settings.file);
  migrateNode(sqlite, fileURLToPath(new URL('../../migrations', import.meta.url)));
  const deps = nodeDeps(sqlite, settings);
  const seed = settings.seed ? await seedDemo(deps, seedSteps) : undefined;
  // No demo and no account yet: a single-use setup link (a new one each start until it is used).
  const setupToken = !settings.seed && (await accountRepository(deps.db).count()) === 0 ? await setupService(deps.db, deps.clock).issue() : undefined;
  const banner = startBanner(settings.publicUrl, seed, setupToken);
  const loops = startLoops(deps, settings.intervals);
  // After the requests in flight and the loops: a last checkpoint, then the file is closed.
  const closeDatabase = async () => {
    await loops.stop();
    await checkpointer.stop();
    sqlite.close();
  };

  if (workers > 1) {
    runPrimary({ workers, banner, close: closeDatabase });
  } else {
    const server = serveNode(deps, settings, () => console.log(banner));
    // Graceful shutdown: stop accepting, let requests in flight finish, then close the database.
    let stopping = false;
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        if (stopping) return;
        stopping = true;
        server.close(() => {
          closeDatabase().finally(() => process.exit(0));
        });
        // Referenced: the process stays up until the last checkpoint and the close (see cluster.ts).
        setTimeout(() => process.exit(1), 10_000);
      });
    }
  }
}
