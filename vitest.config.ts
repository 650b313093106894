import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: browser and workerd suites are heavy, so files run two at a time.
    maxWorkers: 2,
  },
});
