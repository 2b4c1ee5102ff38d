#!/usr/bin/env node
/**
 * Builds the React example (examples/react/src → examples/react/dist) with esbuild: React ships
 * CommonJS only, and JSX needs a transform, so that example is the one that needs a build step.
 * rollup.config.mjs runs this after the bundles; run it alone with `node scripts/build-examples.mjs`.
 *
 * The app imports `@citybrain/components` as an npm user would; here it resolves to the workspace
 * sources (the `citybrain-source` export condition), so no `npm run build` is needed first.
 * maplibre-gl stays out of the app bundle: a map would load the copy the kit ships in /dist/,
 * with its worker beside it.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

const maplibreFromKit = {
  name: 'maplibre-from-kit',
  setup(builder) {
    builder.onResolve({ filter: /^maplibre-gl$/ }, () => ({ path: '/dist/maplibre-gl.mjs', external: true }));
  },
};

export async function buildReactExample() {
  const outdir = `${root}examples/react/dist`;
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['examples/react/src/main.tsx'],
    outdir,
    entryNames: 'app',
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    conditions: ['citybrain-source'],
    // React picks its production build from this; nothing else reads process.env in the browser.
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [maplibreFromKit],
    logLevel: 'warning',
    metafile: true,
  });
  return result.metafile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const metafile = await buildReactExample();
  const outputs = Object.entries(metafile.outputs).filter(([file]) => !file.endsWith('.map'));
  for (const [file, { bytes }] of outputs) console.log(`${file}  ${(bytes / 1024).toFixed(1)} KB`);
  console.log(`built in ${Date.now() - started} ms`);
}
