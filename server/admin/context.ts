import type { Context } from 'hono';
import type { AdminLocale } from '../../hosted-pages/admin/i18n.ts';
import type { AppEnv } from '../http/env.ts';
import type { AdminSession } from './repository.ts';

/** The back-office's Hono environment: the app's variables plus the signed-in session and the UI language. */
export interface AdminEnv {
  Variables: AppEnv['Variables'] & {
    session: AdminSession;
    locale: AdminLocale;
  };
}

export type AC = Context<AdminEnv>;

/** A submitted form, read field by field (urlencoded or multipart; Hono caches the parsed body). */
export interface Form {
  /** Trimmed text of a field, '' when absent or a file. */
  text(name: string): string;
  /** Every value of a repeated field (checkbox lists, ordered lists). */
  all(name: string): string[];
  has(name: string): boolean;
}

export async function readForm(c: AC): Promise<Form> {
  let data: FormData;
  try {
    data = await c.req.formData();
  } catch {
    data = new FormData();
  }
  const strings = (name: string) => data.getAll(name).filter((v): v is string => typeof v === 'string');
  return {
    text: (name) => (strings(name)[0] ?? '').trim(),
    all: (name) => strings(name).map((v) => v.trim()),
    has: (name) => data.has(name),
  };
}

/** The client address the entries put in `x-porte-client-ip` (from the socket or CF-Connecting-IP, never the client). */
export const clientIp = (c: AC): string => c.req.header('x-porte-client-ip') ?? 'unknown';
