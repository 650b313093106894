import type { GridArgs, Mode, OpenOptions, PresentArgs, SubscribedDetail } from './types.ts';

/**
 * widget.js — the one script tag a merchant pastes. Dependency-free and tiny (budget: 2 KB gzip):
 * it keeps calls queued by a stub, binds checkout buttons, and loads the grid and the checkout
 * frame only when a page needs them. Exactly one global: window.Porte (an existing stub is kept).
 */
type Handler = (event: CustomEvent) => void;
interface PorteGlobal {
  q?: [string, unknown[], ((v: unknown) => void)?, ((e: unknown) => void)?][];
  open?: (o: OpenOptions) => Promise<unknown>;
  on?: (name: string, handler: Handler) => void;
  init?: () => void;
  loaded?: boolean;
}
const w = window as unknown as { Porte?: PorteGlobal };
const d = document;
const script = (d.currentScript ?? d.querySelector('script[data-key][src*="widget.js"]')) as HTMLScriptElement | null;

if (script && !w.Porte?.loaded) {
  const key = script.dataset.key ?? '';
  const base = new URL(script.src).origin;
  const porte: PorteGlobal = w.Porte ?? {};
  w.Porte = porte;
  const load = <T>(name: string): Promise<T> => import(/* @vite-ignore */ `${base}/assets/${name}.js`);

  // An attribute on the element wins over the same attribute on the script tag.
  const attr = (el: Element | null, name: string) =>
    el?.getAttribute(`data-${name}`) ?? script.getAttribute(`data-${name}`) ?? undefined;
  const optionsFrom = (el: Element, offer: string): OpenOptions => ({
    offer,
    mode: attr(el, 'mode') as Mode | undefined,
    locale: attr(el, 'locale'),
    successUrl: attr(el, 'success-url'),
    customer: { reference: attr(el, 'customer-reference'), email: attr(el, 'customer-email'), hash: attr(el, 'customer-hash') },
  });

  const emitter = (el: Element | null) => (name: string, detail?: unknown, cancelable = false) => {
    // Every porte:error also goes to the console once, in the server's words: what to fix and where.
    if (name === 'error') console.error(`Porte: ${(detail as { message: string }).message}`);
    // Bubbling from the element reaches window too; without an element, window gets it directly.
    return (el?.isConnected ? el : window).dispatchEvent(new CustomEvent(`porte:${name}`, { detail, bubbles: true, cancelable }));
  };

  const start = async (o: OpenOptions, el: Element | null): Promise<SubscribedDetail | undefined> => {
    const emit = emitter(el);
    const mode = o.mode ?? 'overlay';
    emit('open', { offer: o.offer, mode });
    const res = await fetch(`${base}/widget/v1/checkout_sessions?key=${encodeURIComponent(key)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ offer: o.offer, customer: o.customer, locale: o.locale, success_url: o.successUrl, page_url: location.href }),
    }).catch(() => undefined);
    const body = await res?.json().catch(() => undefined);
    if (!res?.ok) {
      const error = body?.error ?? { code: 'network_error', message: `${base} did not answer.` };
      emit('error', error);
      throw new Error(error.message);
    }
    const url = `${body.url}?locale=${o.locale ?? ''}`;
    if (mode === 'redirect') {
      location.assign(url);
      return undefined;
    }
    const frame = await load<{ present: (a: PresentArgs) => Promise<SubscribedDetail | undefined> }>('widget-frame');
    return frame.present({ base, key, url, session: body.id, mode, anchor: el, emit });
  };

  // One checkout at a time: a double click, or another call while one is opening or open, gets its promise.
  let current: Promise<SubscribedDetail | undefined> | undefined;
  const open = (o: OpenOptions, el: Element | null = null) =>
    (current ??= start(o, el).finally(() => {
      current = undefined;
    }));

  // Visitors see a neutral line under what they clicked (its words live in the lazily loaded frame module).
  const notice = (el: Element) => () => load<{ notice: (el: Element, locale?: string) => void }>('widget-frame').then((m) => m.notice(el, attr(el, 'locale')));

  const init = () => {
    for (const el of d.querySelectorAll('[data-porte-checkout]')) {
      if ((el as HTMLElement).dataset.porteBound) continue;
      (el as HTMLElement).dataset.porteBound = '1';
      el.addEventListener('click', (e) => {
        e.preventDefault();
        open(optionsFrom(el, el.getAttribute('data-porte-checkout') ?? ''), el).catch(notice(el));
      });
    }
    const grids = [...d.querySelectorAll('[data-porte-pricing-table]')].filter((el) => !el.shadowRoot);
    if (grids.length > 0) {
      // The offers are fetched now, in parallel with the grid's code, not after it has loaded.
      const tables = grids.map((el) => {
        const table = el.getAttribute('data-porte-pricing-table') || 'default';
        const data = fetch(`${base}/widget/v1/pricing_tables/${encodeURIComponent(table)}?key=${encodeURIComponent(key)}`);
        // Handled by the grid once its code arrives; until then a refusal must not be "uncaught".
        data.catch(() => {});
        return { table, data };
      });
      load<{ renderGrid: (host: Element, a: GridArgs) => void }>('grid').then((m) => {
        for (const [i, el] of grids.entries()) {
          m.renderGrid(el, {
            base,
            key,
            ...(tables[i] as (typeof tables)[number]),
            locale: attr(el, 'locale') ?? (navigator.language.startsWith('fr') ? 'fr' : 'en'),
            choose: (offer) => open(optionsFrom(el, offer), el).catch(notice(el)),
            emit: emitter(el),
          });
        }
      });
    }
  };

  const on = (name: string, handler: Handler) =>
    window.addEventListener(name.startsWith('porte:') ? name : `porte:${name}`, handler as EventListener);

  Object.assign(porte, { open: (o: OpenOptions) => open(o), on, init, loaded: true });
  // Calls made before the script loaded (see the snippet in the README) run now, in order.
  for (const [method, args, resolve, reject] of porte.q ?? []) {
    const result = (porte[method as 'open'] as (...a: unknown[]) => unknown)(...args);
    Promise.resolve(result).then(resolve, reject);
  }
  porte.q = [];
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', init);
  else init();
  emitter(null)('ready');
}
