/**
 * The table benchmark's data: the data platform's `market-enterprises` dataset (市场主体登记信息,
 * 12 columns, Chinese names and addresses) from @citybrain/domain, generated once per size and
 * cached under bench/.cache. Sizes above the cached base (100,000 rows) are made in the page by
 * repeating the base rows with varied capital and staff numbers (see pages/harness.js).
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { findDataset, sampleDatasetRows } from '@citybrain/domain';
import { cacheRoot } from '../lib/build.mjs';

export const DATASET_ID = 'market-enterprises';
export const BASE_ROWS = 100_000;

/** The dataset's 12 columns as plain-mode columns (what a page author would pass as `.columns`). */
export function tableColumns() {
  const dataset = findDataset(DATASET_ID);
  return dataset.columns.map((c) => ({
    name: c.name,
    label: c.label,
    type: c.type,
    unit: c.unit ?? null,
    width: c.width,
    ...(c.options ? { options: c.options.map((o) => ({ value: o.value, label: o.label })) } : {}),
  }));
}

/** Path (under bench/.cache) of a JSON file with the first `n` rows (n ≤ BASE_ROWS). */
export function ensureTableData(n) {
  const rows = Math.min(n, BASE_ROWS);
  const name = `table-${rows}.json`;
  const file = `${cacheRoot}${name}`;
  if (!existsSync(file)) {
    mkdirSync(cacheRoot, { recursive: true });
    const data = sampleDatasetRows(DATASET_ID, { seed: 'nanhai-2026', size: 'full' }, rows);
    writeFileSync(`${file}.tmp`, JSON.stringify({ columns: tableColumns(), rows: data }));
    renameSync(`${file}.tmp`, file);
  }
  return name;
}
