import type BetterSqlite3 from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Applies `migrations/*.sql` in name order, recording them in the same `d1_migrations` table
 * wrangler uses, so one folder and one bookkeeping scheme serve both runtimes.
 */
export function migrateNode(db: BetterSqlite3.Database, folder: string): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS d1_migrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`);
  const done = new Set(
    (db.prepare('SELECT name FROM d1_migrations').all() as { name: string }[]).map((r) => r.name),
  );
  const applied: string[] = [];
  for (const name of readdirSync(folder).filter((f) => f.endsWith('.sql')).sort()) {
    if (done.has(name)) continue;
    const text = readFileSync(join(folder, name), 'utf8');
    db.transaction(() => {
      db.exec(text);
      db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').run(name);
    })();
    applied.push(name);
  }
  return applied;
}
