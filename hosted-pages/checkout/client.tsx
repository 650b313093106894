import { hydrate } from 'preact';
import { CheckoutPage } from './CheckoutPage.tsx';
import { followHeight, postToHost } from '../embed/frame.ts';
import type { CheckoutView } from './view.ts';

// Hydrates the server-rendered checkout: same component, same props, so no flash and no refetch.
const props = document.getElementById('porte-props');
const root = document.getElementById('app');
if (props?.textContent && root) {
  const view = JSON.parse(props.textContent) as CheckoutView;
  hydrate(<CheckoutPage view={view} />, root);
  if (view.embedded) {
    followHeight(view.embedOrigin);
    // A fresh page means no payment is in flight; Esc inside the frame closes the overlay too.
    postToHost(view.embedOrigin, { type: 'busy', busy: false });
    // On key release: closing removes this frame, and a key still held down would be left
    // dispatching into a frame that no longer exists.
    document.addEventListener('keyup', (e) => {
      if (e.key === 'Escape') postToHost(view.embedOrigin, { type: 'close' });
    });
  }
}
