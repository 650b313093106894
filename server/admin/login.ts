import type { Database } from '../db/port.ts';
import { hashPassword, passwordNeedsRehash, verifyPassword } from '../lib/crypto.ts';
import { randomToken } from '../lib/ids.ts';
import { type AdminUser, adminRepository } from './repository.ts';
import { type ThrottlePolicy, throttleRepository } from './throttle-repository.ts';

/**
 * Per (address, email): 5 tries, then waits of 30 s, 1 min, 2 min… up to an hour. A stranger's
 * guesses slow down only their own address, never the owner signing in from elsewhere.
 */
export const PAIR_POLICY: ThrottlePolicy = { free: 5, baseMs: 30_000, maxMs: 3_600_000 };
/** Per address across all emails, so one address cannot try 5 passwords on each of many accounts. */
export const ADDRESS_POLICY: ThrottlePolicy = { free: 10, baseMs: 30_000, maxMs: 3_600_000 };
/** A row whose wait ended this long ago (or idle this long, below the allowance) starts afresh. */
export const FORGET_MS = 15 * 60_000;

export type LoginOutcome =
  | { kind: 'ok'; user: AdminUser }
  /** Checked and wrong; `retryAt` when the next try from here must wait. */
  | { kind: 'wrong'; retryAt?: Date }
  /** Not checked at all: this address (for this email, or for all) must wait until `retryAt`. */
  | { kind: 'throttled'; retryAt: Date };

const dummyHashes = new Map<number, Promise<string>>();

/**
 * When the email is nobody's, a password is still checked against a throwaway hash of the same
 * cost, so the answer takes as long as for a real account and timing does not reveal who has one.
 */
const dummy = (iterations: number): Promise<string> => {
  let hash = dummyHashes.get(iterations);
  if (!hash) {
    hash = hashPassword(randomToken(24), iterations);
    dummyHashes.set(iterations, hash);
  }
  return hash;
};

/**
 * One login try. It is counted before the password is looked at, in one atomic batch, so however
 * many arrive at once no more than the allowance are checked; a try that must wait is refused
 * unchecked (guessing on cannot succeed). A right password stored at a lower cost or in the older
 * format is hashed again at `iterations`, guarded on the old hash so a concurrent change wins.
 */
export async function attemptLogin(
  db: Database,
  clock: () => Date,
  o: { email: string; password: string; ip: string; iterations: number },
): Promise<LoginOutcome> {
  const throttle = throttleRepository(db);
  const email = o.email.trim().toLowerCase();
  const attempt = randomToken(16);
  const now = clock().getTime();
  const results = await db.batch(throttle.countTry({ ip: o.ip, email, attempt, now, forgetMs: FORGET_MS, address: ADDRESS_POLICY, pair: PAIR_POLICY }));
  const counted = results[results.length - 1]?.changes === 1;
  const waitUntil = async () => {
    const until = await throttle.waitUntil(o.ip, email);
    return until > clock().getTime() ? new Date(until) : undefined;
  };
  if (!counted) return { kind: 'throttled', retryAt: (await waitUntil()) ?? new Date(clock().getTime() + 1000) };

  const repo = adminRepository(db);
  const user = email ? await repo.userByEmail(email) : undefined;
  const ok = user ? await verifyPassword(o.password, user.passwordHash) : (await verifyPassword(o.password, await dummy(o.iterations))) && false;
  if (!ok || !user) return { kind: 'wrong', retryAt: await waitUntil() };

  const rehash = passwordNeedsRehash(user.passwordHash, o.iterations)
    ? [repo.replacePasswordHash(user.id, user.passwordHash, await hashPassword(o.password, o.iterations))]
    : [];
  await db.batch([...throttle.succeeded({ ip: o.ip, email, now: clock().getTime(), address: ADDRESS_POLICY }), ...rehash]);
  return { kind: 'ok', user };
}
