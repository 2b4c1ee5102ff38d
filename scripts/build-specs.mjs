#!/usr/bin/env node
/**
 * `npm run build:specs`: the published contracts. Each service's spec in openapi/ is split across
 * files (`$ref` into common.yaml); many third-party generators cannot follow such references. Redocly
 * bundles every API of redocly.yaml into one self-contained document (shared parts land in its own
 * `components`), written as `dist/openapi/<service>.json` and `.yaml`. The sandbox serves them at
 * `/openapi/<service>.json|yaml`, with a reference page per service at `/openapi/`.
 *
 * Fails when a bundle still points outside itself, so no published file can break a generator.
 * `--if-stale` skips the work when every bundle is newer than every source file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

const root = new URL('..', import.meta.url).pathname;
export const sourceDir = join(root, 'openapi');
export const outDir = join(root, 'dist/openapi');

/** The API names of redocly.yaml (`apis:` keys): each one is a published service spec. */
export function serviceNames() {
  return Object.keys(parse(readFileSync(join(root, 'redocly.yaml'), 'utf8')).apis);
}

/** Every `$ref` in a document that does not point inside it. */
export function externalRefs(document) {
  const found = [];
  const visit = (value) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      if (typeof value.$ref === 'string' && !value.$ref.startsWith('#')) found.push(value.$ref);
      Object.values(value).forEach(visit);
    }
  };
  visit(document);
  return found;
}

function isStale(services) {
  const newestSource = Math.max(...readdirSync(sourceDir).map((f) => statSync(join(sourceDir, f)).mtimeMs), statSync(join(root, 'redocly.yaml')).mtimeMs);
  return services.some((name) => ['json', 'yaml'].some((ext) => {
    const file = join(outDir, `${name}.${ext}`);
    return !existsSync(file) || statSync(file).mtimeMs < newestSource;
  }));
}

export function buildSpecs({ ifStale = false } = {}) {
  const services = serviceNames();
  if (ifStale && !isStale(services)) return services;
  mkdirSync(outDir, { recursive: true });
  const bundle = spawnSync('npx', ['redocly', 'bundle', ...services, '--output', outDir, '--ext', 'json'], { cwd: root, encoding: 'utf8' });
  if (bundle.status !== 0) throw new Error(`redocly bundle failed:\n${bundle.stdout}${bundle.stderr}`);
  for (const name of services) {
    const document = JSON.parse(readFileSync(join(outDir, `${name}.json`), 'utf8'));
    const external = externalRefs(document);
    if (external.length) throw new Error(`${name}: the bundle still refers outside itself: ${[...new Set(external)].join(', ')}`);
    writeFileSync(join(outDir, `${name}.yaml`), stringify(document, { lineWidth: 0, aliasDuplicateObjects: false }));
  }
  return services;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  try {
    const services = buildSpecs({ ifStale: process.argv.includes('--if-stale') });
    console.log(`published specs: ${services.map((s) => `${s}.json|yaml`).join(', ')} in dist/openapi/`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
