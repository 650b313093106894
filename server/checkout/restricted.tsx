import type { Context } from 'hono';
import { SupportContact } from '../../hosted-pages/brand.tsx';
import { type Locale, translator } from '../../hosted-pages/i18n.ts';
import { MessagePage } from '../../hosted-pages/MessagePage.tsx';
import { brandOf } from '../accounts/service.ts';
import type { AppEnv } from '../http/env.ts';
import type { Merchant } from '../merchants/repository.ts';
import { renderPage } from './render.ts';

/** The grey list's "restricted" page, with the business's support contact: someone to ask. */
/** `hydrate`: in the widget's frame, the embed script that lets the visitor leave (Esc) and unlocks the overlay. */
export function restrictedPage(c: Context<AppEnv>, locale: Locale, merchant: Merchant, hydrate?: { bundle: string; props: unknown }) {
  const t = translator(locale);
  const brand = brandOf(merchant, c.var.deps.config.publicUrl);
  return renderPage(c, {
    locale,
    title: t('restricted_title'),
    status: 403,
    merchant,
    frameAncestors: merchant.allowedOrigins,
    formTargets: merchant.allowedOrigins,
    node: MessagePage({ title: t('restricted_title'), body: t('restricted_body'), children: <SupportContact brand={brand} locale={locale} /> }),
    hydrate,
  });
}
