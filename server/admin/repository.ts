import type { Database, Statement } from '../db/port.ts';
import { sql } from '../db/port.ts';

export type Role = 'owner' | 'member';

export interface AdminUser {
  id: string;
  merchantId: string;
  email: string;
  role: Role;
  passwordHash: string;
  createdAt: string;
}

export interface AdminSession {
  tokenHash: string;
  csrfToken: string;
  flash: string | null;
  expiresAt: string;
  user: AdminUser;
}

interface UserRow {
  id: string;
  merchant_id: string;
  email: string;
  role: Role;
  password_hash: string;
  created_at: string;
}

const userFromRow = (r: UserRow): AdminUser => ({
  id: r.id,
  merchantId: r.merchant_id,
  email: r.email,
  role: r.role,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
});

/** A password hash no password verifies against: what an invited member has until they choose one. */
export const UNUSABLE_PASSWORD = '!invited';

export function adminRepository(db: Database) {
  return {
    async userByEmail(email: string): Promise<AdminUser | undefined> {
      // users.email is COLLATE NOCASE: the lookup ignores case like the UNIQUE constraint does.
      const row = await db.get<UserRow>('SELECT * FROM users WHERE email = ?', [email]);
      return row && userFromRow(row);
    },
    async users(merchantId: string): Promise<(AdminUser & { invited: boolean })[]> {
      const rows = await db.all<UserRow & { invited: number }>(
        `SELECT u.*, EXISTS (SELECT 1 FROM admin_invitations i WHERE i.user_id = u.id AND i.used_at IS NULL) AS invited
         FROM users u WHERE u.merchant_id = ? ORDER BY u.created_at, u.email`,
        [merchantId],
      );
      return rows.map((r) => ({ ...userFromRow(r), invited: r.invited === 1 }));
    },
    insertUser(u: AdminUser): Statement {
      return sql(
        'INSERT INTO users (id, merchant_id, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        u.id, u.merchantId, u.email, u.passwordHash, u.role, u.createdAt,
      );
    },

    async session(tokenHash: string, now: string): Promise<AdminSession | undefined> {
      const row = await db.get<UserRow & { token_hash: string; csrf_token: string; flash: string | null; expires_at: string }>(
        `SELECT s.token_hash, s.csrf_token, s.flash, s.expires_at, u.*
         FROM admin_sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.expires_at > ?`,
        [tokenHash, now],
      );
      return row && { tokenHash: row.token_hash, csrfToken: row.csrf_token, flash: row.flash, expiresAt: row.expires_at, user: userFromRow(row) };
    },
    insertSession(s: { tokenHash: string; userId: string; csrfToken: string; createdAt: string; expiresAt: string }): Statement {
      return sql(
        'INSERT INTO admin_sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
        s.tokenHash, s.userId, s.csrfToken, s.createdAt, s.expiresAt,
      );
    },
    /** Expired sessions of anybody go on each login, so the table never grows without bound. */
    purgeSessions(now: string): Statement {
      return sql('DELETE FROM admin_sessions WHERE expires_at <= ?', now);
    },
    deleteSession: (tokenHash: string) => db.run('DELETE FROM admin_sessions WHERE token_hash = ?', [tokenHash]),
    setFlash: (tokenHash: string, flash: string | null) =>
      db.run('UPDATE admin_sessions SET flash = ? WHERE token_hash = ?', [flash, tokenHash]),

    /** A stronger hash of the same password, only if the stored one is still the one that was checked. */
    replacePasswordHash(userId: string, oldHash: string, newHash: string): Statement {
      return sql('UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?', newHash, userId, oldHash);
    },

    insertInvitation(i: { tokenHash: string; merchantId: string; userId: string; invitedBy: string; createdAt: string; expiresAt: string }): Statement {
      return sql(
        'INSERT INTO admin_invitations (token_hash, merchant_id, user_id, invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
        i.tokenHash, i.merchantId, i.userId, i.invitedBy, i.createdAt, i.expiresAt,
      );
    },
    async invitation(tokenHash: string, now: string): Promise<AdminUser | undefined> {
      const row = await db.get<UserRow>(
        `SELECT u.* FROM admin_invitations i JOIN users u ON u.id = i.user_id
         WHERE i.token_hash = ? AND i.used_at IS NULL AND i.expires_at > ?`,
        [tokenHash, now],
      );
      return row && userFromRow(row);
    },
    /** Spends the invitation and sets the password in one batch; the guard makes a second use change nothing. */
    acceptInvitation(tokenHash: string, userId: string, passwordHash: string, now: string): Statement[] {
      return [
        sql(
          `UPDATE users SET password_hash = ? WHERE id = ? AND EXISTS
             (SELECT 1 FROM admin_invitations WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?)`,
          passwordHash, userId, tokenHash, now,
        ),
        sql('UPDATE admin_invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL', now, tokenHash),
      ];
    },
  };
}

export type AdminRepository = ReturnType<typeof adminRepository>;
