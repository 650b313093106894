/**
 * The one message protocol between Porte's frames and the widget on the merchant's page.
 * Namespaced and versioned; the frame posts only to the session's embed origin, and the widget
 * accepts messages only from Porte's origin and from its own iframe.
 */
export const NS = 'porte';

export type FrameMessage =
  | { ns: typeof NS; v: 1; type: 'resize'; height: number }
  | { ns: typeof NS; v: 1; type: 'busy'; busy: boolean }
  | { ns: typeof NS; v: 1; type: 'close' }
  /** Sent only from the server-confirmed "done" page; the widget re-checks with the server anyway. */
  | { ns: typeof NS; v: 1; type: 'subscribed'; session: string };

export function isFrameMessage(data: unknown): data is FrameMessage {
  return typeof data === 'object' && data !== null && (data as { ns?: unknown }).ns === NS && (data as { v?: unknown }).v === 1;
}
