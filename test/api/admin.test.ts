// The back-office's security over plain HTTP against the real Node entry: sessions, cookies, CSRF
// and Origin checks, headers, invitations, the login throttle and the password hashing cost. The server believes it is
// served over https (PORTE_PUBLIC_URL), so the cookie must be Secure.
import { createHash, pbkdf2Sync } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PorteServer, startServer } from '../harness/server.ts';

const PUBLIC = 'https://porte.example';
let server: PorteServer;
let base = '';

/** A browser's cookie jar, reduced to what /admin sets. */
class Agent {
  cookies = new Map<string, string>();
  setCookies: string[] = [];

  async fetch(path: string, init: RequestInit & { form?: Record<string, string>; origin?: string | null } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    let body = init.body;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers.set('Content-Type', 'application/x-www-form-urlencoded');
      if (init.origin !== null) headers.set('Origin', init.origin ?? PUBLIC);
    }
    const res = await fetch(`${base}${path}`, { ...init, method: init.form ? 'POST' : (init.method ?? 'GET'), headers, body, redirect: 'manual' });
    this.setCookies = res.headers.getSetCookie();
    for (const line of this.setCookies) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (/Max-Age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** The form's hidden CSRF token on the page at `path`. */
  async token(path: string): Promise<string> {
    const html = await (await this.fetch(path)).text();
    return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  }

  async login(email: string, password: string): Promise<Response> {
    const _csrf = await this.token('/admin/login');
    return this.fetch('/admin/login', { form: { _csrf, email, password, next: '/admin/customers' } });
  }
}

async function customerCount(): Promise<number> {
  const res = await fetch(`${base}/v1/customers?limit=100`, { headers: { Authorization: `Bearer ${server.secretKey}` } });
  return ((await res.json()) as { data: unknown[] }).data.length;
}

function db<T>(run: (db: BetterSqlite3.Database) => T): T {
  const handle = new BetterSqlite3(server.dbFile);
  try {
    handle.pragma('busy_timeout = 5000');
    return run(handle);
  } finally {
    handle.close();
  }
}

describe('back-office security over HTTP', () => {
  beforeAll(async () => {
    server = await startServer({ PORTE_PUBLIC_URL: PUBLIC });
    base = `http://localhost:${server.port}`;
  });
  afterAll(() => server?.stop());

  it('pages need a session, and come with a nonce CSP that forbids framing, and no caching', async () => {
    const agent = new Agent();
    const res = await agent.fetch('/admin/customers?q=x');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fcustomers%3Fq%3Dx');
    const login = await agent.fetch('/admin/login');
    const csp = login.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'nonce-[\w]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(login.headers.get('x-frame-options')).toBe('DENY');
    expect(login.headers.get('cache-control')).toBe('no-store');
    expect((await agent.fetch('/admin/nothing-here')).status).toBe(303);
  });

  it('login sets an HttpOnly, SameSite=Lax, Secure cookie on /admin whose token is stored only hashed', async () => {
    const agent = new Agent();
    const res = await agent.login(server.ownerEmail, server.ownerPassword);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/customers');
    const cookie = agent.setCookies.find((c) => c.startsWith('porte_admin='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Path=\/admin/);
    const token = agent.cookies.get('porte_admin') ?? '';
    const rows = db((d) => d.prepare('SELECT token_hash FROM admin_sessions').all() as { token_hash: string }[]);
    expect(rows.map((r) => r.token_hash)).toContain(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect((await agent.fetch('/admin/customers')).status).toBe(200);
  });

  it('a POST without the token, with a wrong token or from another origin is refused with 403 and changes nothing', async () => {
    const agent = new Agent();
    await agent.login(server.ownerEmail, server.ownerPassword);
    const token = await agent.token('/admin/customers/new');
    const before = await customerCount();
    const form = { last_name: 'Forged', email: 'forged@example.com', billing: 'manual', manual_method: 'cash' };
    for (const attempt of [{ form }, { form: { ...form, _csrf: 'x'.repeat(32) } }, { form: { ...form, _csrf: token }, origin: 'https://evil.example' }]) {
      const res = await agent.fetch('/admin/customers', attempt);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('This form was refused');
    }
    // Without an Origin header, the browser's Sec-Fetch-Site still gives a cross-site post away.
    const crossSite = await agent.fetch('/admin/customers', { form: { ...form, _csrf: token }, origin: null, headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    expect(await customerCount()).toBe(before);
    // The same form with its token, from Porte's origin, goes through.
    expect((await agent.fetch('/admin/customers', { form: { ...form, _csrf: token } })).status).toBe(303);
    expect(await customerCount()).toBe(before + 1);
    // The login form has its own token too (no login CSRF).
    const fresh = new Agent();
    expect((await fresh.fetch('/admin/login', { form: { email: server.ownerEmail, password: server.ownerPassword } })).status).toBe(403);
  });

  it('logout and expiry end a session; `next` never leaves the back-office', async () => {
    const agent = new Agent();
    await agent.login(server.ownerEmail, server.ownerPassword);
    const stolen = agent.cookies.get('porte_admin') ?? '';
    const _csrf = await agent.token('/admin/customers');
    expect((await agent.fetch('/admin/logout', { form: { _csrf } })).headers.get('location')).toBe('/admin/login?bye');
    const replay = new Agent();
    replay.cookies.set('porte_admin', stolen);
    expect((await replay.fetch('/admin/customers')).status).toBe(303);

    await agent.login(server.ownerEmail, server.ownerPassword);
    db((d) => d.prepare('UPDATE admin_sessions SET expires_at = ?').run(new Date(Date.now() - 1000).toISOString()));
    expect((await agent.fetch('/admin/customers')).headers.get('location')).toMatch(/^\/admin\/login/);

    for (const next of ['//evil.example', '/admin/../../evil', 'https://evil.example/admin', '/admin/\\evil.example']) {
      const other = new Agent();
      const csrf = await other.token('/admin/login');
      const res = await other.fetch('/admin/login', { form: { _csrf: csrf, email: server.ownerEmail, password: server.ownerPassword, next } });
      expect(res.headers.get('location'), next).toBe('/admin/customers');
    }
  });

  it('the owner invites a member: a one-time link to choose a password; members cannot open settings or the team', async () => {
    const owner = new Agent();
    await owner.login(server.ownerEmail, server.ownerPassword);
    const _csrf = await owner.token('/admin/team');
    const email = `member.${Date.now()}@example.com`;
    expect((await owner.fetch('/admin/team/invite', { form: { _csrf, email } })).status).toBe(303);
    const team = await (await owner.fetch('/admin/team')).text();
    const link = /value="(https:\/\/porte\.example\/admin\/invite\/[^"]+)"/.exec(team)?.[1] ?? '';
    expect(link).not.toBe('');
    expect(await (await owner.fetch('/admin/team')).text()).not.toContain(link);
    expect((await owner.fetch('/admin/team/invite', { form: { _csrf, email: email.toUpperCase() } })).status).toBe(400);

    const member = new Agent();
    const path = new URL(link).pathname;
    const invite = await member.fetch(path);
    expect(await invite.text()).toContain(email);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await member.fetch(path)).text())?.[1] ?? '';
    expect((await member.fetch(path, { form: { _csrf: csrf, password: 'short', password_confirm: 'short' } })).status).toBe(400);
    const password = 'correct horse battery staple';
    const done = await member.fetch(path, { form: { _csrf: csrf, password, password_confirm: password } });
    expect(done.headers.get('location')).toBe('/admin/customers');
    expect((await member.fetch('/admin/customers')).status).toBe(200);
    expect((await member.fetch('/admin/settings')).status).toBe(403);
    expect((await member.fetch('/admin/team')).status).toBe(403);
    expect((await new Agent().fetch(path)).status).toBe(410);
    expect((await new Agent().login(email, password)).headers.get('location')).toBe('/admin/customers');
  });

  it("the Node entry stores the owner's password at OWASP's cost (PBKDF2-SHA256, 600k iterations) once they sign in", async () => {
    expect((await new Agent().login(server.ownerEmail, server.ownerPassword)).status).toBe(303);
    const stored = db((d) => (d.prepare('SELECT password_hash FROM users WHERE email = ?').get(server.ownerEmail) as { password_hash: string }).password_hash);
    const [scheme, iterations, salt, hash] = stored.split('$');
    expect(scheme).toBe('pbkdf2-sha256');
    expect(Number(iterations)).toBe(600_000);
    expect(pbkdf2Sync(server.ownerPassword, Buffer.from(salt ?? '', 'hex'), 600_000, 32, 'sha256').toString('hex')).toBe(hash);
  });

  // Last: the waits cover this client's address and the owner's email, which every test here shares.
  it('after 5 wrong passwords from one address, the next try waits (429, Retry-After) and says so, even with the right password', async () => {
    const agent = new Agent();
    for (let i = 0; i < 4; i++) {
      const res = await agent.login(server.ownerEmail, `wrong-${i}`);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('Email or password is incorrect.');
    }
    const fifth = await agent.login(server.ownerEmail, 'wrong-4');
    expect(fifth.status).toBe(429);
    expect(await fifth.text()).toMatch(/Email or password is incorrect\. For your security, wait \d+ seconds before trying again \(until .+ UTC\)\./);
    const right = await agent.login(server.ownerEmail, server.ownerPassword);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await right.text()).toMatch(/Too many failed attempts from your connection: for your security, wait \d+ seconds before trying again/);
    expect(agent.cookies.has('porte_admin')).toBe(false);
    // Another email from this address is not held up by this one's failures; said in the page's language.
    const french = new Agent();
    await french.fetch('/admin/login?locale=fr');
    const other = await french.login('someone.else@example.com', 'whatever');
    expect(other.status).toBe(401);
    expect(await other.text()).toContain('E-mail ou mot de passe incorrect.');
  });
});
