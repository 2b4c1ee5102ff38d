import type { ReactiveControllerHost } from 'lit';

/**
 * A field of a controller (or of a part it loads later) that re-renders the element when set:
 * the controller's `@state`. Field initialisers run after a `host` parameter property is
 * assigned; before that, setting only stores the value.
 */
export function hostState(prototype: object, key: string): void {
  const slot = Symbol(key);
  Object.defineProperty(prototype, key, {
    get(this: { [slot]?: unknown }) {
      return this[slot];
    },
    set(this: { [slot]?: unknown; host?: ReactiveControllerHost }, value: unknown) {
      this[slot] = value;
      this.host?.requestUpdate();
    },
    configurable: true,
  });
}
