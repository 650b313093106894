/** Shared between the loader and its lazily loaded parts (types only: no bytes in the loader). */
export type Mode = 'overlay' | 'inline' | 'redirect';

export interface OpenOptions {
  offer: string;
  mode?: Mode;
  customer?: { reference?: string; email?: string; hash?: string };
  locale?: string;
  successUrl?: string;
}

export interface SubscribedDetail {
  checkout_session: string;
  customer: { id: string; reference: string | null };
  subscription: { id: string; offer: string | null };
}

/** What the loader hands to the overlay/inline module. */
export interface PresentArgs {
  base: string;
  key: string;
  url: string;
  session: string;
  mode: 'overlay' | 'inline';
  anchor: Element | null;
  emit: (name: string, detail?: unknown, cancelable?: boolean) => boolean;
}

/** The frame module's entry, positional to keep the loader's bytes down (same order as PresentArgs). */
export type Present = (
  base: string,
  key: string,
  url: string,
  session: string,
  mode: PresentArgs['mode'],
  anchor: Element | null,
  emit: PresentArgs['emit'],
) => Promise<SubscribedDetail | undefined>;

/**
 * The grid's own code (its fallback renderer), called by the loader with the pricing table's body
 * (rejected with the server's error, or without one when nothing answered), data-locale (without
 * it, the browser's language), what a click on an offer does, and the element's event emitter.
 * Positional, to keep the loader's bytes down.
 */
export type RenderGrid = (
  host: Element,
  data: Promise<unknown>,
  locale: string | undefined,
  choose: (el: Element, offer: string) => void,
  emit: (name: string, detail?: unknown) => boolean,
) => void;
