import type { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type Checklist, goLiveChecklist } from '../accounts/go-live.ts';
import { accountRepository } from '../accounts/repository.ts';
import { ensureEnvironment } from '../merchants/service.ts';
import { ownerOnly } from './auth-routes.tsx';
import type { AC, AdminEnv } from './context.ts';
import { MODE_COOKIE } from './environment.ts';
import { formatDateTime } from './format.ts';
import { page, tr } from './render.tsx';
import { cookieOptions, setFlash } from './session.ts';

async function state(c: AC) {
  const { db, clock } = c.var.deps;
  const account = await accountRepository(db).byId(c.var.merchant.accountId);
  if (!account) throw new Error('account missing');
  const live = await ensureEnvironment(db, clock, c.var.merchant, 'live');
  return { account, checklist: await goLiveChecklist(c.var.deps, account, live) };
}

async function render(c: AC, o: { account: Awaited<ReturnType<typeof state>>['account']; checklist: Checklist; status?: ContentfulStatusCode; notice?: boolean }) {
  const t = tr(c);
  const { checklist: k, account } = o;
  const item = (ok: boolean, text: string, link?: { href: string; label: string }) => (
    <li class={ok ? 'done' : 'todo'}>
      {text}
      {!ok && link && (
        <>
          {' — '}
          <a href={link.href}>{link.label}</a>
        </>
      )}
    </li>
  );
  const stripeText = k.stripe.ok
    ? t('go_live_stripe_ok')
    : k.stripe.problem === 'wrong_mode'
      ? t('go_live_stripe_wrong_mode')
      : k.stripe.problem === 'no_answer'
        ? t('go_live_stripe_no_answer', { detail: k.stripe.detail ?? '' })
        : t('go_live_stripe_missing');
  const body = (
    <section class="card" aria-labelledby="h-checklist">
      <h2 id="h-checklist">{t('go_live_title')}</h2>
      {o.notice && <div class="alert" role="alert"><p>{t('go_live_incomplete')}</p></div>}
      <p>{t('go_live_intro')}</p>
      <ul class="plain checklist" id="checklist">
        {item(k.profile.ok, k.profile.ok ? t('go_live_profile_ok') : t('go_live_profile_missing', { fields: k.profile.missing.join(', ') }), { href: '/admin/settings/profile', label: t('go_live_edit_profile') })}
        {item(k.stripe.ok, stripeText, { href: '/admin/go-live/stripe', label: t('go_live_edit_stripe') })}
        {item(k.publicUrl.ok, t(k.publicUrl.ok ? 'go_live_url_ok' : 'go_live_url_bad', { url: k.publicUrl.url }))}
      </ul>
      {account.liveAt ? (
        <p class="alert ok" role="status">{t('go_live_done', { time: formatDateTime(c.var.locale, account.liveAt) })}</p>
      ) : (
        k.complete && (
          <form method="post" action="/admin/go-live">
            <input type="hidden" name="_csrf" value={c.var.session.csrfToken} />
            <button type="submit">{t('go_live_submit')}</button>
          </form>
        )
      )}
    </section>
  );
  return page(c, { title: t('go_live_title'), nav: 'go-live', status: o.status, body });
}

/** The "Go live" page: what live payments still need, then the switch that allows them. */
export function goLiveRoutes(admin: Hono<AdminEnv>): void {
  admin.use('/go-live', async (c, next) => ownerOnly(c) ?? next());
  admin.use('/go-live/*', async (c, next) => ownerOnly(c) ?? next());

  admin.get('/go-live', async (c) => render(c, await state(c)));

  // The Stripe keys are the live environment's gateway settings: open them in live mode.
  admin.get('/go-live/stripe', (c) => {
    setCookie(c, MODE_COOKIE, 'live', cookieOptions(c, 365 * 86_400));
    return c.redirect('/admin/settings#h-gateway', 303);
  });

  admin.post('/go-live', async (c) => {
    const s = await state(c);
    // Checked again at the moment of the switch: keys may have been revoked since the page was shown.
    if (!s.checklist.complete) return render(c, { ...s, status: 422, notice: true });
    await accountRepository(c.var.deps.db).setLive(s.account.id, c.var.deps.clock().toISOString());
    setCookie(c, MODE_COOKIE, 'live', cookieOptions(c, 365 * 86_400));
    await setFlash(c, { kind: 'ok', key: 'go_live_now' });
    return c.redirect('/admin/go-live', 303);
  });
}
