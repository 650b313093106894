import { postToHost } from './frame.ts';

// The server rendered this page only after the session completed: tell the widget which one.
const props = document.getElementById('porte-props');
if (props?.textContent) {
  const { session, embedOrigin } = JSON.parse(props.textContent) as { session: string; embedOrigin: string };
  postToHost(embedOrigin, { type: 'subscribed', session });
}
