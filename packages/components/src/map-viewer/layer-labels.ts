/**
 * How a catalogue layer is named and its legend colours drawn, in the layer list, the legend and
 * the identify popup alike (the popup's module loads on the first click; these stay with the viewer).
 */
import { html, svg, type TemplateResult } from 'lit';
import { getLocale } from '../shared/localization.js';
import { safeColor } from './config.js';
import type { CatalogueLayer } from './types.js';

export function layerTitle(layer: Pick<CatalogueLayer, 'title' | 'titleEn'> | undefined, fallback: string): string {
  if (!layer) return fallback;
  return getLocale() === 'en' && layer.titleEn ? layer.titleEn : layer.title;
}

export function swatch(color: string): TemplateResult {
  // A presentation attribute, not a style attribute: allowed under a strict CSP.
  return html`<svg class="swatch" viewBox="0 0 12 12" aria-hidden="true" focusable="false">${svg`<rect x="0.5" y="0.5" width="11" height="11" rx="2" fill=${safeColor(color)}></rect>`}</svg>`;
}
