-- Back-office (/admin): sessions, login attempts for the rate limit, and invitations.

-- Only a SHA-256 of the cookie's token is kept: a copy of the database opens no session.
-- csrf_token is the synchronizer token every back-office form carries; flash is the one-time
-- message shown after a redirect (Post/Redirect/Get).
CREATE TABLE admin_sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  flash TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX admin_sessions_user ON admin_sessions (user_id);
CREATE INDEX admin_sessions_expiry ON admin_sessions (expires_at);

-- Every login try, counted per email and per client IP over a sliding 15-minute window.
CREATE TABLE admin_login_attempts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL,
  ip TEXT NOT NULL,
  succeeded INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX admin_login_attempts_email ON admin_login_attempts (email, created_at);
CREATE INDEX admin_login_attempts_ip ON admin_login_attempts (ip, created_at);

-- An owner invites a member: the member's user row exists at once (with no usable password);
-- the one-time set-password link carries a token of which only the hash is kept.
CREATE TABLE admin_invitations (
  token_hash TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  invited_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX admin_invitations_user ON admin_invitations (user_id);
