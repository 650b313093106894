import type { Harness } from './types.ts';

export const ORIGIN = 'http://porte.test';

/** A browser-like client of the back-office: keeps cookies, posts forms from Porte's own origin. */
export class Agent {
  private cookies = new Map<string, string>();
  constructor(
    private readonly h: Harness,
    private readonly origin = ORIGIN,
  ) {}

  /** GET without a form; POST with one (an array value repeats the field). */
  async send(path: string, form?: Record<string, string | string[]>): Promise<Response> {
    const headers = new Headers();
    if (this.cookies.size > 0) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (form) {
      headers.set('Content-Type', 'application/x-www-form-urlencoded');
      headers.set('Origin', this.origin);
    }
    const body = form && new URLSearchParams(Object.entries(form).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, x]))).toString();
    const res = await this.h.request(path, { method: form ? 'POST' : 'GET', headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [name = '', value = ''] = (line.split(';')[0] ?? '').split('=');
      if (value && !/Max-Age=0/i.test(line)) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    return res;
  }

  /** A multipart form with one file, as a browser's file input sends it. */
  async upload(path: string, fields: Record<string, string>, file: { name: string; field: string; type: string; bytes: Uint8Array }): Promise<Response> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    form.set(file.field, new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }), file.name);
    const headers = new Headers({ Origin: this.origin });
    if (this.cookies.size > 0) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    return this.h.request(path, { method: 'POST', headers, body: form, redirect: 'manual' });
  }

  async text(path: string): Promise<string> {
    return (await this.send(path)).text();
  }

  async token(path: string): Promise<string> {
    return /name="_csrf" value="([^"]+)"/.exec(await this.text(path))?.[1] ?? '';
  }

  /** Signs in with the owner credentials every test merchant has. */
  static async owner(h: Harness, slug: string, origin = ORIGIN): Promise<Agent> {
    const password = 'correct horse battery staple';
    const agent = new Agent(h, origin);
    const _csrf = await agent.token('/admin/login');
    const res = await agent.send('/admin/login', { _csrf, email: `${slug}@example.com`, password });
    if (res.headers.get('location') !== '/admin/customers') throw new Error(`sign-in failed: ${res.status}`);
    return agent;
  }
}
