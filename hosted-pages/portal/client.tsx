import { hydrate } from 'preact';
import { PortalPage } from './PortalPage.tsx';
import type { PortalView } from './view.ts';

// Hydrates the server-rendered portal with the same props: no flash, no refetch. The page works
// without this script; hydration adds the busy state and Stripe's Payment Element.
const props = document.getElementById('porte-props');
const root = document.getElementById('app');
if (props?.textContent && root) {
  hydrate(<PortalPage view={JSON.parse(props.textContent) as PortalView} />, root);
}
