import { followHeight, postToHost } from './frame.ts';

/**
 * The script of every embedded page that is not the checkout form itself (3-D Secure challenge,
 * restricted, expired, confirmation): without it the widget's frame would be a dead end where Esc
 * does nothing. It tells the host when a payment request starts (the challenge's answer) and, on
 * the confirmation page rendered only once the session completed, which session that was.
 */
export interface EmbedPageProps {
  embedOrigin: string | null;
  /** Set only on the server-confirmed confirmation page. */
  subscribed?: string;
}

const props = document.getElementById('porte-props');
if (props?.textContent) {
  const { embedOrigin, subscribed } = JSON.parse(props.textContent) as EmbedPageProps;
  followHeight(embedOrigin);
  postToHost(embedOrigin, { type: 'busy', busy: false });
  if (subscribed) postToHost(embedOrigin, { type: 'subscribed', session: subscribed });
  // On key release, like the checkout form: the frame is not removed while the key is still down.
  document.addEventListener('keyup', (e) => {
    if (e.key === 'Escape') postToHost(embedOrigin, { type: 'close' });
  });
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-payment]')) {
    form.addEventListener('submit', () => postToHost(embedOrigin, { type: 'busy', busy: true }));
  }
  // "Continue" closes the widget, which then takes the visitor on (or not: porte:subscribed can be prevented).
  const next = document.querySelector<HTMLAnchorElement>('a[data-porte-close]');
  next?.addEventListener('click', (e) => {
    if (!embedOrigin || window.parent === window) return;
    e.preventDefault();
    postToHost(embedOrigin, { type: 'close' });
  });
  next?.focus();
}
