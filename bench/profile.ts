/**
 * V8 CPU profiles (`--cpu-prof`) read back as numbers: self time by function, by file or package,
 * and inclusive time by function. Shared by `bench/profile-summary.ts` (the CLI) and the bench
 * modules, which print the top frames per request as rows so a regression names its cause.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot, type Row } from './harness.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface Profile {
  startTime: number;
  endTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Everything sampled, µs. */
  readonly totalUs: number;
  /** Sampled minus idle/program/root (the thread waiting), µs. */
  readonly busyUs: number;
  readonly selfByFunction: Map<string, number>;
  readonly selfByPlace: Map<string, number>;
  readonly totalByFunction: Map<string, number>;
}

/** Repo files relative to the root; dependencies by package; node internals as they are. */
function place(url: string): string {
  if (url === '') return '(native/V8)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? path);
  }
  return path.startsWith(repoRoot) ? relative(repoRoot, path) : path;
}

/** Samples where the thread was waiting, not working: left out of the percentages. */
export const idle = (key: string): boolean => key.startsWith('(idle)') || key.startsWith('(program)') || key.startsWith('(root)');

/**
 * Only the samples taken between `fromEndMs` and `toEndMs` before the profile's end (e.g. the load
 * phase of a server stopped right after it), so start-up (migrations, seeding) is left out.
 */
export interface ProfileWindow {
  readonly fromEndMs: number;
  readonly toEndMs: number;
}

export function summarizeProfile(file: string, window?: ProfileWindow): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const label = (n: ProfileNode): string => {
    const where = place(n.callFrame.url);
    // tsx serves TypeScript minified onto one line, so a line number there would be noise.
    const line = n.callFrame.url && !/\.tsx?$/.test(where) ? `:${n.callFrame.lineNumber + 1}` : '';
    return `${n.callFrame.functionName || '(anonymous)'} ${where}${line}`;
  };

  const selfByFunction = new Map<string, number>();
  const selfByPlace = new Map<string, number>();
  const totalByFunction = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);

  let totalUs = 0;
  let at = profile.startTime;
  const from = window ? profile.endTime - window.fromEndMs * 1000 : Number.NEGATIVE_INFINITY;
  const to = window ? profile.endTime - window.toEndMs * 1000 : Number.POSITIVE_INFINITY;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the gap before sample i: attribute it to that sample.
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < from || at > to) return;
    const us = Math.max(0, delta);
    const node = byId.get(id);
    if (!node) return;
    totalUs += us;
    const self = label(node);
    add(selfByFunction, self, us);
    if (!idle(self)) add(selfByPlace, place(node.callFrame.url), us);
    // Inclusive time counts each function once per sample, however often it recurs on the stack.
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const frame = byId.get(n);
      if (!frame) break;
      const key = label(frame);
      if (!seen.has(key)) {
        seen.add(key);
        add(totalByFunction, key, us);
      }
    }
  });
  const busyUs = totalUs - [...selfByFunction].filter(([k]) => idle(k)).reduce((sum, [, us]) => sum + us, 0);
  return { totalUs, busyUs, selfByFunction, selfByPlace, totalByFunction };
}

/** The largest .cpuprofile in `dir` (the main thread; the small one is tsx's loader thread). */
export function mainProfile(dir: string): string | undefined {
  let best: { file: string; size: number } | undefined;
  if (!existsSync(dir)) return undefined;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.cpuprofile')) continue;
    const file = join(dir, name);
    const size = statSync(file).size;
    if (!best || size > best.size) best = { file, size };
  }
  return best?.file;
}

/**
 * Waits for `dir`'s profiles once the server was stopped: tsx's parent can exit before the node
 * process it runs has written them. Resolves with the main one, or undefined after `timeoutMs`.
 */
export async function awaitProfile(dir: string, timeoutMs = 60_000): Promise<string | undefined> {
  const deadline = performance.now() + timeoutMs;
  let last = '';
  while (performance.now() < deadline) {
    const file = mainProfile(dir);
    const state = file ? `${file}:${statSync(file).size}` : '';
    // Written once, at exit; a size seen unchanged twice 300 ms apart is complete.
    if (file && state === last) return file;
    last = state;
    await new Promise((r) => setTimeout(r, 300));
  }
  return undefined;
}

/** Copies a profile to test-output/profiles/<name>.cpuprofile (the bench's temp folders are removed). */
export function keepProfile(file: string, name: string): string {
  const dir = join(repoRoot, 'test-output', 'profiles');
  mkdirSync(dir, { recursive: true });
  const kept = join(dir, `${name}.cpuprofile`);
  copyFileSync(file, kept);
  return kept;
}

export const topEntries = (map: Map<string, number>, n: number, skip: (key: string) => boolean = () => false): [string, number][] =>
  [...map].filter(([k]) => !skip(k)).sort((a, b) => b[1] - a[1]).slice(0, n);

/**
 * Rows "profile: <frame>" in µs of self time per request (busy time / requests served while
 * profiled): the top functions and the top files or packages. No targets: they explain the others.
 */
export function frameRows(file: string, requests: number, what: string, window?: ProfileWindow, functions = 8, places = 5): Row[] {
  const s = summarizeProfile(file, window);
  const perRequest = (us: number) => us / requests;
  return [
    { metric: `profile ${what}: busy CPU of the main thread`, unit: 'µs/req', value: perRequest(s.busyUs) },
    ...topEntries(s.selfByPlace, places).map(([key, us]): Row => ({ metric: `  self, file/package: ${key}`, unit: 'µs/req', value: perRequest(us) })),
    ...topEntries(s.selfByFunction, functions, idle).map(([key, us]): Row => ({ metric: `  self, function: ${key}`, unit: 'µs/req', value: perRequest(us) })),
  ];
}
