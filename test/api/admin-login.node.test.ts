// The back-office login throttle where only Node can show it: time moved by an injected clock
// (growing waits), and the CPU the server spends checking passwords (how many were checked).
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHarness } from '../harness/node.ts';
import type { Harness } from '../harness/types.ts';
import { Agent, PASSWORD, WRONG } from './admin.suite.ts';

let now = Date.parse('2026-03-02T09:00:00.000Z');
let h: Harness & { deps: { db: { run(q: string, p: (string | number)[]): Promise<unknown> } } };

beforeAll(async () => {
  h = await nodeHarness({ clock: () => new Date(now) });
});
afterAll(() => h?.close());

const retryAfter = (res: Response): number => Number(res.headers.get('retry-after'));

describe('back-office login throttle (Node)', () => {
  it('after 5 wrong passwords from one address each further try waits longer; the right one works after the wait and starts afresh', async () => {
    const m = await h.merchant();
    const email = `${m.slug}@example.com`;
    const agent = new Agent(h, '203.0.113.5');
    const _csrf = await agent.token('/admin/login');
    for (let i = 0; i < 4; i++) expect((await agent.login(email, `wrong-${i}`, _csrf)).status).toBe(401);
    const fifth = await agent.login(email, 'wrong-4', _csrf);
    expect(fifth.status).toBe(429);
    const fifthText = await fifth.text();
    expect(fifthText).toContain(WRONG);
    expect(fifthText).toMatch(/wait \d+ seconds before trying again/);
    const waits = [retryAfter(fifth)];
    expect(waits[0]).toBeGreaterThan(0);

    // Before the wait is over: refused without a look at the password, even the right one.
    now += 1000;
    const early = await agent.login(email, PASSWORD, _csrf);
    expect(early.status).toBe(429);
    expect(retryAfter(early)).toBeLessThanOrEqual(waits[0] ?? 0);
    expect(await early.text()).not.toContain(WRONG);

    // Each wrong try once the wait is over is checked, and earns a longer wait.
    for (let i = 0; i < 4; i++) {
      now += (waits[waits.length - 1] ?? 0) * 1000;
      const res = await agent.login(email, `late-${i}`, _csrf);
      expect(res.status).toBe(429);
      expect(await res.text()).toContain(WRONG);
      waits.push(retryAfter(res));
    }
    for (let i = 1; i < waits.length; i++) expect(waits[i], `wait ${i} of ${waits.join(', ')}`).toBeGreaterThan(waits[i - 1] ?? 0);

    now += (waits[waits.length - 1] ?? 0) * 1000;
    expect((await agent.login(email, PASSWORD, _csrf)).headers.get('location')).toBe('/admin/customers');
    // A success from here starts this address and email afresh: a typo is just a typo again.
    expect((await new Agent(h, '203.0.113.5').login(email, 'typo')).status).toBe(401);
  });

  it('20 guesses at once from one address cost the server the CPU of at most about 5 password checks', async () => {
    const m = await h.merchant();
    const email = `${m.slug}@example.com`;
    // A costly hash (1M iterations, in the format every version reads), so checking dominates the CPU.
    const salt = randomBytes(16);
    const hash = `pbkdf2$1000000$${salt.toString('hex')}$${pbkdf2Sync(PASSWORD, salt, 1_000_000, 32, 'sha256').toString('hex')}`;
    await h.deps.db.run('UPDATE users SET password_hash = ? WHERE email = ?', [hash, email]);

    // The CPU of one checked wrong password (a different address, so it does not count against the burst).
    const single = new Agent(h, '192.0.2.77');
    const singleCsrf = await single.token('/admin/login');
    const before = process.cpuUsage();
    expect((await single.login(email, 'one guess', singleCsrf)).status).toBe(401);
    const one = cpuSince(before);

    const stranger = new Agent(h, '203.0.113.66');
    const _csrf = await stranger.token('/admin/login');
    const start = process.cpuUsage();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => stranger.login(email, `guess-${i}`, _csrf)));
    const burst = cpuSince(start);
    expect(answers.every((r) => r.status === 401 || r.status === 429)).toBe(true);
    // Checking all 20 would cost about 20 × one; 5 checks plus 15 cheap refusals stay well under 9 ×.
    expect(burst, `one check ${one} ms, the burst ${burst} ms`).toBeLessThan(9 * one);
    expect(burst).toBeGreaterThan(3 * one);
  }, 60_000);
});

/** Process CPU (all threads: WebCrypto's PBKDF2 runs on libuv's pool) in ms since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}
