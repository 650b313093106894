import type { Hono } from 'hono';
import * as v from 'valibot';
import { SetupForm } from '../../hosted-pages/admin/SetupPage.tsx';
import type { Errors } from '../../hosted-pages/admin/ui.tsx';
import { EmailTaken, setupService } from '../accounts/setup.ts';
import { emailSchema } from '../customers/schema.ts';
import { forbidden } from './auth-routes.tsx';
import { type AC, type AdminEnv, readForm } from './context.ts';
import { message, plain, tr } from './render.tsx';
import { adminRepository } from './repository.ts';
import { loginCsrfOk, loginCsrfToken, startSession } from './session.ts';

const MIN_PASSWORD = 12;

const service = (c: AC) => setupService(c.var.deps.db, c.var.deps.clock, { envToken: c.var.deps.config.setupToken, signup: c.var.deps.config.signup });

// Without a good token the page does not exist: a fresh install cannot be claimed by a passer-by,
// and nobody learns whether setup is still open.
const notFound = (c: AC) => message(c, 'not_found_title', 'not_found_body', 404);

async function render(c: AC, token: string, values: { name: string; email: string }, errors: Errors = {}, status: 200 | 400 = 200) {
  const t = tr(c);
  const csrf = await loginCsrfToken(c);
  c.header('Referrer-Policy', 'no-referrer');
  return plain(c, { title: t('setup_title'), status, body: <SetupForm view={{ t, csrf, token, values, errors }} /> });
}

/** `/admin/setup?token=…`: creates the account and its owner, then signs the owner in. */
export function setupRoutes(admin: Hono<AdminEnv>): void {
  admin.get('/setup', async (c) => {
    const token = c.req.query('token');
    if (!token || !(await service(c).valid(token))) return notFound(c);
    return render(c, token, { name: '', email: '' });
  });

  admin.post('/setup', async (c) => {
    const form = await readForm(c);
    const token = form.text('token');
    if (!(await service(c).valid(token))) return notFound(c);
    if (!(await loginCsrfOk(c, form.text('_csrf')))) return forbidden(c);
    const values = { name: form.text('name'), email: form.text('email') };
    const password = form.all('password')[0] ?? '';
    const errors: Errors = {};
    if (!values.name) errors.name = 'required';
    else if (values.name.length > 120) errors.name = 'too_long';
    if (!values.email) errors.email = 'required';
    else if (!v.safeParse(emailSchema, values.email).success) errors.email = 'email_invalid';
    if (password.length < MIN_PASSWORD || password.length > 200) errors.password = 'password_short';
    if (Object.keys(errors).length > 0) return render(c, token, values, errors, 400);
    let created: Awaited<ReturnType<ReturnType<typeof service>['createAccount']>>;
    try {
      created = await service(c).createAccount(token, { name: values.name, email: values.email.toLowerCase(), password });
    } catch (error) {
      if (error instanceof EmailTaken) return render(c, token, values, { email: 'email_taken' }, 400);
      throw error;
    }
    if (!created) return notFound(c);
    const user = await adminRepository(c.var.deps.db).userByEmail(values.email.toLowerCase());
    if (!user) return notFound(c);
    await startSession(c, user);
    return c.redirect('/admin/settings', 303);
  });
}
