/**
 * The `cb-*` events of the library and their `detail` types.
 *
 * An element that adds events declares them by augmenting this interface in its own
 * module, so `emit()` checks names and details at compile time and page scripts get
 * typed `addEventListener('cb-…', e => e.detail)`:
 *
 * ```ts
 * declare global {
 *   interface CityBrainEventMap {
 *     'cb-row-click': { row: DataRow; index: number };
 *   }
 * }
 * ```
 */
declare global {
  interface CityBrainEventMap {
    /** A request or configuration problem that the element shows as its error state. */
    'cb-error': CityBrainErrorDetail;
  }

  /** Every `cb-*` event as the `CustomEvent` that listeners receive. */
  type CityBrainCustomEventMap = {
    [K in keyof CityBrainEventMap]: CustomEvent<CityBrainEventMap[K]>;
  };

  // Makes `addEventListener('cb-error', e => e.detail.message)` typed on elements, and on
  // the document and window, which the composed, bubbling events reach too.
  interface HTMLElementEventMap extends CityBrainCustomEventMap {}
  interface DocumentEventMap extends CityBrainCustomEventMap {}
  interface WindowEventMap extends CityBrainCustomEventMap {}
}

/** `detail` of `cb-error`. */
export interface CityBrainErrorDetail {
  /** What failed: the client's typed error, or an `Error` describing a bad attribute. */
  error: unknown;
  /** A short localized explanation, the same text the error state shows. */
  message: string;
}

export type CityBrainEventName = keyof CityBrainEventMap;
export type CityBrainEventDetail<K extends CityBrainEventName> = CityBrainEventMap[K];
