#!/usr/bin/env node
/**
 * Builds the examples that need a build step: React (examples/react/src → examples/react/dist) with
 * esbuild, since React ships CommonJS only and JSX needs a transform; Vue (examples/vue/src →
 * examples/vue/dist) with Vite and @vitejs/plugin-vue, which compiles the single-file components
 * ahead of time (Vue's runtime-only build needs no eval, so the page keeps the strict CSP).
 * rollup.config.mjs runs this after the bundles; run it alone with `node scripts/build-examples.mjs`.
 *
 * The apps import `@citybrain/components` as an npm user would; here it resolves to the workspace
 * sources (the `citybrain-source` export condition), so no `npm run build` is needed first.
 * maplibre-gl stays out of the app bundles: a map would load the copy the kit ships in /dist/,
 * with its worker beside it.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { build } from 'esbuild';
import { build as viteBuild, defaultClientConditions } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));

const MAPLIBRE_FROM_KIT = '/dist/maplibre-gl.mjs';

const maplibreFromKit = {
  name: 'maplibre-from-kit',
  setup(builder) {
    builder.onResolve({ filter: /^maplibre-gl$/ }, () => ({ path: MAPLIBRE_FROM_KIT, external: true }));
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

export async function buildVueExample() {
  const exampleRoot = `${root}examples/vue`;
  await viteBuild({
    root: exampleRoot,
    // Chunks load relative to app.js, wherever the example is served from.
    base: './',
    configFile: false,
    logLevel: 'warn',
    plugins: [
      // Without it Vue would try to resolve <cb-data-table> as a Vue component and warn.
      vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('cb-') } } }),
      { name: 'maplibre-from-kit', enforce: 'pre', resolveId: (id) => (id === 'maplibre-gl' ? { id: MAPLIBRE_FROM_KIT, external: true } : null) },
    ],
    resolve: { conditions: ['citybrain-source', ...defaultClientConditions] },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      sourcemap: true,
      target: 'es2022',
      rollupOptions: {
        input: `${exampleRoot}/src/main.ts`,
        // The build runs inside `rollup -c`, whose output should stay quiet.
        checks: { pluginTimings: false },
        output: { entryFileNames: 'app.js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const metafile = await buildReactExample();
  const outputs = Object.entries(metafile.outputs).filter(([file]) => !file.endsWith('.map'));
  for (const [file, { bytes }] of outputs) console.log(`${file}  ${(bytes / 1024).toFixed(1)} KB`);
  await buildVueExample();
  console.log(`built in ${Date.now() - started} ms`);
}
