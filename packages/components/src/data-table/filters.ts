/**
 * The filter panel of `<cb-data-table>`: one control per filterable column, chosen by the column's
 * type and operators (ranges for numbers and dates, checkboxes or a select for enums and booleans,
 * a town → village picker for region codes, a search box for text), and the form read back into
 * filter items of the data API's syntax.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { joinFilterList, splitFilterList } from '@citybrain/client';
import { filterItem, kindOf, labelText, parseFilter, type Column, type Filter } from './model.js';
import type { RegionOption } from './format-cell.js';

/** The towns of the dataset's region scope and the villages of each town, loaded as the picker needs them. */
export class RegionChoices {
  towns: RegionOption[] = [];
  private readonly villagesOf = new Map<string, RegionOption[]>();

  constructor(
    private readonly load: (parent: string) => Promise<RegionOption[]>,
    private readonly changed: () => void,
  ) {}

  async loadTowns(scope: string): Promise<void> {
    if (this.towns.length) return;
    this.towns = await this.load(scope);
    this.changed();
  }

  villages(town: string): RegionOption[] {
    return this.villagesOf.get(town) ?? [];
  }

  async loadVillages(town: string): Promise<void> {
    if (!town || this.villagesOf.has(town)) return;
    this.villagesOf.set(town, []);
    this.villagesOf.set(town, await this.load(town));
    this.changed();
  }
}

export interface FilterPanelView {
  /** Filterable columns, in the table's order. */
  columns: Column[];
  /** The current filter items. */
  filter: string[];
  english: boolean;
  /** Absent while the region names are unknown (the region picker then falls back to a search box). */
  regions: RegionChoices | undefined;
  label: (column: Column) => string;
  onInput: () => void;
  onClear: () => void;
}

export function renderFilterPanel(view: FilterPanelView): TemplateResult {
  const current = new Map<string, string>();
  for (const filter of view.filter.map(parseFilter)) if (filter) current.set(`${filter.name}:${filter.op}`, filter.value);
  return html`<form class="panel" part="filters" @input=${view.onInput} @change=${view.onInput} @submit=${(e: Event) => e.preventDefault()}>
    ${view.columns.map((column) => renderFilter(view, column, current))}
    ${view.filter.length ? html`<button type="button" @click=${view.onClear}>${msg('清除筛选', { id: 'data-table.clear-filters' })}</button>` : nothing}
  </form>`;
}

function renderFilter(view: FilterPanelView, column: Column, current: Map<string, string>): TemplateResult {
  const label = view.label(column);
  const has = (op: Filter['op']) => column.ops.includes(op);
  const value = (op: string) => current.get(`${column.name}:${op}`) ?? '';
  const kind = kindOf(column.type);
  const input = (op: string, type: string, ariaLabel: string) => {
    const text = value(op);
    return html`<input
      type=${type}
      data-n=${column.name}
      data-op=${op}
      aria-label=${ariaLabel}
      .value=${column.type === 'datetime' ? text.slice(0, 10) : text}
    />`;
  };
  if ((kind === 'num' || kind === 'date') && has('gte') && has('lte')) {
    const type = kind === 'num' ? 'number' : column.type === 'year-month' ? 'month' : 'date';
    return html`<fieldset>
      <legend>${label}</legend>
      ${input('gte', type, msg(str`${label} 最小值`, { id: 'data-table.min' }))} –
      ${input('lte', type, msg(str`${label} 最大值`, { id: 'data-table.max' }))}
    </fieldset>`;
  }
  if ((kind === 'enum' && column.options.size) || kind === 'bool') {
    const options: [string, string][] =
      kind === 'bool'
        ? [
            ['true', msg('是', { id: 'data-table.yes' })],
            ['false', msg('否', { id: 'data-table.no' })],
          ]
        : [...column.options].map(([code, optionLabel]) => [code, labelText(optionLabel, view.english)]);
    if (has('in')) {
      const chosen = new Set(splitFilterList(value('in')));
      return html`<fieldset>
        <legend>${label}</legend>
        ${options.map(
          ([code, text]) =>
            html`<label class="opt"><input type="checkbox" data-n=${column.name} data-op="in" value=${code} .checked=${chosen.has(code)} />${text}</label>`,
        )}
      </fieldset>`;
    }
    return html`<label class="f"
      >${label}<select data-n=${column.name} data-op="eq" .value=${value('eq')}>
        <option value="">${msg('全部', { id: 'data-table.any' })}</option>
        ${options.map(([code, text]) => html`<option value=${code} ?selected=${value('eq') === code}>${text}</option>`)}
      </select></label
    >`;
  }
  const regions = view.regions;
  if (kind === 'region' && regions?.towns.length) {
    const village = value('eq');
    const town = village.slice(0, 9) || value('prefix');
    if (town) void regions.loadVillages(town);
    return html`<fieldset>
      <legend>${label}</legend>
      <select
        data-n=${column.name}
        data-op="prefix"
        aria-label=${msg(str`${label}：镇街`, { id: 'data-table.town' })}
        @change=${(e: Event) => {
          const townSelect = e.target as HTMLSelectElement;
          const villageSelect = townSelect.form?.querySelector<HTMLSelectElement>(`select[data-op="eq"][data-n="${column.name}"]`);
          if (villageSelect) villageSelect.value = '';
          void regions.loadVillages(townSelect.value);
        }}
      >
        <option value="">${msg('全部', { id: 'data-table.any' })}</option>
        ${regions.towns.map((t) => html`<option value=${t.code} ?selected=${t.code === town}>${t.name}</option>`)}
      </select>
      ${town && has('eq')
        ? html`<select data-n=${column.name} data-op="eq" aria-label=${msg(str`${label}：村居`, { id: 'data-table.village' })}>
            <option value="">${msg('全部', { id: 'data-table.any' })}</option>
            ${regions.villages(town).map((v) => html`<option value=${v.code} ?selected=${v.code === village}>${v.name}</option>`)}
          </select>`
        : nothing}
    </fieldset>`;
  }
  const op = (['like', 'prefix', 'eq'] as const).find(has) ?? column.ops[0]!;
  return html`<label class="f">${label}${input(op, 'search', label)}</label>`;
}

/**
 * The filter items the panel's controls say, in the data API's syntax: `in` lists joined, datetime
 * bounds widened to whole days in Beijing time, a region's town left out when a village of it is chosen.
 */
export function readFilterForm(form: HTMLFormElement, columns: ReadonlyMap<string, Column>): string[] {
  const values = new Map<string, string[]>();
  for (const control of form.querySelectorAll<HTMLInputElement>('[data-n]')) {
    const { n: name, op } = control.dataset;
    let value = control.value.trim();
    if (!value || (control.type === 'checkbox' && !control.checked)) continue;
    if (columns.get(name!)?.type === 'datetime') value += op === 'lte' ? 'T23:59:59+08:00' : 'T00:00:00+08:00';
    const key = `${name}:${op}`;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  const filter: string[] = [];
  for (const [key, list] of values) {
    const [name, op] = key.split(':') as [string, Filter['op']];
    // A village chosen in the region picker is more precise than its town.
    if (op === 'prefix' && values.has(`${name}:eq`) && columns.get(name)?.type === 'region-code') continue;
    filter.push(filterItem({ name, op, value: op === 'in' || op === 'nin' ? joinFilterList(list) : list[0]! }));
  }
  return filter;
}
