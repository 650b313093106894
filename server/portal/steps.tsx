import type { Hono } from 'hono';
import { portalTranslator } from '../../hosted-pages/portal/i18n.ts';
import { renderPage } from '../checkout/render.ts';
import { ApiError } from '../http/errors.ts';
import type { AppEnv } from '../http/env.ts';
import { subscriptionRepository } from '../subscriptions/repository.ts';
import { resumeSubscription } from '../subscriptions/service.ts';
import { cancelAtPeriodEnd } from './changes.ts';
import { type C, clientIp, csrfOk, csrfToken, openPortal, type Portal, portalHref, portalMessage } from './context.tsx';
import { done, respondPayment } from './respond.tsx';
import { answerChallenge, pendingOf } from './payment.ts';
import { formatDate, portalSubscriptions } from './view.ts';

/**
 * The portal's two-step pages, both plain forms that work without JavaScript: the confirmation
 * before canceling a subscription, and the test gateway's stand-in for a bank's 3-D Secure page.
 */
async function cancelable(c: C, p: Portal) {
  const sub = await subscriptionRepository(c.var.deps.db).byId(p.merchant.id, c.req.param('sub') ?? '');
  // Another customer's subscription is "not found" too: the link opens its own customer only.
  if (!sub || sub.customerId !== p.customer.id || sub.status === 'canceled' || sub.cancelAtPeriodEnd) return undefined;
  return sub;
}

interface Choice {
  value: string;
  label: string;
  primary: boolean;
}

/** A question with two answers, both buttons of one form (`name` carries the answer). */
function stepPage(c: C, p: Portal, title: string, body: string, form: { action: string; csrf: string; hidden?: Record<string, string>; name: string; choices: [Choice, Choice] }) {
  return renderPage(c, {
    locale: p.locale,
    title: `${title} — ${p.merchant.name}`,
    merchant: p.merchant,
    node: (
      <main>
        <section class="message" aria-labelledby="step-title">
          <h1 id="step-title">{title}</h1>
          <p>{body}</p>
          <form method="post" action={form.action} class="choices">
            <input type="hidden" name="csrf" value={form.csrf} />
            {Object.entries(form.hidden ?? {}).map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            {form.choices.map((choice) => (
              <button key={choice.value} type="submit" name={form.name} value={choice.value} class={choice.primary ? 'primary' : 'secondary'}>
                {choice.label}
              </button>
            ))}
          </form>
        </section>
      </main>
    ),
  });
}

export function cancelPages(app: Hono<AppEnv>): void {
  app.get('/portal/:token/subscriptions/:sub/cancel', async (c) => {
    const p = await openPortal(c);
    if (p instanceof Response) return p;
    const sub = await cancelable(c, p);
    if (!sub) return portalMessage(c, p.locale, 'subscription_missing_title', 'subscription_missing_body', 404, portalHref(p));
    const t = portalTranslator(p.locale);
    const offer = (await portalSubscriptions(c, p)).find((s) => s.sub.id === sub.id)?.offer;
    return stepPage(c, p, t('cancel_title'), t('cancel_body', { offer: offer?.name ?? '', date: formatDate(sub.currentPeriodEnd, p.locale) }), {
      action: portalHref(p, `/subscriptions/${sub.id}/cancel`),
      csrf: await csrfToken(c, p, 'cancel'),
      name: 'confirm',
      // Keeping is the safe, prominent answer; canceling is the red one.
      choices: [
        { value: 'no', label: t('cancel_keep'), primary: true },
        { value: 'yes', label: t('cancel_confirm'), primary: false },
      ],
    });
  });

  app.post('/portal/:token/subscriptions/:sub/cancel', async (c) => {
    const p = await openPortal(c);
    if (p instanceof Response) return p;
    const body = await c.req.parseBody();
    if (!(await csrfOk(c, p, 'cancel', typeof body.csrf === 'string' ? body.csrf : ''))) {
      return portalMessage(c, p.locale, 'link_invalid_title', 'link_invalid_body', 403);
    }
    if (body.confirm === 'no') return c.redirect(portalHref(p), 303);
    const sub = await subscriptionRepository(c.var.deps.db).byId(p.merchant.id, c.req.param('sub') ?? '');
    // A second click (or another tab) after the first succeeded is not an error: same result.
    if (sub?.customerId === p.customer.id && sub.cancelAtPeriodEnd && sub.status !== 'canceled') return done(c, p, 'cancel');
    const live = await cancelable(c, p);
    if (!live || body.confirm !== 'yes') return portalMessage(c, p.locale, 'subscription_missing_title', 'subscription_missing_body', 404, portalHref(p));
    if (!(await cancelAtPeriodEnd(c.var.deps, p.customer, live))) {
      // Lost a race: either the same cancel (fine) or a revoked link.
      const again = await openPortal(c);
      return again instanceof Response ? again : done(c, again, 'cancel');
    }
    return done(c, p, 'cancel');
  });

  // Undoing a pending cancellation: one button, no confirmation step (it costs the customer nothing
  // they had not already agreed to). The API's own resume, so the same event, webhook and activity.
  app.post('/portal/:token/subscriptions/:sub/resume', async (c) => {
    const p = await openPortal(c);
    if (p instanceof Response) return p;
    const body = await c.req.parseBody();
    if (!(await csrfOk(c, p, 'resume', typeof body.csrf === 'string' ? body.csrf : ''))) {
      return portalMessage(c, p.locale, 'link_invalid_title', 'link_invalid_body', 403);
    }
    const sub = await subscriptionRepository(c.var.deps.db).byId(p.merchant.id, c.req.param('sub') ?? '');
    if (!sub || sub.customerId !== p.customer.id || sub.status === 'canceled') {
      return portalMessage(c, p.locale, 'subscription_missing_title', 'subscription_missing_body', 404, portalHref(p));
    }
    // A second click (or another tab) after the first succeeded: same result, nothing written.
    if (!sub.cancelAtPeriodEnd) return done(c, p, 'resume');
    try {
      await resumeSubscription(c.var.deps, p.merchant, sub.id);
    } catch (error) {
      // Ended meanwhile (period over): the service refuses, and so do we, in words.
      if (error instanceof ApiError && error.status < 500) return portalMessage(c, p.locale, 'subscription_missing_title', 'subscription_missing_body', 404, portalHref(p));
      throw error;
    }
    return done(c, p, 'resume');
  });
}

export function challengePages(app: Hono<AppEnv>): void {
  app.get('/portal/:token/challenge', async (c) => {
    const p = await openPortal(c);
    if (p instanceof Response) return p;
    const pending = c.req.query('pending') ?? '';
    if (!(await pendingOf({ deps: c.var.deps, portal: p, ip: clientIp(c) }, pending))) {
      return portalMessage(c, p.locale, 'challenge_title', 'authentication_failed', 404, portalHref(p));
    }
    const t = portalTranslator(p.locale);
    return stepPage(c, p, t('challenge_title'), t('challenge_body'), {
      action: portalHref(p, '/challenge'),
      csrf: await csrfToken(c, p, 'challenge'),
      hidden: { pending },
      name: 'outcome',
      choices: [
        { value: 'approved', label: t('challenge_approve'), primary: true },
        { value: 'failed', label: t('challenge_fail'), primary: false },
      ],
    });
  });

  app.post('/portal/:token/challenge', async (c) => {
    const p = await openPortal(c);
    if (p instanceof Response) return p;
    const body = await c.req.parseBody();
    if (!(await csrfOk(c, p, 'challenge', typeof body.csrf === 'string' ? body.csrf : ''))) {
      return portalMessage(c, p.locale, 'link_invalid_title', 'link_invalid_body', 403);
    }
    const pending = typeof body.pending === 'string' ? body.pending : '';
    const outcome = await answerChallenge({ deps: c.var.deps, portal: p, ip: clientIp(c) }, pending, body.outcome === 'approved');
    return respondPayment(c, p, outcome);
  });
}
