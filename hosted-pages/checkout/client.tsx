import { hydrate } from 'preact';
import { CheckoutPage } from './CheckoutPage.tsx';
import type { CheckoutView } from './view.ts';

// Hydrates the server-rendered checkout: same component, same props, so no flash and no refetch.
const props = document.getElementById('porte-props');
const root = document.getElementById('app');
if (props?.textContent && root) hydrate(<CheckoutPage view={JSON.parse(props.textContent) as CheckoutView} />, root);
