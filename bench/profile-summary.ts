/**
 * `tsx bench/profile-summary.ts <file.cpuprofile> [top]`: the hot spots of a V8 CPU profile (e.g.
 * from `BENCH_CPU_PROF=1 npm run bench`) as plain text, so evidence fits in a report or a review:
 * self time by function, self time by file or package, and inclusive ("total") time by function.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './harness.ts';

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
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top=25]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

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

/** Samples where the thread was waiting, not working: left out of the percentages. */
const idle = (key: string) => key.startsWith('(idle)') || key.startsWith('(program)') || key.startsWith('(root)');

let totalUs = 0;
profile.samples.forEach((id, i) => {
  // timeDeltas[i] is the gap before sample i: attribute it to that sample.
  const us = Math.max(0, profile.timeDeltas[i] ?? 0);
  const node = byId.get(id);
  if (!node) return;
  totalUs += us;
  const self = label(node);
  add(selfByFunction, self, us);
  if (!idle(self)) add(selfByPlace, place(node.callFrame.url), us);
  // Inclusive time counts each function once per sample, however often it recurs on the stack.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at);
    if (!frame) break;
    const key = label(frame);
    if (!seen.has(key)) {
      seen.add(key);
      add(totalByFunction, key, us);
    }
  }
});

const busyUs = totalUs - [...selfByFunction].filter(([k]) => idle(k)).reduce((sum, [, us]) => sum + us, 0);

function print(title: string, map: Map<string, number>, skip: (key: string) => boolean = () => false): void {
  console.log(`\n${title}`);
  const rows = [...map].filter(([k]) => !skip(k)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [key, us] of rows) console.log(`${((100 * us) / busyUs).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
}

console.log(`${file}: ${(totalUs / 1e6).toFixed(1)} s sampled, ${(busyUs / 1e6).toFixed(1)} s busy (percentages are of busy time; idle/program/root excluded)`);
print('Self time by function', selfByFunction, idle);
print('Self time by file or package', selfByPlace);
print('Total (inclusive) time by function', totalByFunction, idle);
