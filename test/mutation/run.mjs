// `npm run mutate`: Stryker through its programmatic API rather than its CLI. Porte supports
// Node >= 20.19 but Stryker 10's CLI refuses to start below Node 22 (a version check run when its
// CLI module loads, and its package index loads that module); the engine itself runs on Node 20,
// so the Stryker class is loaded from its own file, next to the package entry. Options live in
// stryker.config.mjs.
const entry = import.meta.resolve('@stryker-mutator/core');
const { Stryker } = await import(new URL('./stryker.js', entry).href);

// `npm run mutate -- --incremental` re-tests only the mutants whose code or tests changed since the
// last run (its record is kept in test-output/mutation/), for a quick look while writing tests.
const incremental = process.argv.includes('--incremental');
const started = Date.now();
const results = await new Stryker({ configFile: 'stryker.config.mjs', incremental }).runMutationTest();
console.log(`${results.length} mutants in ${Math.round((Date.now() - started) / 1000)} s; reports in test-output/mutation/`);
