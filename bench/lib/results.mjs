/** Writes a suite's results as JSON under bench/results/ (gitignored): a dated file and `<suite>-latest.json`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const resultsRoot = fileURLToPath(new URL('../results/', import.meta.url));

export function writeResults(suite, data, dir = resultsRoot) {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const body = JSON.stringify(data, null, 2);
  const file = `${dir}${suite}-${stamp}.json`;
  writeFileSync(file, body);
  writeFileSync(`${dir}${suite}-latest.json`, body);
  return file;
}
