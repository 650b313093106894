import type { Database } from './db/port.ts';

export interface Config {
  /** Public base URL, e.g. http://localhost:8787: used in every link Porte hands out. */
  readonly publicUrl: string;
}

/** Everything `createApp` needs. The app reads no environment: entries build this. */
export interface Deps {
  readonly db: Database;
  readonly clock: () => Date;
  readonly config: Config;
}

export const systemClock = (): Date => new Date();
