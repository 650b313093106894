import { defineConfig } from 'vitest/config';

/**
 * The fast, pure unit tests of the billing core, for `npm run mutate` (Stryker runs them once per
 * mutant, so nothing here may start a server, a browser or workerd). `*.node.test.ts` files open
 * real databases through the app harness and stay out.
 */
export default defineConfig({
  test: {
    include: ['test/billing/*.test.ts', 'test/tax/*.test.ts'],
    exclude: ['**/*.node.test.ts', '**/node_modules/**', '**/.stryker-tmp/**'],
    testTimeout: 30_000,
  },
});
