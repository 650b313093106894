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

export interface GridArgs {
  base: string;
  key: string;
  table: string;
  /** The pricing table's response, requested by the loader before the grid's code arrived. */
  data: Promise<Response>;
  locale: string;
  choose: (offer: string) => void;
  emit: (name: string, detail?: unknown) => boolean;
}
