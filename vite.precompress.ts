import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|css|json|svg|html)$/;

/** Writes `<file>.br` and `<file>.gz` beside each compressible file of `dir` (and its folders if `recursive`). */
function precompressDir(dir: string, recursive: boolean): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (recursive) precompressDir(path, true);
      continue;
    }
    if (!COMPRESSIBLE.test(name)) continue;
    const source = readFileSync(path);
    writeFileSync(`${path}.gz`, gzipSync(source, { level: 9 }));
    writeFileSync(`${path}.br`, brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: source.length } }));
  }
}

/**
 * The Node entry serves dist/public with `precompressed` (server/entry/node-runtime.ts): widget.js
 * on every merchant page view and the hosted pages' scripts travel as brotli or gzip, compressed
 * once at build at the highest levels instead of per request (Workers compress on their own).
 */
export const precompress = (dir: string, options: { recursive: boolean; assetsIgnore?: boolean }): Plugin => ({
  name: 'porte-precompress',
  apply: 'build',
  closeBundle() {
    precompressDir(dir, options.recursive);
    // Cloudflare's static assets (wrangler.toml [assets]) compress on their own: not uploaded.
    if (options.assetsIgnore) writeFileSync(join(dir, '.assetsignore'), '*.br\n*.gz\n');
  },
});
