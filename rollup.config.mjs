// Browser bundles of @citybrain/components (the npm library itself is built by tsc).
//
// - ESM: packages/components/dist/browser/citybrain.js with lazy chunks (the English
//   strings now; maplibre-gl once cb-map-viewer exists) under chunks/.
// The IIFE script-tag bundle is added by the shipping work on top of `browserEsm`.
import { fileURLToPath } from 'node:url';
import nodeResolve from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';

const fromRoot = (path) => fileURLToPath(new URL(path, import.meta.url));

// Bundle the client from its TypeScript sources: one compilation, no dependency on a
// prior `npm run build -w @citybrain/client`, and the same code the tests run.
const workspaceSources = {
  name: 'citybrain-workspace-sources',
  resolveId(source) {
    if (source === '@citybrain/client') return fromRoot('./packages/client/src/index.ts');
    return null;
  },
};

export const browserPlugins = () => [
  workspaceSources,
  nodeResolve({ browser: true }),
  typescript({ tsconfig: fromRoot('./tsconfig.rollup.json') }),
  terser({ ecma: 2022, module: true }),
];

export const browserEsm = {
  input: { citybrain: fromRoot('./packages/components/src/index.ts') },
  plugins: browserPlugins(),
  // Lets the entry chunk also export what the lazy chunks need (e.g. lit-localize's
  // \`str\` for the English strings) instead of moving everything into a shared chunk
  // behind a one-line facade: one request fewer for every page.
  preserveEntrySignatures: 'allow-extension',
  output: {
    dir: fromRoot('./packages/components/dist/browser'),
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    sourcemap: true,
  },
};

export default [browserEsm];
