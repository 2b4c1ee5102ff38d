// Browser bundles of @citybrain/components (the npm library itself is built by tsc), all in
// packages/components/dist/browser (served by the sandbox at /dist/):
//
// - citybrain.js       classic script (IIFE) for <script src>: registers every element and sets the
//                      `CityBrain` global (src/script-tag.ts); no chunks (IIFE cannot code-split).
// - citybrain.mjs      ES module for import maps and <script type="module">, with lazy chunks
//                      citybrain-*.mjs beside it (the English strings, the map engine).
// - maplibre-gl.mjs    maplibre-gl's own ESM file, copied as is, with maplibre-gl-worker.mjs beside it.
//                      Both bundles import it lazily, only when a <cb-map-viewer> connects, so pages
//                      without a map never download it. maplibre builds its worker URL from its own
//                      import.meta.url, so the worker must sit next to this file: then it runs under
//                      `worker-src 'self'`.
// - sri.json           Subresource Integrity hashes of every file above (scripts/sri.mjs prints the
//                      snippets).
// - *.map              source maps.
//
// After the bundles, the React example (examples/react) is built with esbuild, so everything the
// sandbox serves exists after `rollup -c` (what `npm start` runs when the bundles are stale).
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { transform } from 'esbuild';
import { writeSri } from './scripts/sri.mjs';
import { buildReactExample } from './scripts/build-examples.mjs';

const fromRoot = (path) => fileURLToPath(new URL(path, import.meta.url));
const require = createRequire(import.meta.url);

export const browserDir = fromRoot('./packages/components/dist/browser');
const maplibreDist = join(dirname(require.resolve('maplibre-gl/package.json')), 'dist');
/** maplibre-gl's files shipped beside the bundles: the library, its worker and their source maps. */
export const maplibreFiles = ['maplibre-gl.mjs', 'maplibre-gl-worker.mjs', 'maplibre-gl.mjs.map', 'maplibre-gl-worker.mjs.map'];

// Bundle the client from its TypeScript sources: one compilation, no dependency on a
// prior `npm run build -w @citybrain/client`, and the same code the tests run. Sources import
// each other as `./x.js` (what tsc emits); here that means the `./x.ts` beside the importer.
const workspaceSources = {
  name: 'citybrain-workspace-sources',
  resolveId(source, importer) {
    if (source === '@citybrain/client') return fromRoot('./packages/client/src/index.ts');
    if (importer?.endsWith('.ts') && source.startsWith('.') && source.endsWith('.js')) {
      const candidate = join(dirname(importer), `${source.slice(0, -3)}.ts`);
      if (existsSync(candidate)) return candidate;
    }
    return null;
  },
};

// TypeScript to JavaScript with esbuild, as web-test-runner and Storybook do, so the bundles run
// the code the browser tests ran. Types are checked by `npm test` (tsc), not on every build:
// type-checking both bundles through @rollup/plugin-typescript took ~25 s of a ~32 s build.
// (tsconfig files may carry whole-line // comments, which JSON.parse refuses.)
const compilerOptions = JSON.parse(readFileSync(fromRoot('./tsconfig.base.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')).compilerOptions;
const typescriptSources = {
  name: 'citybrain-typescript',
  async transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    const result = await transform(code, {
      loader: 'ts',
      format: 'esm',
      target: 'es2022',
      sourcemap: true,
      sourcefile: id,
      // Lit's decorators need the legacy (experimental) semantics and no define-semantics fields.
      tsconfigRaw: {
        compilerOptions: {
          experimentalDecorators: compilerOptions.experimentalDecorators,
          useDefineForClassFields: compilerOptions.useDefineForClassFields,
          verbatimModuleSyntax: compilerOptions.verbatimModuleSyntax,
        },
      },
    });
    return { code: result.code, map: result.map };
  },
};

// `import('maplibre-gl')` stays a dynamic import of the copied file, `./maplibre-gl.mjs`
// (output.paths below), from the IIFE and from the ESM chunks alike: every file of both bundles
// sits in one directory, so the relative path holds everywhere, and a classic script's dynamic
// import() resolves against the script's own URL. One copy serves both bundles, and maplibre
// (1.1 MB, already minified upstream) is not re-minified.
const siblingMaplibre = {
  name: 'citybrain-sibling-maplibre',
  resolveId(source) {
    if (source === 'maplibre-gl') return { id: 'maplibre-gl', external: true };
    return null;
  },
  writeBundle() {
    for (const file of maplibreFiles) copyFileSync(join(maplibreDist, file), join(browserDir, file));
  },
};
const maplibrePath = { 'maplibre-gl': './maplibre-gl.mjs' };

/** Empties the output directory once, so files of older builds (stale chunk hashes) never ship. */
const cleanOutput = {
  name: 'citybrain-clean-output',
  buildStart() {
    rmSync(browserDir, { recursive: true, force: true });
    mkdirSync(browserDir, { recursive: true });
  },
};

/** Runs after the last bundle: hashes every shipped file, then builds the React example. */
const afterAll = {
  name: 'citybrain-after-all',
  async writeBundle() {
    writeSri(browserDir);
    await buildReactExample();
  },
};

/**
 * @param {{ module?: boolean }} [options] `module: false` for the classic-script bundle, so terser
 *   does not assume strict-mode module scope.
 */
export const browserPlugins = ({ module = true } = {}) => [
  workspaceSources,
  siblingMaplibre,
  nodeResolve({ browser: true }),
  typescriptSources,
  terser({ ecma: 2022, module }),
];

export const browserEsm = {
  input: { citybrain: fromRoot('./packages/components/src/index.ts') },
  plugins: [cleanOutput, ...browserPlugins()],
  // Lets the entry chunk also export what the lazy chunks need (e.g. lit-localize's
  // `str` for the English strings) instead of moving everything into a shared chunk
  // behind a one-line facade: one request fewer for every page.
  preserveEntrySignatures: 'allow-extension',
  output: {
    dir: browserDir,
    format: 'es',
    entryFileNames: '[name].mjs',
    // Flat, beside the entry and maplibre-gl.mjs (see siblingMaplibre).
    chunkFileNames: 'citybrain-[name]-[hash].mjs',
    paths: maplibrePath,
    sourcemap: true,
  },
};

export const browserIife = {
  input: fromRoot('./packages/components/src/script-tag.ts'),
  plugins: [...browserPlugins({ module: false }), afterAll],
  output: {
    file: join(browserDir, 'citybrain.js'),
    format: 'iife',
    // IIFE cannot code-split: the map engine and the English strings are inlined; only
    // maplibre-gl stays a separate file (external above), so pages without a map stay small.
    inlineDynamicImports: true,
    paths: maplibrePath,
    sourcemap: true,
  },
};

export default [browserEsm, browserIife];
