import { type FrameMessage, NS } from './protocol.ts';

type Payload = FrameMessage extends infer M ? (M extends FrameMessage ? Omit<M, 'ns' | 'v'> : never) : never;

/** Posts to the parent only when it is on the session's embed origin (the browser enforces it). */
export function postToHost(embedOrigin: string | null, message: Payload): void {
  if (!embedOrigin || window.parent === window) return;
  window.parent.postMessage({ ns: NS, v: 1, ...message }, embedOrigin);
}

/** Keeps the host's iframe as tall as the page (inline mode). */
export function followHeight(embedOrigin: string | null): void {
  if (!embedOrigin || window.parent === window) return;
  let last = 0;
  const report = () => {
    const height = Math.ceil(document.documentElement.scrollHeight);
    if (height !== last) {
      last = height;
      postToHost(embedOrigin, { type: 'resize', height });
    }
  };
  new ResizeObserver(report).observe(document.body);
  report();
}
