import type { Hono } from 'hono';
import { translator } from '../../hosted-pages/i18n.ts';
import type { AppEnv } from '../http/env.ts';
import { sign } from '../lib/secrets.ts';
import { clientIp, csp, csrfOk, embedScript, load, localeOf, message, respond } from './pages.tsx';
import { renderPage } from './render.ts';
import { answerChallenge } from './submit.ts';

/**
 * The test gateway's stand-in for a bank's 3-D Secure page: the customer approves or fails the
 * verification. Stripe handles its own challenge inside the Payment Element.
 */
export function challengePages(app: Hono<AppEnv>): void {
  app.get('/checkout/:id/challenge', async (c) => {
    const l = await load(c);
    const locale = localeOf(c, l?.session);
    if (!l?.session.gatewayState.pending) return message(c, locale, 'not_found_title', 'not_found_body', 404);
    const t = translator(locale);
    const csrf = await sign(c.var.deps.db, 'checkout-csrf', l.session.id);
    return renderPage(c, {
      locale,
      title: t('challenge_title'),
      ...csp(l.merchant),
      node: (
        <main>
          <section class="message" aria-labelledby="challenge-title">
            <h1 id="challenge-title">{t('challenge_title')}</h1>
            <p>{t('challenge_body')}</p>
            <form method="post" action={`/checkout/${l.session.id}/challenge?locale=${locale}${c.req.query('embed') === '1' ? '&embed=1' : ''}`} class="choices" data-payment="">
              <input type="hidden" name="csrf" value={csrf} />
              <button type="submit" name="outcome" value="approved" class="primary">
                {t('challenge_approve')}
              </button>
              <button type="submit" name="outcome" value="failed" class="secondary">
                {t('challenge_fail')}
              </button>
            </form>
          </section>
        </main>
      ),
      hydrate: await embedScript(c),
    });
  });

  app.post('/checkout/:id/challenge', async (c) => {
    const l = await load(c);
    const locale = localeOf(c, l?.session);
    if (!l) return message(c, locale, 'not_found_title', 'not_found_body', 404);
    const body = await c.req.parseBody();
    if (!(await csrfOk(c, l.session, typeof body.csrf === 'string' ? body.csrf : ''))) {
      return message(c, locale, 'not_found_title', 'not_found_body', 403, l.merchant);
    }
    const outcome = await answerChallenge(
      { deps: c.var.deps, merchant: l.merchant, session: l.session, offer: l.offer, ip: clientIp(c), locale },
      body.outcome === 'approved',
    );
    return respond(c, l, outcome);
  });
}
