import type { Deps } from '../deps.ts';
import type { Merchant } from '../merchants/repository.ts';

/** Hono environment shared by every route: dependencies, and the merchant once authenticated. */
export interface AppEnv {
  Variables: {
    deps: Deps;
    merchant: Merchant;
    requestId: string;
  };
}
