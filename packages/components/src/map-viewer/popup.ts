/**
 * Contents of the map popups, as Lit templates rendered into a detached element that
 * maplibre then places with `setDOMContent` — never an HTML string: attribute values from
 * the server (hostile or not) only ever become text nodes. Loaded with the first click, with
 * click-queries.ts (which also brings the popups' styles) and the field formatting it needs.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import type { IdentifyResult, ZoneCheckResult } from '@citybrain/client';
import { formatArea, formatDate } from '../shared/format.js';
import { getLocale } from '../shared/localization.js';
import { fieldLabel, fieldValue, isShownField } from './fields.js';
import { layerTitle, swatch } from './layer-labels.js';
import type { CatalogueLayer, IdentifiedFeature } from './types.js';

/** At most this many features are listed in one popup. */
const MAX_FEATURES = 4;
const MAX_FIELDS = 12;

export interface IdentifyPopupContext {
  features: IdentifiedFeature[];
  masking: IdentifyResult['masking'];
  layers: ReadonlyMap<string, CatalogueLayer>;
  fieldDescriptions: (layerId: string) => Record<string, string> | undefined;
}

function featureRows(feature: IdentifiedFeature, context: IdentifyPopupContext): TemplateResult[] {
  const layer = context.layers.get(feature.layerId);
  const masked = new Set(context.masking?.fields ?? []);
  const descriptions = context.fieldDescriptions(feature.layerId);
  // What identifies the feature first, then its class in the legend, then the rest as sent.
  const first = ['name', 'parkName', 'parcelNo', 'code', layer?.legend.property ?? ''];
  const rank = (key: string) => (first.includes(key) ? first.indexOf(key) : first.length);
  const entries = Object.entries(feature.properties).sort(([a], [b]) => rank(a) - rank(b));
  // `id` repeats the code of boundaries (编号 = 编码): shown only when it says something new.
  const redundantId = (key: string, value: unknown) => key === 'id' && entries.some(([other, otherValue]) => other !== 'id' && otherValue === value);
  return entries
    .filter(([key, value]) => isShownField(key) && !redundantId(key, value))
    .slice(0, MAX_FIELDS)
    .map(([key, value]) => {
      const isMasked = masked.has(key);
      const hidden = isMasked && (value === null || value === undefined);
      return html`<div class="popup__row">
        <dt>${fieldLabel(key, descriptions)}</dt>
        <dd>
          ${hidden ? msg('无权查看', { id: 'map.popup.hidden' }) : fieldValue(key, value, layer)}
          ${isMasked && !hidden ? html`<span class="badge badge--masked">${msg('已脱敏', { id: 'map.popup.masked' })}</span>` : nothing}
        </dd>
      </div>`;
    });
}

/** The identify popup: the features found at the clicked point, topmost layer first. */
export function identifyPopup(context: IdentifyPopupContext, headingId: string): TemplateResult {
  const shown = context.features.slice(0, MAX_FEATURES);
  const more = context.features.length - shown.length;
  return html`<section class="popup" aria-labelledby=${headingId}>
    <h2 class="popup__title" id=${headingId}>${msg('查询结果', { id: 'map.popup.identify-title' })}</h2>
    ${shown.map((feature) => {
      const layer = context.layers.get(feature.layerId);
      return html`<article class="popup__feature">
        <h3 class="popup__layer">${layerTitle(layer, feature.layerTitle)}</h3>
        <dl class="popup__fields">${featureRows(feature, context)}</dl>
      </article>`;
    })}
    ${more > 0 ? html`<p class="popup__more">${msg(str`另有 ${more} 个要素`, { id: 'map.popup.more' })}</p>` : nothing}
    ${context.masking?.masked
      ? html`<p class="popup__note">${msg('部分个人信息已按您的权限脱敏。', { id: 'map.popup.masking-note' })}</p>`
      : nothing}
  </section>`;
}

/** A one-line summary of identified features for the live region. */
export function identifySummary(context: IdentifyPopupContext): string {
  const [first] = context.features;
  if (!first) return msg('此处没有要素。', { id: 'map.identify.none' });
  const layer = context.layers.get(first.layerId);
  const name = first.properties.name ?? first.properties.parcelNo ?? first.featureId ?? '';
  const title = layerTitle(layer, first.layerTitle);
  return msg(str`查询到 ${context.features.length} 个要素：${title} ${String(name)}`, { id: 'map.identify.summary' });
}

export type ZoneResult = ZoneCheckResult['result'];

export function zoneCheckPopup(check: ZoneCheckResult, color: string, headingId: string): TemplateResult {
  const en = getLocale() === 'en';
  const rule = check.decisiveZone;
  const place = [check.town?.name, check.village?.name].filter(Boolean).join(' · ');
  return html`<section class="popup popup--zone" aria-labelledby=${headingId}>
    <h2 class="popup__title" id=${headingId}>
      ${swatch(color)} <span class="zone-result zone-result--${check.result}">${en ? check.label.en : check.label.zh}</span>
    </h2>
    <p class="popup__text">${en ? check.explanation.en : check.explanation.zh}</p>
    <dl class="popup__fields">
      ${place ? html`<div class="popup__row"><dt>${msg('位置', { id: 'map.zone.place' })}</dt><dd>${place}</dd></div>` : nothing}
      ${rule
        ? html`
            <div class="popup__row"><dt>${msg('适用规则', { id: 'map.zone.rule' })}</dt><dd>${rule.sourceLayer}</dd></div>
            <div class="popup__row"><dt>${msg('依据', { id: 'map.field.legal-basis' })}</dt><dd>${rule.legalBasis}</dd></div>
            <div class="popup__row"><dt>${msg('主管部门', { id: 'map.zone.department' })}</dt><dd>${rule.sourceDept}</dd></div>
            ${rule.effectiveDate
              ? html`<div class="popup__row"><dt>${msg('生效日期', { id: 'map.zone.effective' })}</dt><dd>${formatDate(rule.effectiveDate)}</dd></div>`
              : nothing}
            ${typeof rule.areaSqm === 'number'
              ? html`<div class="popup__row"><dt>${msg('面积', { id: 'map.field.area' })}</dt><dd>${formatArea(rule.areaSqm, { unit: 'both' })}</dd></div>`
              : nothing}
          `
        : html`<div class="popup__row"><dt>${msg('适用规则', { id: 'map.zone.rule' })}</dt><dd>${msg('未落入任何管控分区', { id: 'map.zone.no-zone' })}</dd></div>`}
    </dl>
    <p class="popup__note">${msg('结果仅供参考，以镇街实地踏勘为准。', { id: 'map.zone.disclaimer' })}</p>
  </section>`;
}

export function zoneCheckSummary(check: ZoneCheckResult): string {
  const label = getLocale() === 'en' ? check.label.en : check.label.zh;
  return msg(str`管控分区查询：${label}`, { id: 'map.zone.summary' });
}

/** A popup with one message (no result, failure). */
export function messagePopup(text: string, headingId: string): TemplateResult {
  return html`<section class="popup" aria-labelledby=${headingId}><p class="popup__text" id=${headingId}>${text}</p></section>`;
}
