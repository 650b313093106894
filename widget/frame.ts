import { isFrameMessage } from '../hosted-pages/embed/protocol.ts';
import type { Present, PresentArgs, SubscribedDetail } from './types.ts';

/**
 * The checkout frame, loaded on the first click: an overlay (modal dialog) or an inline iframe.
 * Everything lives in a shadow root on a custom element, so the host page's CSS cannot reach it;
 * styles are adopted (CSSOM), which a strict host CSP without 'unsafe-inline' still allows.
 */
const css = `:host{all:initial!important;display:block!important}
.backdrop{position:fixed;inset:0;z-index:2147483000;background:rgba(15,18,30,.55);display:flex;align-items:center;justify-content:center;padding:16px}
.dialog{position:relative;width:min(980px,100%);height:min(860px,100%);background:#f6f7fb;border-radius:var(--porte-radius,12px);overflow:hidden;box-shadow:0 20px 60px rgba(0,0,0,.3)}
.dialog iframe{width:100%;height:100%}
iframe{display:block;border:0;width:100%;min-height:420px;background:transparent}
.close{position:absolute;top:8px;right:8px;z-index:1;width:40px;height:40px;border-radius:50%;border:0;background:#fff;color:#1d2330;font:24px/1 system-ui,sans-serif;cursor:pointer;box-shadow:0 1px 4px rgba(0,0,0,.2)}
.close:focus-visible{outline:3px solid var(--porte-accent,#3b5bdb);outline-offset:2px}
.close[aria-disabled=true]{opacity:.4;cursor:not-allowed}
.notice{margin:8px 0;padding:10px 14px;border-radius:8px;background:#fdecea;color:#b42318;font:15px/1.4 system-ui,sans-serif}`;

function shadowHost(tag: string): { host: HTMLElement; root: ShadowRoot } {
  const host = document.createElement(tag);
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  root.adoptedStyleSheets = [sheet];
  return { host, root };
}

const unavailable = {
  en: 'Checkout is not available right now. Please try again later.',
  fr: "Le paiement n'est pas disponible pour le moment. Veuillez réessayer plus tard.",
};

/**
 * What a visitor sees when a checkout cannot start (the reason, for the merchant, is in the
 * console): one neutral line after the element they used, replaced on the next failure.
 */
export function notice(anchor: Element, locale?: string): void {
  const lang = (locale ?? navigator.language).startsWith('fr') ? 'fr' : 'en';
  if (anchor.nextElementSibling?.localName === 'porte-notice') anchor.nextElementSibling.remove();
  const { host, root } = shadowHost('porte-notice');
  const line = document.createElement('p');
  line.className = 'notice';
  line.setAttribute('role', 'alert');
  line.lang = lang;
  line.textContent = unavailable[lang];
  root.append(line);
  anchor.after(host);
}

/** Asks the server, not the message, whether the session really completed. */
async function confirmWithServer(a: PresentArgs): Promise<(SubscribedDetail & { success_url: string }) | undefined> {
  const res = await fetch(`${a.base}/widget/v1/checkout_sessions/${encodeURIComponent(a.session)}?key=${encodeURIComponent(a.key)}`);
  const body = res.ok ? await res.json() : undefined;
  if (body?.status !== 'complete') return undefined;
  return { checkout_session: body.id, customer: body.customer, subscription: body.subscription, success_url: body.success_url };
}

/** Called by the loader with positional arguments (fewer bytes there): see PresentArgs. */
export const present: Present = (base, key, url, session, mode, anchor, emit) => show({ base, key, url, session, mode, anchor, emit });

function show(a: PresentArgs): Promise<SubscribedDetail | undefined> {
  const overlay = a.mode === 'overlay';
  const { host, root } = shadowHost(overlay ? 'porte-overlay' : 'porte-inline');
  const iframe = document.createElement('iframe');
  iframe.src = `${a.url}&embed=1`;
  iframe.title = 'Checkout';
  iframe.allow = 'payment';
  // The element that opened us, even inside a shadow root (the grid's buttons): focus returns there.
  let opener = document.activeElement as HTMLElement | null;
  while (opener?.shadowRoot?.activeElement) opener = opener.shadowRoot.activeElement as HTMLElement;
  const html = document.documentElement;
  const previousOverflow = html.style.overflow;
  let closeButton: HTMLButtonElement | undefined;
  // True only while a payment request is in flight: the one moment closing could lose a payment.
  let busy = false;
  const setBusy = (value: boolean) => {
    busy = value;
    closeButton?.setAttribute('aria-disabled', String(value));
  };
  // Once the frame says "subscribed", the server's word on it; closing waits for it.
  let confirming: Promise<void> | undefined;
  let done: { successUrl: string; proceed: boolean } | undefined;
  let closed = false;

  return new Promise((resolve) => {
    const finish = () => {
      if (closed) return;
      closed = true;
      window.removeEventListener('message', onMessage);
      document.removeEventListener('keyup', onKey, true);
      host.remove();
      if (overlay) {
        html.style.overflow = previousOverflow;
        opener?.focus();
      }
      // After a subscription the visitor goes on to the success URL, unless porte:subscribed was prevented.
      if (done?.proceed) {
        const url = new URL(done.successUrl);
        url.searchParams.set('checkout_session_id', a.session);
        location.assign(url.toString());
      }
      a.emit('close', { checkout_session: a.session });
      resolve(undefined); // a no-op after a subscription: the promise already holds its detail
    };
    const close = () => {
      if (!busy) void (confirming ?? Promise.resolve()).then(finish);
    };
    // On release, like the frame's own Esc: the dialog is not torn down while a key is still down.
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
    };
    const onMessage = (e: MessageEvent) => {
      // Only Porte's origin, and only our own iframe: a message forged by the host page is ignored.
      if (e.origin !== a.base || e.source !== iframe.contentWindow || !isFrameMessage(e.data)) return;
      const m = e.data;
      if (m.type === 'resize' && !overlay) iframe.style.height = `${Math.min(Math.max(m.height, 200), 5000)}px`;
      else if (m.type === 'busy') setBusy(m.busy);
      else if (m.type === 'close') close();
      else if (m.type === 'subscribed' && m.session === a.session && !done) {
        confirming ??= confirmWithServer(a).then((detail) => {
          confirming = undefined;
          if (!detail) return;
          const { success_url, ...publicDetail } = detail;
          setBusy(false);
          // porte:subscribed first; the frame meanwhile shows its success step until the visitor moves on.
          done = { successUrl: success_url, proceed: a.emit('subscribed', publicDetail, true) };
          resolve(publicDetail);
        });
      }
    };
    window.addEventListener('message', onMessage);
    // Every page the frame navigates to ends whatever request led there (a restricted page, the
    // 3-D Secure page, an error page from the network): none of them may leave the visitor locked in.
    iframe.addEventListener('load', () => setBusy(false));

    if (overlay) {
      const backdrop = document.createElement('div');
      backdrop.className = 'backdrop';
      const dialog = document.createElement('div');
      dialog.className = 'dialog';
      dialog.setAttribute('role', 'dialog');
      dialog.setAttribute('aria-modal', 'true');
      dialog.setAttribute('aria-label', 'Checkout');
      closeButton = document.createElement('button');
      closeButton.className = 'close';
      closeButton.type = 'button';
      closeButton.setAttribute('aria-label', 'Close');
      closeButton.setAttribute('aria-disabled', 'false');
      closeButton.textContent = '×';
      closeButton.onclick = close;
      // Focus trap: sentinels on both sides send focus back into the dialog.
      const sentinel = (to: () => HTMLElement) => {
        const s = document.createElement('span');
        s.tabIndex = 0;
        s.onfocus = () => to().focus();
        return s;
      };
      dialog.append(closeButton, iframe);
      backdrop.append(sentinel(() => iframe), dialog, sentinel(() => closeButton as HTMLElement));
      backdrop.onclick = (e) => {
        if (e.target === backdrop) close();
      };
      root.append(backdrop);
      document.body.append(host);
      html.style.overflow = 'hidden';
      document.addEventListener('keyup', onKey, true);
      iframe.addEventListener('load', () => iframe.focus(), { once: true });
    } else {
      root.append(iframe);
      const anchor = a.anchor;
      if (anchor?.parentNode) anchor.parentNode.insertBefore(host, anchor.nextSibling);
      else document.body.append(host);
    }
  });
}
