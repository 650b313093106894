import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** widget.js: the loader merchants paste, as one classic script (IIFE) — it must work without `type=module`. */
export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/public',
    emptyOutDir: false,
    target: 'es2020',
    lib: { entry: resolve(import.meta.dirname, 'widget/loader.ts'), formats: ['iife'], name: 'PorteLoader', fileName: () => 'widget.js' },
  },
});
