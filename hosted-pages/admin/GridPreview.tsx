import { formatMoney } from '../format.ts';
import type { OfferJson } from '../../server/offers/schema.ts';
import { gridCss } from '../../widget/grid/styles.ts';
import type { AdminLocale, AdminT } from './i18n.ts';

/**
 * The grid's stylesheet scoped to `.porte-preview` (its `:host` rule becomes the container's): the
 * widget's own CSS, unchanged, without a shadow root. (A declarative shadow root would isolate it
 * better, but axe-core's scan of shadow content trips the page's strict style-src CSP.)
 */
export function scopeCss(css: string, scope: string): string {
  return css
    .split('}')
    .filter((rule) => rule.includes('{'))
    .map((rule) => {
      const [selectors = '', body = ''] = rule.split('{');
      const scoped = selectors
        .split(',')
        .map((sel) => sel.trim())
        .map((sel) => (sel.startsWith(':host') ? sel.replace(':host', scope) : `${scope} ${sel}`))
        .join(',');
      return `${scoped}{${body}}`;
    })
    .join('\n');
}

// The back-office's own .card and .badge must not add their margins and shadows to the grid's.
const previewCss = `.porte-preview .card{margin:0;box-shadow:none}.porte-preview .badge{white-space:normal}\n${scopeCss(gridCss, '.porte-preview')}`;

/**
 * The widget's grid, rendered on the server: the same markup as widget/grid/index.tsx's cards and
 * the same stylesheet, scoped to the preview. The buttons are inert here.
 */
export function GridPreview({ offers, highlighted, locale, t, nonce }: { offers: OfferJson[]; highlighted?: string; locale: AdminLocale; t: AdminT; nonce: string }) {
  const period = (o: OfferJson) =>
    o.recurring.interval_count === 1 ? t(`per_${o.recurring.interval}`) : t('every_n', { n: o.recurring.interval_count, unit: t(`unit_${o.recurring.interval}`) });
  return (
    <div class="preview">
      {/* A constant stylesheet (no user data), so it is written raw: escaping would break its quotes. */}
      <style nonce={nonce} dangerouslySetInnerHTML={{ __html: previewCss }} />
      <div class="porte-preview">
          <ul class="grid" lang={locale}>
            {offers.map((offer) => {
              const id = `preview-offer-${offer.reference}`;
              const hl = offer.reference === highlighted;
              return (
                <li key={offer.reference} class={hl ? 'card hl' : 'card'} aria-labelledby={id}>
                  {hl && <p class="badge">{t('popular')}</p>}
                  <h3 id={id}>{offer.name}</h3>
                  {offer.description && <p class="desc">{offer.description}</p>}
                  <p class="price">
                    <strong>{formatMoney(offer.recurring.amount, offer.currency, locale)}</strong> <span>{period(offer)}</span>
                  </p>
                  {offer.trial.days > 0 && <p class="trial">{t('trial', { days: offer.trial.days })}</p>}
                  {offer.amount_upfront > 0 && <p class="setup">{t('grid_setup', { amount: formatMoney(offer.amount_upfront, offer.currency, locale) })}</p>}
                  {offer.features.length > 0 && (
                    <ul class="features">
                      {offer.features.map((f) => (
                        <li key={f}>{f}</li>
                      ))}
                    </ul>
                  )}
                  <button type="button" disabled>
                    {t('subscribe')}
                  </button>
                </li>
              );
            })}
          </ul>
      </div>
    </div>
  );
}
