/**
 * What benchmark modules share: the row format the runner prints, child servers on loopback,
 * and an autocannon load phase with a warm-up. Benchmarks report; they never fail on timing.
 */
import autocannon, { type Client, type Method } from 'autocannon';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const tsxBin = join(repoRoot, 'node_modules', '.bin', 'tsx');

/** A goal for a row; `on: 'ratio'` compares value / baseline, `on: 'value'` the value itself. */
export interface Target {
  readonly on: 'ratio' | 'value';
  readonly atLeast?: number;
  readonly atMost?: number;
  /**
   * A validity condition rather than a performance goal (e.g. "no non-2xx"): when missed the
   * figures of the run are meaningless, so the runner exits non-zero. Timing goals never do.
   * A required `on: 'value'` target is checked on the baseline figure too: both runs must be valid.
   */
  readonly required?: boolean;
}

/** One printable line of results. */
export interface Row {
  readonly metric: string;
  readonly unit: string;
  readonly value: number;
  /** The same figure for the reference implementation, measured in the same run. */
  readonly baseline?: number;
  readonly target?: Target;
  /** Digits after the decimal point when printed (default 0). */
  readonly decimals?: number;
}

/** What a `bench/*.bench.ts` file exports. */
export interface BenchModule {
  readonly name: string;
  run(): Promise<Row[]>;
}

/** Progress goes to stderr so stdout holds only the results table. */
export const log = (message: string): void => {
  process.stderr.write(`  · ${message}\n`);
};

/** A free TCP port on loopback (the tiny race until the child binds it is acceptable here). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** A temporary folder removed by `dispose` (databases and their -wal/-shm files live there). */
export function tempDir(prefix: string): { path: string; dispose(): void } {
  const path = mkdtempSync(join(tmpdir(), `porte-bench-${prefix}-`));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

// Children still alive when the runner exits (crash, Ctrl-C) are killed so no server outlives it.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface ServerProcess {
  readonly port: number;
  readonly url: string;
  /** The `ready` pattern's match, e.g. to read a key from a start banner. */
  readonly ready: RegExpExecArray;
  /** User + system CPU of the whole process tree so far, in ms (Linux /proc; NaN elsewhere). */
  cpuMs(): number;
  /** The last output of the child, for error messages. */
  output(): string;
  /** Resident memory of the largest process of the tree (the node running the server, not tsx's parent), MB. */
  rssMb(): number;
  /** Stops the server; rejects if it had already exited on its own. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  readonly label: string;
  /**
   * `tsx` (the default) runs TypeScript sources, e.g. `['server/entry/node.ts']`; `node` runs
   * built JavaScript as `npm start` does, e.g. `['dist/server/node.js']` (see `buildServer`).
   */
  readonly runner?: 'tsx' | 'node';
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly port: number;
  /** Matched against everything the child printed so far; the child is ready once it matches. */
  readonly ready: RegExp;
  readonly startTimeoutMs?: number;
  /** Always profile this server (`--cpu-prof`) into this folder, whatever BENCH_CPU_PROF says. */
  readonly cpuProfileDir?: string;
}

const OUTPUT_KEEP = 16 * 1024;

/**
 * Starts `tsx <args>` (or `node <args>`, see `runner`) as a child and waits for its ready line. `BENCH_CPU_PROF=1` passes
 * `--cpu-prof` (node refuses it in NODE_OPTIONS; tsx forwards it to the node process it starts),
 * writing .cpuprofile files to test-output/profiles/<label>/ on exit: the largest is the main
 * thread, the small one tsx's loader thread.
 */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const env: Record<string, string> = { ...filteredEnv(), ...options.env, PORT: String(options.port) };
  const profileDir = options.cpuProfileDir ?? (process.env.BENCH_CPU_PROF === '1' ? join(repoRoot, 'test-output', 'profiles', options.label) : undefined);
  const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const command = options.runner === 'node' ? process.execPath : tsxBin;
  const child = spawn(command, [...nodeFlags, ...options.args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEEP);
  };
  // Both pipes are drained for the child's whole life: a full pipe would block its writes.
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolveExit(code);
    });
  });

  const ready = await new Promise<RegExpExecArray>((resolveReady, reject) => {
    const timer = setTimeout(() => fail(new Error(`${options.label} did not print its ready line in time`)), options.startTimeoutMs ?? 30_000);
    const check = () => {
      const match = options.ready.exec(output);
      if (!match) return;
      cleanup();
      resolveReady(match);
    };
    const onExit = (code: number | null) => fail(new Error(`${options.label} exited with code ${code} before it was ready`));
    const fail = (error: Error) => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n--- ${options.label} output ---\n${output}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off('data', check);
      child.stderr.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', onExit);
    check();
  });

  // tsx runs the script in a grandchild node process: CPU is summed over the whole tree.
  const tree = child.pid === undefined ? [] : processTree(child.pid);
  return {
    port: options.port,
    url: `http://127.0.0.1:${options.port}`,
    ready,
    cpuMs: () => cpuMsOf(tree),
    output: () => output,
    rssMb: () => Math.max(...tree.map(rssKbOf).filter(Number.isFinite)) / 1024,
    async stop() {
      // A server that died during the run (crash, OOM) makes its figures meaningless: say so loudly.
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${options.label} exited during the run (code ${child.exitCode}, signal ${child.signalCode})\n--- ${options.label} output ---\n${output}`);
      }
      child.kill('SIGTERM'); // tsx relays it; the servers shut down gracefully (and flush profiles).
      const timer = setTimeout(() => {
        for (const pid of tree) tryKill(pid);
      }, 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Stops every server even if one fails, then reports the failures together. */
export async function stopAll(servers: readonly ServerProcess[]): Promise<void> {
  const results = await Promise.allSettled(servers.map((server) => server.stop()));
  const reasons = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
  if (reasons.length > 0) throw new Error(reasons.join('\n'));
}

/** The benchmark's own knobs stay out of the children, except the profiling switch handled above. */
function filteredEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('BENCH_')) env[key] = value;
  return env;
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** `pid` and its descendants, from /proc (empty list of children where /proc is missing). */
function processTree(pid: number): number[] {
  const parents = new Map<number, number>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [pid];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) parents.set(Number(entry), stat.ppid);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

// /proc/<pid>/stat times are in clock ticks; USER_HZ is 100 on every Linux we run on.
const TICK_MS = 10;

function readStat(pid: number): { ppid: number; cpuTicks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: parse after its last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // Fields from 3 on: state ppid … utime(14) stime(15) → indices 1, 11, 12 here.
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** VmRSS of one process in kB (NaN when unreadable). */
function rssKbOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function cpuMsOf(pids: readonly number[]): number {
  if (pids.length === 0) return Number.NaN;
  let ticks = 0;
  for (const pid of pids) {
    const stat = readStat(pid);
    if (!stat) return Number.NaN;
    ticks += stat.cpuTicks;
  }
  return ticks * TICK_MS;
}

export interface LoadRequest {
  readonly method: Method;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A server under load and how to talk to it. */
export interface LoadTarget {
  readonly label: string;
  readonly url: string;
  readonly connections: number;
  /**
   * Builds request `n` of connection `connection`. Connection numbers keep growing across phases,
   * so (connection, n) is unique over a whole benchmark (e.g. for unique emails).
   */
  readonly request: (connection: number, n: number) => LoadRequest;
  /** Server CPU in ms (e.g. `server.cpuMs`), sampled around each measured phase. */
  readonly cpuMs?: () => number;
}

/** One autocannon run. */
interface Phase {
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly seconds: number;
  readonly cpuMs: number;
  /** Latencies of 2xx responses, ms. */
  readonly latencies: readonly number[];
}

export interface LoadResult {
  /** 2xx responses per second over the measured phases. */
  readonly rps: number;
  readonly ok: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly seconds: number;
  /** Latency of 2xx responses, ms. */
  readonly p50: number;
  readonly p99: number;
  /** Server CPU (whole process tree) per 2xx response, µs; NaN when not measurable. */
  readonly cpuUsPerRequest: number;
}

// Latencies are kept exactly (autocannon's own histogram rounds to whole ms, too coarse for a
// ~1 ms p50); the cap bounds memory whatever the speed of the server.
const MAX_SAMPLES_PER_PHASE = 1_000_000;
const connectionCounters = new WeakMap<LoadTarget, number>();

async function phase(target: LoadTarget, seconds: number, record: boolean): Promise<Phase> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: target.url,
    connections: target.connections,
    duration: seconds,
    setupClient(client: Client) {
      const id = connectionCounters.get(target) ?? 0;
      connectionCounters.set(target, id + 1);
      let n = 0;
      client.setRequests([
        {
          setupRequest: (raw) => {
            const next = target.request(id, n++);
            return { ...raw, method: next.method, path: next.path, headers: { ...next.headers }, body: next.body ?? '' };
          },
        },
      ]);
    },
  });
  if (record) {
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300 && latencies.length < MAX_SAMPLES_PER_PHASE) latencies.push(responseTime);
    });
  }
  const cpuBefore = target.cpuMs?.() ?? Number.NaN;
  const result = await instance;
  const cpuAfter = target.cpuMs?.() ?? Number.NaN;
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats)) statusCodes[code] = stats.count;
  return {
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statusCodes,
    // autocannon stops on its 1 s sampling tick, so the real duration is used, not the asked one.
    seconds: result.duration,
    cpuMs: cpuAfter - cpuBefore,
    latencies,
  };
}

function summarize(phases: readonly Phase[]): LoadResult {
  const sum = (pick: (p: Phase) => number) => phases.reduce((total, p) => total + pick(p), 0);
  const statusCodes: Record<string, number> = {};
  for (const p of phases) for (const [code, count] of Object.entries(p.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  const sorted = Float64Array.from(phases.flatMap((p) => p.latencies)).sort();
  const ok = sum((p) => p.ok);
  const seconds = sum((p) => p.seconds);
  return {
    rps: seconds > 0 ? ok / seconds : Number.NaN,
    ok,
    non2xx: sum((p) => p.non2xx),
    errors: sum((p) => p.errors),
    statusCodes,
    seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    cpuUsPerRequest: ok > 0 ? (sum((p) => p.cpuMs) * 1000) / ok : Number.NaN,
  };
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

export interface CompareOptions {
  readonly baseline: LoadTarget;
  readonly subject: LoadTarget;
  /** Discarded load on each server first (JIT, caches, SQLite pages). */
  readonly warmupSeconds: number;
  /** Measured time per server = rounds × secondsPerRound. */
  readonly rounds: number;
  readonly secondsPerRound: number;
}

export interface Comparison {
  readonly baseline: LoadResult;
  readonly subject: LoadResult;
  /** subject/baseline throughput of each round: their spread shows how noisy the machine was. */
  readonly roundRatios: readonly number[];
}

/**
 * Loads both servers in alternating rounds (baseline, subject, baseline, subject, …) rather than
 * one after the other: on a small shared machine a burst of outside work then hits both sides
 * instead of skewing the ratio. One server is loaded at a time; the idle one costs nothing.
 */
export async function compareLoad(options: CompareOptions): Promise<Comparison> {
  const [baseline, subject] = await compareMany({ ...options, targets: [options.baseline, options.subject] });
  if (!baseline || !subject) throw new Error('compareMany returned fewer results than targets');
  return { baseline: baseline.result, subject: subject.result, roundRatios: subject.roundRatios };
}

export interface CompareManyOptions {
  /** The first is the reference the others' round ratios are taken against. */
  readonly targets: readonly LoadTarget[];
  readonly warmupSeconds: number;
  readonly rounds: number;
  readonly secondsPerRound: number;
}

/**
 * compareLoad for any number of servers: warm-up each, then rounds of one phase per server in
 * turn, so a burst of outside work hits them all alike. Round ratios are against targets[0].
 */
export async function compareMany(options: CompareManyOptions): Promise<{ result: LoadResult; roundRatios: number[] }[]> {
  for (const target of options.targets) {
    if (options.warmupSeconds > 0) {
      log(`${target.label}: ${options.warmupSeconds} s warm-up`);
      await phase(target, options.warmupSeconds, false);
    }
  }
  const phases: Phase[][] = options.targets.map(() => []);
  const ratios: number[][] = options.targets.map(() => []);
  for (let round = 1; round <= options.rounds; round++) {
    log(`round ${round}/${options.rounds}: ${options.secondsPerRound} s on each of ${options.targets.map((t) => t.label).join(', ')}`);
    const results: Phase[] = [];
    for (const [i, target] of options.targets.entries()) {
      const p = await phase(target, options.secondsPerRound, true);
      results.push(p);
      phases[i]?.push(p);
    }
    const reference = results[0];
    for (const [i, p] of results.entries()) ratios[i]?.push(reference ? p.ok / p.seconds / (reference.ok / reference.seconds) : Number.NaN);
  }
  return phases.map((p, i) => ({ result: summarize(p), roundRatios: ratios[i] ?? [] }));
}

/** One measured autocannon phase on one server (e.g. a profiled pass). */
export async function loadFor(target: LoadTarget, seconds: number): Promise<LoadResult> {
  return summarize([await phase(target, seconds, true)]);
}

// ── Helpers for modules that measure more than one autocannon phase ────────────────────────────

/** Nearest-rank percentiles of unsorted samples (ms or anything else); NaN when empty. */
export function quantiles(samples: readonly number[]): { p50: number; p95: number; p99: number; max: number; count: number } {
  const sorted = Float64Array.from(samples).sort();
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), max: sorted.length ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN, count: sorted.length };
}

/** Runs `work` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Builds dist/public (both vite configs) when `file` is missing; the built files are what browsers get. */
export function ensureBuilt(file: string): void {
  if (existsSync(file)) return;
  log(`${file.slice(repoRoot.length + 1)} is missing: npm run build`);
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'pipe' });
  if (!existsSync(file)) throw new Error(`npm run build did not produce ${file}`);
}

/**
 * Runs `tsx <script> …args` (a bench's child process, so that its memory and CPU are its own) and
 * returns the JSON of its last stdout line; rejects with the end of its stderr if it fails.
 */
export function childJson<T>(script: string, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(tsxBin, [script, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    proc.stderr.on('data', (c: Buffer) => {
      err = (err + c.toString('utf8')).slice(-8192);
    });
    proc.once('error', reject);
    proc.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited with ${code}\n${err}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} ${args[0]} printed no JSON:\n${out.slice(-2000)}\n${err}`));
      }
    });
  });
}

let builtEntry: string | undefined;
/**
 * Porte as `npm start` runs it, for the servers a bench measures: the built dist/server/node.js,
 * built once per bench run. Profiled passes keep the TypeScript sources through tsx, so that their
 * frames name Porte's own files rather than one bundle.
 */
export function porteEntry(): { runner: 'node'; args: string[] } {
  builtEntry ??= buildServer();
  return { runner: 'node', args: [builtEntry] };
}

/**
 * Builds the Node server (dist/server/node.js, what `npm start` runs) from the current sources,
 * every time: a stale bundle would measure code that is no longer there. A few seconds.
 */
export function buildServer(): string {
  log('building dist/server (vite.server.config.ts)');
  execFileSync(join(repoRoot, 'node_modules', '.bin', 'vite'), ['build', '--config', 'vite.server.config.ts', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'pipe' });
  const entry = join(repoRoot, 'dist', 'server', 'node.js');
  if (!existsSync(entry)) throw new Error(`vite build did not produce ${entry}`);
  return entry;
}

/**
 * A built module and every file it pulls in through static `import … from "./x.js"`,
 * `import "./x.js"` or `export … from "./x.js"` (not `import()`), itself first: what a browser
 * downloads before the module runs. The same walk as test/widget-size.test.ts.
 */
export function staticGraph(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/\bimport\s*(?:[\w*{}\s,$]+?\s*from\s*)?["'`](\.{1,2}\/[^"'`]+)["'`]/g)) visit(resolve(dirname(file), m[1] ?? ''));
    for (const m of code.matchAll(/\bexport\s*(?:\*|\{[^}]*\})\s*from\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g)) visit(resolve(dirname(file), m[1] ?? ''));
  };
  visit(entry);
  return [...seen];
}

/** gzip size (zlib's default level, as servers and CDNs typically serve) of one file, bytes. */
export const gzipBytes = (file: string): number => gzipSync(readFileSync(file)).length;
/** The same for a response body held in memory. */
export const gzipText = (text: string): number => gzipSync(text).length;
