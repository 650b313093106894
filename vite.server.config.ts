import { defineConfig } from 'vite';

/**
 * The Node server as plain JavaScript (`npm start` runs `node dist/server/node.js`): no TypeScript
 * loader in the process (tsx's loader thread and transform cache cost ~30 MB of RSS). Packages stay
 * external (node_modules is there at run time; better-sqlite3 is native), so a dynamic `import()`
 * of a heavy one (pdf-lib, stripe, nodemailer) still loads only when first used. Every file lands
 * flat in dist/server/, two levels under the repository like server/entry/, so the
 * `new URL('../../migrations', import.meta.url)` paths resolve the same from source and bundle.
 */
export default defineConfig({
  publicDir: false,
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    ssr: true,
    outDir: 'dist/server',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: {
      input: { node: 'server/entry/node.ts' },
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: '[name]-[hash].js',
      },
    },
  },
});
