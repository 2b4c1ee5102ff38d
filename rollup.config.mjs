// Browser bundles of @citybrain/components (the npm library itself is built by tsc), all in
// packages/components/dist/browser (served by the sandbox at /dist/):
//
// - citybrain.js       classic script for <script src>: registers every element and sets the
//                      `CityBrain` global (src/script-tag.ts). Built as AMD chunks run by our own
//                      small loader (classicChunks below): the large elements, the map engine
//                      (maplibre-gl itself, citybrain-maplibre-gl-*.js) and the English strings are
//                      citybrain-*.js chunks beside it, loaded on first use, each checked against the
//                      integrity hash the entry carries.
// - citybrain.mjs      ES module for import maps and <script type="module">, with lazy chunks
//                      citybrain-*.mjs beside it (the English strings, the map engine).
// - maplibre-gl.mjs    maplibre-gl's own ESM file, copied as is, with maplibre-gl-worker.mjs beside it.
//                      The ES-module build imports it lazily, only when a <cb-map-viewer> connects, so
//                      pages without a map never download it (an import map's integrity entry pins
//                      it). Both builds run the worker from beside their entry: `worker-src 'self'`.
// - sri.json           Subresource Integrity hashes of every file above (scripts/sri.mjs prints the
//                      snippets).
// - *.map              source maps.
//
// After the bundles, the React and Vue examples (examples/react, examples/vue) are built, so everything the
// sandbox serves exists after `rollup -c` (what `npm start` runs when the bundles are stale).
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import minifyHtmlLiterals from '@lit-labs/rollup-plugin-minify-html-literals';
import { build, transform } from 'esbuild';
import browserslist from 'browserslist';
import browserslistToEsbuild from 'browserslist-to-esbuild';
import { integrityOfContent, writeSri } from './scripts/sri.mjs';
import { buildReactExample, buildVueExample } from './scripts/build-examples.mjs';

const fromRoot = (path) => fileURLToPath(new URL(path, import.meta.url));
const require = createRequire(import.meta.url);

export const browserDir = fromRoot('./packages/components/dist/browser');
const maplibreDist = join(dirname(require.resolve('maplibre-gl/package.json')), 'dist');
/** maplibre-gl's files shipped beside the bundles: the library and its worker (each with a source map). */
export const maplibreFiles = ['maplibre-gl.mjs', 'maplibre-gl-worker.mjs'];

// Bundle the client from its TypeScript sources: one compilation, no dependency on a
// prior `npm run build -w @citybrain/client`, and the same code the tests run. Sources import
// each other as `./x.js` (what tsc emits); here that means the `./x.ts` beside the importer.
const workspaceSources = {
  name: 'citybrain-workspace-sources',
  resolveId(source, importer) {
    if (source === '@citybrain/client') return fromRoot('./packages/client/src/index.ts');
    if (source === '@citybrain/client/validators') return fromRoot('./packages/client/src/validators.ts');
    if (source === '@citybrain/validators') return fromRoot('./packages/validators/src/index.ts');
    if (source === 'url-parse') return fromRoot('./scripts/browser-shims/url-parse.mjs');
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
/**
 * The supported browsers (`browserslist` in package.json, README "Browser support"): every file we
 * ship is compiled down to them, dependencies included (see baselineSyntax), and `npm test` checks
 * the result with es-check (scripts/check-baseline.mjs).
 */
export const baselineTargets = browserslistToEsbuild(browserslist.loadConfig({ path: fromRoot('.') }));

const compilerOptions = JSON.parse(readFileSync(fromRoot('./tsconfig.base.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')).compilerOptions;
const typescriptSources = {
  name: 'citybrain-typescript',
  async transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    const result = await transform(code, {
      loader: 'ts',
      format: 'esm',
      target: baselineTargets,
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

// In the ES-module build, `import('maplibre-gl')` stays a dynamic import of the copied file,
// `./maplibre-gl.mjs` (output.paths below): every file sits in one directory, so the relative path
// holds, and an import map can pin it with an integrity entry. The script-tag build instead bundles
// maplibre into an AMD chunk of its own (`external: false`): the chunk loader fetches it as a
// <script> with the hash citybrain.js carries, so pinning citybrain.js pins the engine too, with no
// inline import map. maplibre (1.1 MB) is already minified upstream and is not re-minified.
const siblingMaplibre = ({ external = true } = {}) => ({
  name: 'citybrain-sibling-maplibre',
  resolveId(source) {
    return source === 'maplibre-gl' && external ? { id: 'maplibre-gl', external: true } : null;
  },
  // maplibre finds its worker beside `import.meta.url`; an AMD chunk has none (Rollup would ask the
  // loader for a `module` it does not offer), and the script tag sets the worker's URL itself.
  transform(code, id) {
    return !external && id.includes(join('node_modules', 'maplibre-gl')) ? { code: code.replaceAll('import.meta.url', '""'), map: null } : null;
  },
  // maplibre-gl 6 ships class static blocks (Safari 16.4+): lowered to the baseline here, re-minified
  // (≈ +1.5 % gzip), with esbuild chaining maplibre's own source maps.
  async writeBundle() {
    await build({
      entryPoints: maplibreFiles.map((file) => join(maplibreDist, file)),
      outdir: browserDir,
      outExtension: { '.js': '.mjs' },
      target: baselineTargets,
      minify: true,
      sourcemap: true,
      logLevel: 'warning',
    });
  },
});
const maplibrePath = { 'maplibre-gl': './maplibre-gl.mjs' };
const isMaplibreChunk = (chunk) => chunk.moduleIds.some((id) => id.includes(`${join('node_modules', 'maplibre-gl')}`));

/** Terser for our own code; maplibre's chunk is minified upstream already (and large). */
function minify(options) {
  const plugin = terser(options);
  return {
    ...plugin,
    renderChunk(code, chunk, outputOptions, meta) {
      return isMaplibreChunk(chunk) ? null : plugin.renderChunk.call(this, code, chunk, outputOptions, meta);
    },
  };
}

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
    await buildVueExample();
  },
};

/**
 * Lowers the syntax of whole chunks, dependencies included (lit, ky…, which are not compiled from
 * TypeScript), to the baseline: class static blocks, for one, need Safari 16.4.
 */
const baselineSyntax = {
  name: 'citybrain-baseline-syntax',
  async renderChunk(code, chunk) {
    // maplibre arrives minified; lowering it must not undo that (the script tag bundles it as a chunk).
    const result = await transform(code, { target: baselineTargets, sourcemap: true, sourcefile: chunk.fileName, minify: isMaplibreChunk(chunk) });
    return { code: result.code, map: result.map };
  },
};

/**
 * @param {{ module?: boolean }} [options] `module: false` for the classic-script bundle, so terser
 *   does not assume strict-mode module scope.
 */
export const browserPlugins = ({ module = true, externalMaplibre = true } = {}) => [
  workspaceSources,
  siblingMaplibre({ external: externalMaplibre }),
  nodeResolve({ browser: true }),
  minifyHtmlLiterals({ include: ['packages/components/src/**/*.ts'], failOnError: true }),
  typescriptSources,
  baselineSyntax,
  minify({ ecma: 2020, module, compress: { passes: 2 } }),
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

/**
 * The script-tag build is AMD chunks run by our own small loader (src/script-tag/chunk-loader.ts),
 * prepended to the entry together with the integrity hash of every chunk, so `citybrain.js`
 * loads the large elements and the map engine from sibling files on first use, each checked
 * against the hash the entry carries.
 */
const classicChunks = {
  name: 'citybrain-classic-chunks',
  async generateBundle(_options, bundle) {
    const chunks = Object.values(bundle).filter((item) => item.type === 'chunk');
    const integrity = Object.fromEntries(chunks.filter((chunk) => !chunk.isEntry).map((chunk) => [chunk.fileName, integrityOfContent(chunk.code)]));
    const { outputFiles } = await build({
      stdin: {
        // runningScript(), not document.currentScript: page markup can clobber the latter.
        contents: `import { installChunkLoader, runningScript } from './chunk-loader.ts';\ninstallChunkLoader().trust(runningScript()?.src || document.baseURI, ${JSON.stringify(integrity)});`,
        resolveDir: fromRoot('./packages/components/src/script-tag'),
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      minify: true,
      target: baselineTargets,
      write: false,
    });
    const loader = outputFiles[0].text.trim();
    for (const entry of chunks.filter((chunk) => chunk.isEntry)) {
      entry.code = `${loader}\n${entry.code}`;
      // The loader's lines come first: the entry's mappings start that many lines later.
      if (entry.map) entry.map.mappings = `${';'.repeat(loader.split('\n').length)}${entry.map.mappings}`;
    }
  },
};

export const browserScriptTag = {
  input: { citybrain: fromRoot('./packages/components/src/script-tag.ts') },
  plugins: [...browserPlugins({ module: false, externalMaplibre: false }), classicChunks, afterAll],
  // The lazy chunks import what they share with the entry from the entry itself.
  preserveEntrySignatures: 'allow-extension',
  output: {
    dir: browserDir,
    format: 'amd',
    amd: { define: 'citybrainDefine', forceJsExtensionForImports: true },
    entryFileNames: '[name].js',
    chunkFileNames: 'citybrain-[name]-[hash].js',
    // Helpers the lazy elements share (a few hundred bytes) go into the chunks that use them
    // rather than into chunks of their own: a request saved is worth more than the bytes. Kept
    // below the size of the smallest chunk split on purpose (tianditu.ts), which would otherwise
    // be merged back into the viewer.
    experimentalMinChunkSize: 1100,
    sourcemap: true,
  },
};

export default [browserEsm, browserScriptTag];
