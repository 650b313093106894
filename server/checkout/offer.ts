import type { Database } from '../db/port.ts';
import { offerRepository, toJson } from '../offers/repository.ts';
import type { OfferJson } from '../offers/schema.ts';

/** Checkout sees an offer as the API shows it: price, period, trial, setup fee, features. */
export type CheckoutOffer = OfferJson;

/** By id first, then by the merchant's reference (sessions and shareable links accept both). */
export async function loadOffer(db: Database, merchantId: string, idOrReference: string): Promise<CheckoutOffer | undefined> {
  const repo = offerRepository(db);
  const offer = (await repo.byId(merchantId, idOrReference)) ?? (await repo.byReference(merchantId, idOrReference));
  return offer && toJson(offer);
}
