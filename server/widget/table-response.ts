import type { GridLocale } from '../../widget/grid/card.tsx';
import type { PublicPricingTable } from '../pricing-tables/schema.ts';
import { sha256Hex } from '../lib/crypto.ts';
import { gridMarkup } from './grid.tsx';

/**
 * The pricing table's JSON body (the data, the grid's markup and stylesheet) and its ETag, cached
 * by what they are made of. The key is a digest of the locale and every field read from the
 * database, taken on each request after the queries: any change to an offer, the table, the VAT
 * label or the merchant's name gives another key, so a price is never served stale, while an
 * unchanged table skips the Preact render and the hashing of the body (the render alone is ~1 ms
 * warm, several on a cold process; hono's etag() also buffered and digested every body).
 * Bounded, least recently used first out: a process serves at most CAPACITY tables from memory.
 */
const CAPACITY = 256;
const cache = new Map<string, { body: string; etag: string }>();

export async function tableResponse(merchant: { name: string; mode: string }, table: PublicPricingTable, locale: GridLocale): Promise<{ body: string; etag: string }> {
  const data = JSON.stringify({ merchant: { name: merchant.name, mode: merchant.mode }, ...table });
  const key = await sha256Hex(`${locale}\n${data}`);
  const known = cache.get(key);
  if (known) {
    // Most recently used moves to the end; the first key is the one to drop.
    cache.delete(key);
    cache.set(key, known);
    return known;
  }
  const { html, css } = gridMarkup(table, locale);
  // The same fields and order as before: data, then the markup the loader paints.
  const body = `${data.slice(0, -1)},${JSON.stringify({ html, css }).slice(1)}`;
  // Of the body itself, so a new release that paints differently changes the ETag too.
  const entry = { body, etag: `"${await sha256Hex(body)}"` };
  if (cache.size >= CAPACITY) cache.delete(cache.keys().next().value as string);
  cache.set(key, entry);
  return entry;
}

/** If-None-Match holds this ETag (a list, `*`, or the weak form a proxy may have turned it into). */
export const notModified = (ifNoneMatch: string | undefined, etag: string): boolean =>
  !!ifNoneMatch && ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
