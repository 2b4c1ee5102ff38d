import { LitElement, type CSSResultGroup } from 'lit';
import { property } from 'lit/decorators.js';
import { updateWhenLocaleChanges } from '@lit/localize';
import type { CityBrainEventName, CityBrainEventDetail } from './events.js';
import { baseStyles } from './theme.js';
import { warnOnceFor } from './warn-once.js';
// Imported for its side effect: configures lit-localize before any element renders.
import './localization.js';

export interface EmitOptions {
  /** Whether a listener may call `preventDefault()` to stop the default action. */
  cancelable?: boolean;
}

/**
 * The base of every `cb-*` element: theme tokens, the elderly display mode,
 * re-rendering on locale changes, typed `cb-*` events and warn-once diagnostics.
 *
 * @cssprop --cb-scale - Multiplier for font sizes, spacing and targets (1; 1.3 in elderly mode).
 * @cssprop --cb-font-family - Font stack.
 * @cssprop --cb-font-size-s - Secondary text size (12px).
 * @cssprop --cb-font-size-m - Body text size (14px).
 * @cssprop --cb-font-size-l - Emphasised text size (16px).
 * @cssprop --cb-font-size-xl - Title size (20px).
 * @cssprop --cb-line-height - Body line height (1.5).
 * @cssprop --cb-space-xs - Smallest gap (4px).
 * @cssprop --cb-space-s - Small gap (8px).
 * @cssprop --cb-space-m - Default gap and padding (12px).
 * @cssprop --cb-space-l - Large gap (16px).
 * @cssprop --cb-space-xl - Section gap (24px).
 * @cssprop --cb-target-size - Minimum size of interactive targets (32px).
 * @cssprop --cb-radius - Corner radius (4px).
 * @cssprop --cb-color-primary - Links, primary buttons, selection (#1a5fb4).
 * @cssprop --cb-color-on-primary - Text on the primary colour (#ffffff).
 * @cssprop --cb-color-text - Body text (#1f2329).
 * @cssprop --cb-color-text-muted - Secondary text (#4e5969).
 * @cssprop --cb-color-surface - Background (#ffffff).
 * @cssprop --cb-color-surface-muted - Headers, stripes, hover (#f2f3f5).
 * @cssprop --cb-color-border - Control borders (#86909c).
 * @cssprop --cb-color-divider - Decorative separators (#e5e6eb).
 * @cssprop --cb-color-success - Completed, approved (#1d7a3a).
 * @cssprop --cb-color-warning - Due soon, returned (#8f5200).
 * @cssprop --cb-color-danger - Errors, overdue, rejected (#c4262e).
 * @cssprop --cb-focus-ring-color - Keyboard focus outline colour (#1a5fb4).
 * @cssprop --cb-focus-ring-width - Keyboard focus outline width (2px; 3px in elderly mode).
 * @cssprop --cb-focus-ring-offset - Gap between an element and its focus outline (2px).
 * @cssprop --cb-transition-duration - Length of state transitions (150ms; 0s under reduced motion).
 */
export class CityBrainElement extends LitElement {
  static override styles: CSSResultGroup = baseStyles;

  /**
   * Elderly-friendly (适老化) display: larger text and targets, stronger contrast.
   * Also inherited from an `elderly` `<cb-provider>` around the element.
   */
  @property({ type: Boolean, reflect: true }) elderly = false;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  /**
   * Dispatches a `cb-*` event that bubbles and crosses shadow roots, so a page can
   * listen on any ancestor, including one outside a framework component's shadow
   * root. Returns false when a listener called `preventDefault()` on a cancelable event.
   *
   * @internal for element authors, not page authors
   */
  emit<K extends CityBrainEventName>(name: K, detail: CityBrainEventDetail<K>, options: EmitOptions = {}): boolean {
    const event = new CustomEvent<CityBrainEventDetail<K>>(name, {
      detail,
      bubbles: true,
      composed: true,
      cancelable: options.cancelable ?? false,
    });
    return this.dispatchEvent(event);
  }

  /**
   * Warns page authors about a problem once per element class and `key`, e.g. a bad
   * attribute. Elements warn instead of throwing: a wrong attribute must never break
   * the rest of the page.
   *
   * @internal for element authors, not page authors
   */
  warnOnce(key: string, message: string): void {
    warnOnceFor(this.constructor, key, `<${this.localName}> ${message}`);
  }
}
