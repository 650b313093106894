import type { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ProfilePage } from '../../hosted-pages/admin/ProfilePage.tsx';
import type { AdminKey } from '../../hosted-pages/admin/i18n.ts';
import type { Errors } from '../../hosted-pages/admin/ui.tsx';
import { LOGO_MAX_BYTES, sniffLogo } from '../accounts/checks.ts';
import { accountRepository } from '../accounts/repository.ts';
import { accountUpdateSchema } from '../accounts/schema.ts';
import { accountService, logoUrl } from '../accounts/service.ts';
import { ApiError } from '../http/errors.ts';
import { parse } from '../http/validate.ts';
import { toHex } from '../lib/crypto.ts';
import { countryOptions } from '../lib/countries.ts';
import { type AC, type AdminEnv, readForm } from './context.ts';
import { page, tr } from './render.tsx';
import { setFlash } from './session.ts';

/** The API's error for a field, in the back-office's words. */
function errorKey(param: string, message: string): AdminKey {
  if (param === 'vat_number') return 'vat_invalid';
  if (param === 'company_number') return 'siren_invalid';
  if (param === 'brand_color') return /contrast/.test(message) ? 'color_contrast' : 'color_invalid';
  if (param === 'support_email') return 'email_invalid';
  if (param === 'support_url') return 'url_invalid';
  if (param === 'country') return 'country_invalid';
  if (/too long|at most/.test(message)) return 'too_long';
  return 'required';
}

async function render(c: AC, o: { values?: Record<string, string>; errors?: Errors; status?: ContentfulStatusCode } = {}) {
  const t = tr(c);
  const a = await accountService(c.var.deps.db).get(c.var.merchant.accountId);
  const values = o.values ?? {
    business_name: a.name,
    legal_name: a.legalName ?? '',
    trading_name: a.tradingName ?? '',
    line1: a.address?.line1 ?? '',
    line2: a.address?.line2 ?? '',
    postal_code: a.address?.postal_code ?? '',
    city: a.address?.city ?? '',
    country: a.country ?? '',
    company_number: a.companyNumber ?? '',
    vat_number: a.vatNumber ?? '',
    vat_regime: a.vatRegime,
    support_email: a.supportEmail ?? '',
    support_url: a.supportUrl ?? '',
    brand_color: a.brandColor ?? '',
    default_locale: a.defaultLocale,
  };
  const view = { t, csrf: c.var.session.csrfToken, values, errors: o.errors ?? {}, countries: countryOptions(c.var.locale), logoUrl: logoUrl('', a.logoHash) };
  return page(c, { title: t('profile_title'), nav: 'profile', status: o.status, body: <ProfilePage view={view} /> });
}

/** `/admin/settings/profile` and `/admin/settings/logo` (owner only: behind settings' guard). */
export function profileRoutes(admin: Hono<AdminEnv>): void {
  admin.get('/settings/profile', (c) => render(c));

  admin.post('/settings/profile', async (c) => {
    const form = await readForm(c);
    const values: Record<string, string> = {};
    for (const k of ['business_name', 'legal_name', 'trading_name', 'line1', 'line2', 'postal_code', 'city', 'country', 'company_number', 'vat_number', 'vat_regime', 'support_email', 'support_url', 'brand_color', 'default_locale']) values[k] = form.text(k);
    const orNull = (s: string | undefined) => (s ? s : null);
    const hasAddress = values.line1 || values.postal_code || values.city;
    const body = {
      business_name: values.business_name,
      legal_name: orNull(values.legal_name),
      trading_name: orNull(values.trading_name),
      address: hasAddress ? { line1: values.line1, line2: orNull(values.line2), postal_code: values.postal_code, city: values.city } : null,
      country: orNull(values.country),
      company_number: orNull(values.company_number),
      vat_number: orNull(values.vat_number),
      vat_regime: values.vat_regime === 'franchise' ? 'franchise' : 'registered',
      support_email: orNull(values.support_email),
      support_url: orNull(values.support_url),
      brand_color: orNull(values.brand_color),
      default_locale: values.default_locale === 'fr' ? 'fr' : 'en',
    };
    try {
      await accountService(c.var.deps.db).update(c.var.merchant.accountId, parse(accountUpdateSchema, body, 'body'));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      const param = (error.param ?? '').replace(/^address\./, '');
      return render(c, { values, errors: { [param === 'address' ? 'line1' : param]: errorKey(param, error.message) }, status: 422 });
    }
    await setFlash(c, { kind: 'ok', key: 'settings_saved' });
    return c.redirect('/admin/settings/profile', 303);
  });

  admin.post('/settings/logo', async (c) => {
    let file: File | undefined;
    try {
      const data = await c.req.formData();
      const value = data.get('logo');
      file = value instanceof File ? value : undefined;
    } catch {
      file = undefined;
    }
    const refuse = (key: AdminKey, status: ContentfulStatusCode = 422) => render(c, { errors: { logo: key }, status });
    if (!file || file.size === 0) return refuse('logo_empty');
    if (file.size > LOGO_MAX_BYTES) return refuse('logo_too_big', 413);
    const bytes = new Uint8Array(await file.arrayBuffer());
    // By the bytes, never the name or the browser's word: an SVG or HTML renamed .png is refused.
    const type = sniffLogo(bytes);
    if (!type) return refuse('logo_invalid');
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    const hash = toHex(await crypto.subtle.digest('SHA-256', bytes));
    const { db, clock } = c.var.deps;
    await db.batch(accountRepository(db).setLogo(c.var.merchant.accountId, { hash, contentType: type, base64: btoa(binary), createdAt: clock().toISOString() }));
    await setFlash(c, { kind: 'ok', key: 'logo_saved' });
    return c.redirect('/admin/settings/profile', 303);
  });
}
