import { defineElement } from '../shared/define-element.js';
import { warnOnce } from '../shared/warn-once.js';

/** Loads the module of an element and returns its class. */
export type ElementLoader = () => Promise<CustomElementConstructor>;

export interface FirstUseRegistry {
  /**
   * Loads every element found so far, those still waiting to near the viewport too; settles once
   * each is defined (or failed to load).
   */
  loadFound(): Promise<void>;
  /** Loads and defines `tagName` now; for elements a page creates inside its own shadow roots. */
  load(tagName: string): Promise<void>;
}

/**
 * Defines elements when the first one appears in the document, the way Shoelace's and Web
 * Awesome's autoloaders do: the script tag then carries only what every page needs, and a page
 * with a table never downloads the approval timeline.
 *
 * An element loads when it comes within a viewport's height of the viewport, as the browser's
 * `loading="lazy"` images do: a lookup form at the foot of a town page no longer competes with the
 * page's first paint. It is then defined a screen before the reader gets there, so its first
 * render shifts nothing they see. One hidden (`display: none`) loads when it is shown.
 *
 * Elements already in the document are found at once; later ones through a MutationObserver on
 * the document (which sees the light DOM, including what frameworks render). Elements created
 * inside another component's shadow root are not observed: call `load(tagName)` for those.
 * Until its class arrives an element is an undefined custom element; properties a framework set
 * on it meanwhile are applied when it upgrades (Lit keeps them).
 */
export function defineOnFirstUse(loaders: Record<string, ElementLoader>, root: Document = document): FirstUseRegistry {
  const unused = new Map(Object.entries(loaders));
  const loads = new Map<string, Promise<void>>();
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node instanceof Element) discover(node);
    }
  });
  const approaching = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) if (entry.isIntersecting) void load(entry.target.localName);
    },
    { rootMargin: '100% 0px' },
  );

  function load(tagName: string): Promise<void> {
    const started = loads.get(tagName);
    if (started !== undefined) return started;
    const loader = unused.get(tagName);
    if (loader === undefined) return Promise.resolve();
    unused.delete(tagName);
    if (unused.size === 0) observer.disconnect();
    for (const element of root.querySelectorAll(tagName)) approaching.unobserve(element);
    const loaded = loader().then(
      (constructor) => void defineElement(tagName, constructor),
      (error: unknown) => {
        warnOnce(`load:${tagName}`, `<${tagName}> could not be loaded (${String(error)}); it is tried again when another <${tagName}> is added.`);
        loads.delete(tagName);
        if (unused.size === 0) watch();
        unused.set(tagName, loader);
      },
    );
    loads.set(tagName, loaded);
    return loaded;
  }

  function discover(node: Element | Document): void {
    if (unused.size === 0) return;
    const selector = [...unused.keys()].join(',');
    if (node instanceof Element && node.matches(selector)) approaching.observe(node);
    for (const element of node.querySelectorAll(selector)) approaching.observe(element);
  }

  function watch(): void {
    observer.observe(root, { childList: true, subtree: true });
  }

  watch();
  discover(root);
  return {
    loadFound() {
      if (unused.size > 0) for (const element of root.querySelectorAll([...unused.keys()].join(','))) void load(element.localName);
      return Promise.all(loads.values()).then(() => undefined);
    },
    load,
  };
}
