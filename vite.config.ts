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
        admin: resolve(import.meta.dirname, 'hosted-pages/admin/client.ts'),
        portal: resolve(import.meta.dirname, 'hosted-pages/portal/client.tsx'),
        'embed-done': resolve(import.meta.dirname, 'hosted-pages/embed/done.ts'),
        'subscribe-link': resolve(import.meta.dirname, 'hosted-pages/checkout/link.ts'),
        grid: resolve(import.meta.dirname, 'widget/grid/index.tsx'),
        'widget-frame': resolve(import.meta.dirname, 'widget/frame.ts'),
      },
      // Entry modules keep their exports: the loader imports grid.js and widget-frame.js at run time.
      preserveEntrySignatures: 'exports-only',
      output: {
        entryFileNames: 'assets/[name].js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: 'assets/[name][extname]',
      },
    },
  },
});
