/**
 * The one message protocol between Porte's frames and the widget on the merchant's page.
 * Namespaced and versioned; the frame posts only to the session's embed origin, and the widget
 * accepts messages only from Porte's origin and from its own iframe.
 */
export const NS = 'porte';

export type FrameMessage =
  | { ns: typeof NS; v: 1; type: 'resize'; height: number }
  /**
   * A payment request starts (true) or ends without leaving the page (false). Whatever page the
   * frame loads next also ends it: the widget unlocks on the iframe's own load event, so a page
   * without Porte's script (or an error page) can never leave the overlay impossible to close.
   */
  | { ns: typeof NS; v: 1; type: 'busy'; busy: boolean }
  | { ns: typeof NS; v: 1; type: 'close' }
  /** Sent only from the server-confirmed "done" page; the widget re-checks with the server anyway. */
  | { ns: typeof NS; v: 1; type: 'subscribed'; session: string };

export function isFrameMessage(data: unknown): data is FrameMessage {
  return typeof data === 'object' && data !== null && (data as { ns?: unknown }).ns === NS && (data as { v?: unknown }).v === 1;
}
