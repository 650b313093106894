import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { precompress } from './vite.precompress.ts';

/**
 * /docs renders with Scalar's standalone bundle, copied from the @scalar/api-reference package so
 * the page loads no third-party script (same file name as SCALAR_BUNDLE in server/openapi/routes.ts).
 */
const scalarBundle = (): Plugin => ({
  name: 'porte-scalar-bundle',
  apply: 'build',
  closeBundle() {
    const source = readFileSync(resolve(import.meta.dirname, 'node_modules/@scalar/api-reference/dist/browser/standalone.js'));
    const to = resolve(import.meta.dirname, 'dist/public/assets/scalar-api-reference.js');
    // 4.9 MB, 1.4 MB gzip: compressed with the other assets by `precompress` (runs after this one).
    writeFileSync(to, source);
  },
});

/**
 * Browser bundles: the hosted pages' hydration scripts (and the widget). Fixed file names under
 * dist/public/assets: the server links them directly and serves them with revalidation.
 */
export default defineConfig({
  publicDir: false,
  plugins: [scalarBundle(), precompress(resolve(import.meta.dirname, 'dist/public/assets'), { recursive: true })],
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
        invoice: resolve(import.meta.dirname, 'hosted-pages/invoice/client.ts'),
        'embed-page': resolve(import.meta.dirname, 'hosted-pages/embed/page.ts'),
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
