/**
 * `tsx bench/profile-summary.ts <file.cpuprofile> [top]`: the hot spots of a V8 CPU profile (e.g.
 * from `BENCH_CPU_PROF=1 npm run bench`) as plain text, so evidence fits in a report or a review:
 * self time by function, self time by file or package, and inclusive ("total") time by function.
 */
import { idle, summarizeProfile, topEntries } from './profile.ts';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top=25]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const s = summarizeProfile(file);

function print(title: string, map: Map<string, number>, skip: (key: string) => boolean = () => false): void {
  console.log(`\n${title}`);
  for (const [key, us] of topEntries(map, top, skip)) console.log(`${((100 * us) / s.busyUs).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
}

console.log(`${file}: ${(s.totalUs / 1e6).toFixed(1)} s sampled, ${(s.busyUs / 1e6).toFixed(1)} s busy (percentages are of busy time; idle/program/root excluded)`);
print('Self time by function', s.selfByFunction, idle);
print('Self time by file or package', s.selfByPlace);
print('Total (inclusive) time by function', s.totalByFunction, idle);
