import { Card, type Offer, words } from '../../widget/grid/card.tsx';
import { gridCss } from '../../widget/grid/styles.ts';
import type { AdminLocale } from './i18n.ts';

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

const inert = () => {};

/**
 * The widget's grid, rendered on the server: widget/grid/card.tsx's own cards and words, and the
 * widget's stylesheet scoped to the preview. The disabled fieldset makes every button inert
 * (`all:initial`, from the grid's `:host` rule, removes the fieldset's own border and spacing).
 */
export function GridPreview({ offers, highlighted, locale, nonce }: { offers: Offer[]; highlighted?: string | null; locale: AdminLocale; nonce: string }) {
  return (
    <div class="preview">
      {/* A constant stylesheet (no user data), so it is written raw: escaping would break its quotes. */}
      <style nonce={nonce} dangerouslySetInnerHTML={{ __html: previewCss }} />
      <fieldset class="porte-preview" disabled>
        <ul class="grid" lang={locale}>
          {offers.map((o) => (
            <Card key={o.reference} offer={o} highlighted={o.reference === highlighted} locale={locale} t={words[locale]} choose={inert} />
          ))}
        </ul>
      </fieldset>
    </div>
  );
}
