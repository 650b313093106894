/**
 * `npm run bench [-- <filter>…]`: runs every `bench/*.bench.ts` in file-name order (or those whose
 * name or file contains a filter), prints one table of figures beside their baselines, and writes
 * test-output/bench.json. Benchmarks report and never fail on timing: the exit code is non-zero
 * only when a module throws or a validity target (`required`, e.g. "no non-2xx") is missed.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BenchModule, repoRoot, type Row, type Target } from './harness.ts';

type Status = 'ok' | 'below target' | 'INVALID' | 'n/a' | '';

interface RowReport extends Row {
  readonly ratio: number | null;
  readonly status: Status;
}

interface ModuleReport {
  readonly name: string;
  readonly file: string;
  readonly seconds: number;
  readonly rows: RowReport[];
  readonly error?: string;
}

const benchDir = join(repoRoot, 'bench');
const outputFile = join(repoRoot, 'test-output', 'bench.json');

function isBenchModule(value: unknown): value is BenchModule {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { name?: unknown; run?: unknown };
  return typeof candidate.name === 'string' && typeof candidate.run === 'function';
}

const within = (subject: number, target: Target): boolean =>
  (target.atLeast === undefined || subject >= target.atLeast) && (target.atMost === undefined || subject <= target.atMost);

function judge(row: Row): { ratio: number | null; status: Status } {
  const ratio = row.baseline !== undefined && row.baseline !== 0 && Number.isFinite(row.baseline) ? row.value / row.baseline : null;
  const target = row.target;
  if (!target) return { ratio, status: '' };
  const subjects = target.on === 'ratio' ? [ratio ?? Number.NaN] : [row.value, ...(target.required && row.baseline !== undefined ? [row.baseline] : [])];
  if (subjects.some((s) => !Number.isFinite(s))) return { ratio, status: target.required ? 'INVALID' : 'n/a' };
  if (subjects.every((s) => within(s, target))) return { ratio, status: 'ok' };
  return { ratio, status: target.required ? 'INVALID' : 'below target' };
}

function formatNumber(value: number | null | undefined, decimals = 0): string {
  if (value === undefined) return '—';
  if (value === null || !Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function formatTarget(target: Target | undefined, unit: string): string {
  if (!target) return '';
  const suffix = target.on === 'ratio' ? '×' : ` ${unit}`;
  const bound = (n: number) => (target.on === 'ratio' ? n.toFixed(2) : String(n));
  const base = target.on === 'ratio' ? 'ratio ' : '';
  if (target.atLeast !== undefined && target.atMost !== undefined) return `${base}${bound(target.atLeast)}–${bound(target.atMost)}${suffix}`;
  if (target.atLeast !== undefined) return `${base}≥ ${bound(target.atLeast)}${suffix}`;
  if (target.atMost !== undefined) return `${base}≤ ${bound(target.atMost)}${suffix}`;
  return '';
}

function printTable(reports: readonly ModuleReport[]): void {
  const header = ['module', 'metric', 'unit', 'value', 'baseline', 'ratio', 'target', 'status'];
  const rightAligned = new Set([3, 4, 5]);
  const lines: string[][] = [];
  for (const report of reports) {
    if (report.error) {
      lines.push([report.name, 'ERROR (see above)', '', '', '', '', '', 'INVALID']);
      continue;
    }
    report.rows.forEach((row, i) => {
      lines.push([
        i === 0 ? report.name : '',
        row.metric,
        row.unit,
        formatNumber(row.value, row.decimals),
        formatNumber(row.baseline, row.decimals),
        row.ratio === null ? '—' : `${row.ratio.toFixed(2)}×`,
        formatTarget(row.target, row.unit),
        row.status,
      ]);
    });
  }
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => (l[c] ?? '').length)));
  const render = (cells: readonly string[]) =>
    cells.map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join('  ').trimEnd();
  console.log(render(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const line of lines) console.log(render(line));
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
    .filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)));
  if (files.length === 0) {
    console.error(`No bench/*.bench.ts matches ${filters.join(', ') || '(no filter)'}.`);
    process.exitCode = 1;
    return;
  }

  const startedAt = new Date();
  const reports: ModuleReport[] = [];
  for (const file of files) {
    const started = performance.now();
    const loaded: unknown = await import(pathToFileURL(join(benchDir, file)).href);
    if (!isBenchModule(loaded)) {
      reports.push({ name: file, file, seconds: 0, rows: [], error: 'does not export `name` (string) and `run()`' });
      console.error(`bench/${file}: does not export \`name\` (string) and \`run()\`.`);
      continue;
    }
    process.stderr.write(`▶ ${loaded.name} (bench/${file})\n`);
    try {
      const rows = await loaded.run();
      reports.push({ name: loaded.name, file, seconds: (performance.now() - started) / 1000, rows: rows.map((row) => ({ ...row, ...judge(row) })) });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`bench/${file} failed:\n${message}`);
      reports.push({ name: loaded.name, file, seconds: (performance.now() - started) / 1000, rows: [], error: message });
    }
  }

  const cpu = cpus();
  console.log(`\nPorte benchmarks — node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${startedAt.toISOString()}\n`);
  printTable(reports);

  mkdirSync(join(repoRoot, 'test-output'), { recursive: true });
  const document = { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), node: process.version, platform: process.platform, cpus: cpu.length, cpuModel: cpu[0]?.model ?? null, modules: reports };
  // JSON.stringify turns NaN into null, which is what an unmeasurable figure should read as.
  writeFileSync(outputFile, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`\nWritten to ${outputFile.slice(repoRoot.length + 1)}. Targets are goals, not pass/fail; "INVALID" means the figures cannot be trusted.`);

  if (reports.some((r) => r.error || r.rows.some((row) => row.status === 'INVALID'))) process.exitCode = 1;
}

await main();
