import type { Database } from '../db/port.ts';
import { hashPassword, verifyPassword } from '../lib/crypto.ts';
import { randomToken } from '../lib/ids.ts';
import { type AdminUser, adminRepository } from './repository.ts';

export const WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES = 5;

export type LoginOutcome =
  | { kind: 'ok'; user: AdminUser }
  | { kind: 'wrong' }
  | { kind: 'locked'; until: Date };

let dummyHash: Promise<string> | undefined;

/**
 * When the email is nobody's, a password is still checked against a throwaway hash, so the
 * answer takes as long as for a real account and timing does not reveal who has one.
 */
const dummy = (): Promise<string> => {
  dummyHash ??= hashPassword(randomToken(24));
  return dummyHash;
};

/** When the 5th most recent failure in the window ages out, or undefined while fewer than 5. */
function unlockAt(failures: readonly string[]): number | undefined {
  const fifth = failures[MAX_FAILURES - 1];
  return fifth === undefined ? undefined : Date.parse(fifth) + WINDOW_MS;
}

/** Locked while the email (since its last success) or the IP has 5 failures in the last 15 minutes. */
export async function lockedUntil(db: Database, email: string, ip: string, now: Date): Promise<Date | undefined> {
  const { byEmail, byIp } = await adminRepository(db).recentFailures(email, ip, new Date(now.getTime() - WINDOW_MS).toISOString());
  const until = Math.max(unlockAt(byEmail) ?? 0, unlockAt(byIp) ?? 0);
  return until > now.getTime() ? new Date(until) : undefined;
}

/**
 * One login try. While locked, the password is not even looked at (so guessing on cannot
 * succeed), and the try is not counted (so the lock lifts 15 minutes after it began).
 */
export async function attemptLogin(db: Database, clock: () => Date, email: string, password: string, ip: string): Promise<LoginOutcome> {
  const repo = adminRepository(db);
  const normalized = email.trim().toLowerCase();
  const locked = await lockedUntil(db, normalized, ip, clock());
  if (locked) return { kind: 'locked', until: locked };

  const user = normalized ? await repo.userByEmail(normalized) : undefined;
  const ok = user ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await dummy())) && false;
  const now = clock();
  await db.batch([
    repo.purgeAttempts(new Date(now.getTime() - 24 * 3_600_000).toISOString()),
    repo.recordAttempt(normalized, ip, ok, now.toISOString()),
  ]);
  if (ok && user) return { kind: 'ok', user };
  const lockedNow = await lockedUntil(db, normalized, ip, now);
  return lockedNow ? { kind: 'locked', until: lockedNow } : { kind: 'wrong' };
}
