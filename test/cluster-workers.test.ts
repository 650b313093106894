import { describe, expect, it } from 'vitest';
import { workerCount } from '../server/entry/cluster.ts';

// PORTE_WORKERS as an operator writes it: nothing means one process, `auto` one per core.
describe('PORTE_WORKERS', () => {
  it('defaults to one process, `auto` to one per core, a count to itself', () => {
    expect(workerCount(undefined, 8)).toBe(1);
    expect(workerCount('', 8)).toBe(1);
    expect(workerCount('auto', 2)).toBe(2);
    expect(workerCount(' 3 ', 2)).toBe(3);
  });

  it('refuses what is not a whole number from 1, naming the variable, rather than guessing', () => {
    for (const bad of ['0', '-2', '1.5', 'two', 'AUTO ']) expect(() => workerCount(bad, 2)).toThrow(/PORTE_WORKERS/);
  });
});
