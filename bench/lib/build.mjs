/**
 * Builds the benchmark pages with esbuild: our elements straight from their TypeScript sources
 * (the `citybrain-source` export condition, the same code the tests run), the peers from their
 * npm packages. Whitespace and syntax are minified but identifiers are kept, so CPU profiles name
 * real functions; the bundle-size benchmark does its own full minification.
 */
import * as esbuild from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const benchRoot = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const buildRoot = fileURLToPath(new URL('../.build/', import.meta.url));
export const cacheRoot = fileURLToPath(new URL('../.cache/', import.meta.url));

/**
 * @param {string} name sub-directory of bench/.build
 * @param {Record<string, string>} entryPoints output name → source file
 * @returns {Promise<{ outdir: string, outputs: Record<string, number> }>}
 */
export async function buildPages(name, entryPoints, { minify = 'readable' } = {}) {
  const outdir = `${buildRoot}${name}`;
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints,
    outdir,
    absWorkingDir: repoRoot,
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    target: 'es2022',
    conditions: ['citybrain-source'],
    minifyWhitespace: minify !== false,
    minifySyntax: minify !== false,
    minifyIdentifiers: minify === true,
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    metafile: true,
    logLevel: 'error',
    chunkNames: 'chunks/[name]-[hash]',
  });
  const outputs = Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, o]) => [file, o.bytes]));
  return { outdir, outputs };
}
