import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { precompress } from './vite.precompress.ts';

/** widget.js: the loader merchants paste, as one classic script (IIFE) — it must work without `type=module`. */
export default defineConfig({
  publicDir: false,
  // widget.js alone: the assets were compressed by vite.config.ts's build.
  plugins: [precompress(resolve(import.meta.dirname, 'dist/public'), { recursive: false, assetsIgnore: true })],
  build: {
    outDir: 'dist/public',
    emptyOutDir: false,
    target: 'es2020',
    lib: { entry: resolve(import.meta.dirname, 'widget/loader.ts'), formats: ['iife'], name: 'PorteLoader', fileName: () => 'widget.js' },
  },
});
