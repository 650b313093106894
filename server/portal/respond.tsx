import { type PortalMessage, portalTranslator } from '../../hosted-pages/portal/i18n.ts';
import { PortalPage } from '../../hosted-pages/portal/PortalPage.tsx';
import { renderPage } from '../checkout/render.ts';
import { type C, type Portal, portalHref, portalMessage } from './context.tsx';
import type { PaymentOutcome } from './payment.ts';
import { buildPortalView, type FormState } from './view.ts';

/** Messages shown once after a change (post/redirect/get), by the `done` query parameter. */
const NOTICES = { payment_method: 'saved_payment_method', billing_address: 'saved_address', cancel: 'saved_cancel', resume: 'saved_resume' } as const satisfies Record<string, PortalMessage>;
const notice = (done: string | undefined): PortalMessage | null => (done && done in NOTICES ? NOTICES[done as keyof typeof NOTICES] : null);

export async function renderPortal(c: C, p: Portal, extra: { payment?: FormState; address?: FormState; status?: 200 | 422 | 503 } = {}) {
  const view = await buildPortalView(c, p, { notice: notice(c.req.query('done')), payment: extra.payment, address: extra.address });
  return renderPage(c, {
    locale: p.locale,
    title: `${portalTitle(p)} — ${p.merchant.name}`,
    merchant: p.merchant,
    status: extra.status,
    // No frameAncestors: the CSP's default, frame-ancestors 'none'. Forms post to 'self' only.
    stripe: view.payment.gateway.kind === 'stripe',
    node: <PortalPage view={view} />,
    hydrate: { bundle: 'portal', props: view },
  });
}

const portalTitle = (p: Portal): string => portalTranslator(p.locale)('portal_title');

/** After a change: back to the portal page (303, so a reload never posts twice) with a notice. */
export const done = (c: C, p: Portal, what: keyof typeof NOTICES) => c.redirect(portalHref(p, '', { done: what }), 303);

/** Turns a payment outcome into a response; card fields are never echoed back. */
export async function respondPayment(c: C, p: Portal, outcome: PaymentOutcome, paymentType = 'card'): Promise<Response> {
  switch (outcome.kind) {
    case 'saved':
      return done(c, p, 'payment_method');
    case 'challenge':
      return c.redirect(portalHref(p, '/challenge', { pending: outcome.pending }), 303);
    case 'restricted':
      return portalMessage(c, p.locale, 'restricted_title', 'restricted_body', 403, portalHref(p));
    case 'revoked':
      return portalMessage(c, p.locale, 'link_invalid_title', 'link_invalid_body', 403);
    case 'invalid':
      return renderPortal(c, p, {
        payment: { values: { payment_type: paymentType, ...outcome.values }, errors: outcome.errors, formError: outcome.formError },
        status: outcome.formError === 'gateway_unavailable' ? 503 : 422,
      });
  }
}

