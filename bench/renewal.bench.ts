/**
 * The billing run over 100,000 due renewals with the test gateway (issue 11): invoices/s of the
 * real run (`runBilling`, called back to back as the Node loop calls it) against a bare script
 * writing the same rows with better-sqlite3 directly (bench/renewal-run.ts says what each writes),
 * and the run's peak RSS. Each side runs in its own process over its own copy of one database
 * (bench/renewal-db.ts), so neither inherits the other's pages, heap or WAL.
 */
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedRenewals } from './renewal-db.ts';
import { log, repoRoot, type Row, tempDir } from './harness.ts';

export const name = 'renewal';

const COUNT = Number(process.env.BENCH_RENEWALS ?? 100_000);

interface RunResult {
  mode: 'porte' | 'bare';
  seconds: number;
  cpuMs: number;
  invoices: number;
  paid: number;
  charges: number;
  maxRssMB: number;
}

/** `node --import tsx bench/renewal-run.ts <mode> <file>`: the pid is the run itself, not a tsx wrapper. */
function runSide(mode: 'porte' | 'bare', file: string): Promise<RunResult> {
  const prof = process.env.BENCH_CPU_PROF === '1' ? ['--cpu-prof', `--cpu-prof-dir=${join(repoRoot, 'test-output', 'profiles', `renewal-${mode}`)}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'bench/renewal-run.ts', mode, file], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out = (out + c).slice(-16_000)));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out = (out + c).slice(-16_000)));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = /^RESULT (.+)$/m.exec(out)?.[1];
      if (code !== 0 || !line) reject(new Error(`renewal-run ${mode} exited with ${code}:\n${out}`));
      else resolve(JSON.parse(line) as RunResult);
    });
  });
}

export async function run(): Promise<Row[]> {
  const dir = tempDir(name);
  try {
    const seeded = join(dir.path, 'seed.sqlite');
    const t = performance.now();
    await seedRenewals(seeded, COUNT);
    log(`${COUNT.toLocaleString('en-US')} due subscriptions seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const files = { bare: join(dir.path, 'bare.sqlite'), porte: join(dir.path, 'porte.sqlite') };
    copyFileSync(seeded, files.bare);
    copyFileSync(seeded, files.porte);

    const bare = await runSide('bare', files.bare);
    log(`bare: ${bare.invoices} renewals in ${bare.seconds.toFixed(1)} s (${bare.cpuMs.toFixed(0)} ms CPU), peak RSS ${bare.maxRssMB.toFixed(0)} MB`);
    const porte = await runSide('porte', files.porte);
    log(`Porte: ${porte.invoices} renewals in ${porte.seconds.toFixed(1)} s (${porte.cpuMs.toFixed(0)} ms CPU), peak RSS ${porte.maxRssMB.toFixed(0)} MB`);

    const perSecond = (r: RunResult) => r.paid / r.seconds;
    const cpuUs = (r: RunResult) => (r.cpuMs * 1000) / r.paid;
    // Every due subscription billed, paid and charged exactly once on both sides, or the figures mean nothing.
    const missed = (r: RunResult) => Math.abs(COUNT - r.invoices) + Math.abs(COUNT - r.paid) + Math.abs(COUNT - r.charges);
    return [
      { metric: `renewal run, ${COUNT.toLocaleString('en-US')} due (test gateway)`, unit: 'invoices/s', value: perSecond(porte), baseline: perSecond(bare), target: { on: 'ratio', atLeast: 0.5 } },
      // The same ratio by CPU time (≤ 2× the bare script's CPU is ≥ 0.5× its throughput): steadier than
      // wall time on a shared machine, where either process may wait for a core.
      { metric: 'CPU per renewal (process, checkpointer included)', unit: 'µs', value: cpuUs(porte), baseline: cpuUs(bare), target: { on: 'ratio', atMost: 2 } },
      { metric: 'peak RSS of the run process', unit: 'MB', value: porte.maxRssMB, baseline: bare.maxRssMB, target: { on: 'value', atMost: 200 } },
      { metric: 'due renewals not billed, paid and charged once', unit: 'count', value: missed(porte), baseline: missed(bare), target: { on: 'value', atMost: 0, required: true } },
    ];
  } finally {
    dir.dispose();
  }
}
