import type * as v from 'valibot';
import type { Brand } from '../../hosted-pages/brand.tsx';
import type { Database } from '../db/port.ts';
import { invalid, notFound } from '../http/errors.ts';
import type { Merchant } from '../merchants/repository.ts';
import { normalizeVat, vatNumberValid } from './checks.ts';
import { type Account, accountRepository, type ProfileColumns } from './repository.ts';
import type { AccountUpdate, accountOut } from './schema.ts';

/** Where the logo is served: the hash of its bytes in the name, so it can be cached for a year. */
export const logoUrl = (publicUrl: string, hash: string | null): string | null => (hash ? `${publicUrl}/brand/${hash}` : null);

/** The brand a merchant's pages show (hosted-pages/brand.tsx). */
export const brandOf = (m: Merchant, publicUrl: string): Brand => ({
  name: m.name,
  color: m.brand.color,
  logoUrl: logoUrl(publicUrl, m.brand.logoHash),
  supportEmail: m.brand.supportEmail,
  supportUrl: m.brand.supportUrl,
});

export function toJson(a: Account, m: Merchant, publicUrl: string): v.InferOutput<typeof accountOut> {
  return {
    object: 'account',
    id: a.id,
    environment: m.mode,
    live: a.liveAt !== null,
    business_name: a.name,
    legal_name: a.legalName,
    trading_name: a.tradingName,
    address: a.address,
    country: a.country,
    company_number: a.companyNumber,
    vat_number: a.vatNumber,
    vat_regime: a.vatRegime,
    support_email: a.supportEmail,
    support_url: a.supportUrl,
    logo_url: logoUrl(publicUrl, a.logoHash),
    brand_color: a.brandColor,
    default_locale: a.defaultLocale,
  };
}

/** What "Go live" needs of the profile; the names are the API's fields. */
export function missingProfile(a: Account): string[] {
  const missing: string[] = [];
  if (!a.legalName) missing.push('legal_name');
  if (!a.address) missing.push('address');
  if (!a.country) missing.push('country');
  if (!a.companyNumber) missing.push('company_number');
  if (!a.supportEmail) missing.push('support_email');
  return missing;
}

export function accountService(db: Database) {
  const repo = accountRepository(db);
  return {
    async get(id: string): Promise<Account> {
      const account = await repo.byId(id);
      if (!account) throw notFound('account');
      return account;
    },
    /** Merges the change into the profile, checks the rules that span fields, writes it in one batch. */
    async update(id: string, change: AccountUpdate): Promise<Account> {
      const a = await this.get(id);
      const next: ProfileColumns = {
        name: change.business_name ?? a.name,
        legalName: change.legal_name !== undefined ? change.legal_name : a.legalName,
        tradingName: change.trading_name !== undefined ? change.trading_name : a.tradingName,
        address: change.address !== undefined ? (change.address && { ...change.address, line2: change.address.line2 || null }) : a.address,
        country: change.country !== undefined ? change.country : a.country,
        companyNumber: change.company_number !== undefined ? change.company_number : a.companyNumber,
        vatNumber: change.vat_number !== undefined ? change.vat_number && normalizeVat(change.vat_number) : a.vatNumber,
        vatRegime: change.vat_regime ?? a.vatRegime,
        supportEmail: change.support_email !== undefined ? change.support_email : a.supportEmail,
        supportUrl: change.support_url !== undefined ? change.support_url : a.supportUrl,
        brandColor: change.brand_color !== undefined ? change.brand_color : a.brandColor,
        defaultLocale: change.default_locale ?? a.defaultLocale,
      };
      if (next.vatNumber && !vatNumberValid(next.vatNumber, next.country)) {
        throw invalid('vat_number', next.country ? `vat_number does not have the format of a ${next.country} VAT number (it starts with the country code, e.g. FR40303265045).` : 'Set country before vat_number: the format depends on it.');
      }
      // SIREN: nine digits (France); elsewhere company numbers have no common format.
      if (next.companyNumber && next.country === 'FR' && !/^\d{9}$/.test(next.companyNumber.replace(/\s/g, ''))) {
        throw invalid('company_number', 'company_number must be the 9-digit SIREN for a French business.');
      }
      if (next.companyNumber && next.country === 'FR') next.companyNumber = next.companyNumber.replace(/\s/g, '');
      await db.batch(repo.updateProfile(id, next));
      return this.get(id);
    },
  };
}
