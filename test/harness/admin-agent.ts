import { expect } from 'vitest';
import type { Harness, TestMerchant } from './types.ts';

const ORIGIN = 'http://porte.test';

/** A browser-like back-office client: keeps cookies, posts forms from Porte's own origin. */
export class AdminAgent {
  private cookies = new Map<string, string>();
  constructor(private readonly h: Harness) {}

  async send(path: string, form?: Record<string, string>): Promise<Response> {
    const headers = new Headers();
    if (this.cookies.size > 0) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (form) {
      headers.set('Content-Type', 'application/x-www-form-urlencoded');
      headers.set('Origin', ORIGIN);
    }
    const body = form && new URLSearchParams(form).toString();
    const res = await this.h.request(path, { method: form ? 'POST' : 'GET', headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [name = '', value = ''] = (line.split(';')[0] ?? '').split('=');
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    return res;
  }

  async token(path: string): Promise<string> {
    return /name="_csrf" value="([^"]+)"/.exec(await (await this.send(path)).text())?.[1] ?? '';
  }
}

/** Signs in as the merchant's owner (every test merchant has one, with this password). */
export async function signInAdmin(h: Harness, m: TestMerchant): Promise<AdminAgent> {
  const agent = new AdminAgent(h);
  const _csrf = await agent.token('/admin/login');
  const res = await agent.send('/admin/login', { _csrf, email: `${m.slug}@example.com`, password: 'correct horse battery staple' });
  expect(res.headers.get('location')).toBe('/admin/customers');
  return agent;
}
