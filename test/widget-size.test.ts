// Size budgets of what a merchant's visitors download: widget.js (on every page with the script
// tag) ≤ 2 KB gzip; with the offer grid (grid.js and every chunk it imports statically) ≤ 12 KB.
// Built from the current sources into a temporary folder (so dist/, which running servers use,
// is left alone), then measured file by file, as browsers fetch them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './harness/server.ts';

const LOADER_BUDGET = 2048;
const WITH_GRID_BUDGET = 12 * 1024;

let out: string;
const gzipped = (file: string) => gzipSync(readFileSync(file)).length;

/** The files a module pulls in through static `import … from "./x.js"` / `import "./x.js"` (not `import()`), itself first. */
function staticGraph(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/\bimport\s*(?:[\w*{}\s,$]+?\s*from\s*)?["'`](\.{1,2}\/[^"'`]+)["'`]/g)) {
      visit(resolve(dirname(file), m[1] ?? ''));
    }
    for (const m of code.matchAll(/\bexport\s*(?:\*|\{[^}]*\})\s*from\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g)) {
      visit(resolve(dirname(file), m[1] ?? ''));
    }
  };
  visit(entry);
  return [...seen];
}

describe('widget size budgets', () => {
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'porte-size-'));
    const vite = join(repoRoot, 'node_modules/.bin/vite');
    for (const config of ['vite.config.ts', 'vite.widget.config.ts']) {
      // NODE_ENV=production: measure the bytes that ship (vitest sets NODE_ENV=test, which builds dev JSX).
      execFileSync(vite, ['build', '--config', config, '--outDir', out, '--emptyOutDir', 'false', '--logLevel', 'error'], { cwd: repoRoot, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'production' } });
    }
  }, 120_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it(`widget.js ≤ ${LOADER_BUDGET} B gzip, widget.js + grid.js + its static imports ≤ ${WITH_GRID_BUDGET} B gzip`, () => {
    const loader = join(out, 'widget.js');
    const grid = join(out, 'assets/grid.js');
    const graph = staticGraph(grid);
    // grid.js really has dependencies (Preact's chunk): the graph walk must have found them.
    expect(graph.length).toBeGreaterThan(1);
    // The loader itself imports nothing statically: everything else is lazy.
    expect(staticGraph(loader)).toEqual([loader]);

    const rows = [loader, ...graph].map((file) => ({ file: file.slice(out.length + 1), raw: readFileSync(file).length, gzip: gzipped(file) }));
    const loaderGzip = rows[0]?.gzip ?? Number.POSITIVE_INFINITY;
    const total = rows.reduce((sum, r) => sum + r.gzip, 0);
    const frame = join(out, 'assets/widget-frame.js');
    const frameTotal = staticGraph(frame).reduce((sum, f) => sum + gzipped(f), 0);
    console.log(
      [
        'Widget sizes (gzip, per file as served):',
        ...rows.map((r) => `  ${r.file.padEnd(28)} ${String(r.raw).padStart(6)} B raw  ${String(r.gzip).padStart(6)} B gzip`),
        `  widget.js                    ${loaderGzip} / ${LOADER_BUDGET} B`,
        `  widget.js + grid (${rows.length} files)   ${total} / ${WITH_GRID_BUDGET} B`,
        `  (on click) widget-frame.js and its imports: ${frameTotal} B gzip`,
      ].join('\n'),
    );
    expect(loaderGzip).toBeLessThanOrEqual(LOADER_BUDGET);
    expect(total).toBeLessThanOrEqual(WITH_GRID_BUDGET);
  });
});
