import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * Browser bundles: the hosted pages' hydration scripts (and the widget). Fixed file names under
 * dist/public/assets: the server links them directly and serves them with revalidation.
 */
export default defineConfig({
  publicDir: false,
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist/public',
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: false,
    rollupOptions: {
      input: {
        checkout: resolve(import.meta.dirname, 'hosted-pages/checkout/client.tsx'),
      },
      output: {
        entryFileNames: 'assets/[name].js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: 'assets/[name][extname]',
      },
    },
  },
});
