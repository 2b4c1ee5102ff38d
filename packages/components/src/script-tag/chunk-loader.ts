/**
 * The module loader inside `citybrain.js`.
 *
 * A classic script cannot `import` its own chunks, and an IIFE cannot be split, so the
 * script-tag bundle is built as AMD chunks (Rollup's `amd` format, with `define` renamed to
 * `citybrainDefine` so it never meets a page's own RequireJS) and this loader, prepended to the
 * entry, runs them. It implements only what Rollup emits: `define(deps, factory)` where a
 * dependency is `'exports'`, `'require'` or the relative file name of another chunk.
 *
 * Why a loader of our own rather than loading the ES module build: `citybrain.js` stays a
 * synchronous classic script (the `CityBrain` global exists for the next script on the page),
 * and every chunk is fetched as a `<script>` carrying the Subresource Integrity hash that the
 * build baked into the entry, so a page that pins `citybrain.js` with `integrity` pins every
 * chunk it loads too. Under Trusted Types, chunk URLs go through a `citybrain-chunks` policy
 * that only accepts URLs this loader is itself loading.
 */

type ModuleExports = Record<string, unknown>;
type Factory = (...dependencies: unknown[]) => void;
type LocalRequire = (ids: string[], onLoad: (...modules: ModuleExports[]) => void, onError: (error: unknown) => void) => void;

export interface ChunkDefine {
  (dependencies: string[], factory: Factory): void;
  /** Records the Subresource Integrity hashes of the chunks beside `baseUrl`, by file name. */
  trust(baseUrl: string, integrityByFile: Record<string, string>): void;
}

/** The global through which chunks register; Rollup's `output.amd.define` names it. */
export const DEFINE_NAME = 'citybrainDefine';
export const TRUSTED_TYPES_POLICY = 'citybrain-chunks';

interface Settle {
  resolve(exports: ModuleExports): void;
  reject(error: unknown): void;
}

interface LoaderScope {
  [DEFINE_NAME]?: ChunkDefine;
  trustedTypes?: { createPolicy(name: string, rules: { createScriptURL(url: string): string }): { createScriptURL(url: string): unknown } };
}

/**
 * The classic script now running, read through `Document.prototype`'s own getter and checked to be
 * a `<script>`: `document.currentScript` itself can be clobbered by page content such as
 * `<img name="currentScript" src="https://elsewhere/">`, which would redirect chunk loading.
 */
export function runningScript(): HTMLScriptElement | null {
  const candidate = Object.getOwnPropertyDescriptor(Document.prototype, 'currentScript')?.get?.call(document);
  return candidate instanceof HTMLScriptElement ? candidate : null;
}

/** A module's identity: its URL without query or fragment (`citybrain.js?v=2` is `citybrain.js`). */
function moduleKey(url: string | URL): string {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}

/** Installs the loader once per page (a second copy of the bundle reuses the first loader) and returns it. */
export function installChunkLoader(scope: LoaderScope = globalThis as LoaderScope): ChunkDefine {
  const installed = scope[DEFINE_NAME];
  if (typeof installed === 'function') return installed;

  const modules = new Map<string, ModuleExports>();
  const loading = new Map<string, Promise<ModuleExports>>();
  const settlers = new Map<string, Settle>();
  const definedBy = new Set<string>();
  const requested = new Set<string>();
  const integrity = new Map<string, string>();
  /** The entry's URL as the build recorded it (`trust`): where chunks are when no script is running. */
  let entryUrl: string | undefined;
  let policy: { createScriptURL(url: string): unknown } | undefined;

  function fail(key: string, error: unknown): void {
    definedBy.delete(key);
    settlers.get(key)?.reject(error);
    settlers.delete(key);
  }

  function trustedUrl(key: string): string {
    if (scope.trustedTypes === undefined) return key;
    policy ??= scope.trustedTypes.createPolicy(TRUSTED_TYPES_POLICY, {
      createScriptURL(url) {
        if (!requested.has(url)) throw new TypeError(`${TRUSTED_TYPES_POLICY}: ${url} is not a chunk of citybrain.js`);
        return url;
      },
    });
    return policy.createScriptURL(key) as string;
  }

  function load(key: string, crossOrigin: string | null): Promise<ModuleExports> {
    const done = modules.get(key);
    if (done !== undefined) return Promise.resolve(done);
    let promise = loading.get(key);
    if (promise !== undefined) return promise;
    promise = new Promise<ModuleExports>((resolve, reject) => {
      settlers.set(key, { resolve, reject });
      const script = document.createElement('script');
      const hash = integrity.get(key);
      if (hash !== undefined) script.integrity = hash;
      if (crossOrigin !== null) script.crossOrigin = crossOrigin;
      script.addEventListener('error', () => {
        script.remove();
        fail(key, new Error(`citybrain.js could not load ${key}${hash === undefined ? '' : ' (network error or integrity mismatch)'}`));
      });
      script.addEventListener('load', () => {
        script.remove();
        if (!definedBy.has(key)) fail(key, new Error(`${key} is not a chunk of citybrain.js (it defined no module)`));
      });
      // Recorded before the URL is trusted: the policy accepts only URLs this loader requested.
      requested.add(key);
      try {
        script.src = trustedUrl(key);
      } catch (error) {
        fail(key, error);
        return;
      }
      document.head.append(script);
    });
    loading.set(key, promise);
    // A failed chunk may be fetched again later (a network blip must not disable an element for good).
    promise.catch(() => loading.delete(key));
    return promise;
  }

  const define = ((dependencies: string[], factory: Factory) => {
    const script = runningScript();
    const url = script?.src || entryUrl || document.baseURI;
    const key = moduleKey(url);
    // The same file run twice (the script tag pasted twice): its first run already did everything.
    if (definedBy.has(key) || modules.has(key)) return;
    definedBy.add(key);
    const crossOrigin = script?.crossOrigin ?? null;
    const exports: ModuleExports = {};
    const localRequire: LocalRequire = (ids, onLoad, onError) => {
      Promise.all(ids.map((id) => load(moduleKey(new URL(id, url)), crossOrigin))).then((loaded) => onLoad(...loaded), onError);
    };
    const values: unknown[] = [];
    const pending: Array<Promise<void>> = [];
    dependencies.forEach((dependency, index) => {
      if (dependency === 'exports') values[index] = exports;
      else if (dependency === 'require') values[index] = localRequire;
      else {
        const dependencyKey = moduleKey(new URL(dependency, url));
        const ready = modules.get(dependencyKey);
        if (ready !== undefined) values[index] = ready;
        else pending.push(load(dependencyKey, crossOrigin).then((loaded) => void (values[index] = loaded)));
      }
    });
    const run = () => {
      factory(...values);
      modules.set(key, exports);
      settlers.get(key)?.resolve(exports);
      settlers.delete(key);
    };
    // The entry's dependencies are all at hand: it runs synchronously, like the classic script it is.
    if (pending.length === 0) {
      try {
        run();
      } catch (error) {
        // A lazily loaded chunk reports to whoever awaits it; the entry's own failure stays loud.
        if (!settlers.has(key)) throw error;
        fail(key, error);
      }
    } else Promise.all(pending).then(run).catch((error: unknown) => fail(key, error));
  }) as ChunkDefine;

  define.trust = (baseUrl, integrityByFile) => {
    entryUrl ??= baseUrl;
    for (const [file, hash] of Object.entries(integrityByFile)) integrity.set(moduleKey(new URL(file, baseUrl)), hash);
  };
  scope[DEFINE_NAME] = define;
  return define;
}
