import type { Mode, OpenOptions, Present, RenderGrid, SubscribedDetail } from './types.ts';

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

  // The widget's endpoints answer JSON. A refusal rejects with the server's error (what to fix); no
  // answer, or no JSON, rejects with something that has no code.
  const call = (path: string, query = '', init?: RequestInit) =>
    fetch(`${base}/widget/v1/${path}?key=${encodeURIComponent(key)}${query}`, init).then((r) =>
      r.json().then((b) => (r.ok ? b : Promise.reject(b.error))),
    );

  const start = async (o: OpenOptions, el: Element | null): Promise<SubscribedDetail | undefined> => {
    const emit = emitter(el);
    const mode = o.mode ?? 'overlay';
    emit('open', { offer: o.offer, mode });
    const body = await call('checkout_sessions', '', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ offer: o.offer, customer: o.customer, locale: o.locale, success_url: o.successUrl, page_url: location.href }),
    }).catch((e?: { code?: string; message: string }) => {
      const error = e?.code ? e : { code: 'network_error', message: `${base} did not answer.` };
      emit('error', error);
      throw new Error(error.message);
    });
    const url = `${body.url}?locale=${o.locale ?? ''}`;
    if (mode === 'redirect') {
      location.assign(url);
      return undefined;
    }
    const frame = await load<{ present: Present }>('widget-frame');
    return frame.present(base, key, url, body.id, mode, el, emit);
  };

  // One checkout at a time: a double click, or another call while one is opening or open, gets its promise.
  let current: Promise<SubscribedDetail | undefined> | undefined;
  const open = (o: OpenOptions, el: Element | null = null) =>
    (current ??= start(o, el).finally(() => {
      current = undefined;
    }));

  // A click on a checkout button or a grid's offer. When it fails, visitors see a neutral line under
  // what they clicked (its words live in the lazily loaded frame module).
  const choose = (el: Element, offer: string) =>
    open(optionsFrom(el, offer), el).catch(() =>
      load<{ notice: (el: Element, locale?: string) => void }>('widget-frame').then((m) => m.notice(el, attr(el, 'locale'))),
    );

  const init = () => {
    for (const el of d.querySelectorAll<HTMLElement>('[data-porte-checkout]')) {
      if (el.dataset.porteBound) continue;
      el.dataset.porteBound = '1';
      el.addEventListener('click', (e) => {
        e.preventDefault();
        choose(el, el.getAttribute('data-porte-checkout') ?? '');
      });
    }
    for (const el of d.querySelectorAll<HTMLElement>('[data-porte-pricing-table]')) {
      if (el.shadowRoot) continue;
      // Attached at once, so a second init() leaves this grid alone.
      const root = el.attachShadow({ mode: 'open' });
      const table = el.getAttribute('data-porte-pricing-table') || 'default';
      // Without data-locale, the server answers in the browser's language (Accept-Language).
      const locale = attr(el, 'locale');
      const emit = emitter(el);
      const data = call(`pricing_tables/${encodeURIComponent(table)}`, `&locale=${locale ?? ''}`);
      // The server sends the grid's markup (merchant words escaped there) and stylesheet: painted
      // now, one request after this script, with one listener for its buttons — no grid code to wait for.
      data
        .then((b) => {
          const sheet = new CSSStyleSheet();
          sheet.replaceSync(b.css);
          root.adoptedStyleSheets = [sheet];
          root.innerHTML = b.html;
          // The buttons hold text only, so a click's target is the button itself.
          root.addEventListener('click', (e) => {
            const offer = (e.target as HTMLElement).dataset.offer;
            if (offer) choose(el, offer);
          });
          emit('ready', { pricing_table: table });
        })
        // Refused, unanswered, or innerHTML forbidden (Trusted Types): the grid's own code says so, or draws it.
        .catch(() => load<{ renderGrid: RenderGrid }>('grid').then((m) => m.renderGrid(el, data, locale, choose, emit)));
    }
  };

  const on = (name: string, handler: Handler) =>
    window.addEventListener(name.startsWith('porte:') ? name : `porte:${name}`, handler as EventListener);

  Object.assign(porte, { open: (o: OpenOptions) => open(o), on, init, loaded: true });
  // Calls made before the script loaded (see the snippet in the README) run now, in order.
  for (const [method, args, resolve, reject] of porte.q ?? []) {
    Promise.resolve((porte[method as 'open'] as (...a: unknown[]) => unknown)(...args)).then(resolve, reject);
  }
  porte.q = [];
  // Now for what is parsed already (an async script often runs before the page's end: its grids'
  // requests leave at once), and again at DOMContentLoaded for the rest (init skips what it did).
  init();
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', init);
  emitter(null)('ready');
}
