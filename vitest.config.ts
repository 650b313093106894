import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Stryker's sandboxes (`npm run mutate`) hold a copy of the tests: never run them twice.
    exclude: [...configDefaults.exclude, '**/.stryker-tmp/**'],
    // Browser walks with axe scans take 10–30 s on a busy 2-core machine: a minute keeps them honest, not flaky.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: browser and workerd suites are heavy, so files run two at a time.
    maxWorkers: 2,
    // Browser tests poll for what a person would see; on a busy 2-core machine give it time.
    expect: { poll: { timeout: 10_000, interval: 50 } },
  },
});
