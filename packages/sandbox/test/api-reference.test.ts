import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startTestSandbox, type TestSandbox } from './harness.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const SERVICES = ['approvals', 'common', 'data', 'gis', 'workorders'];

/** Every `$ref` of a document that points outside it. */
function externalRefs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(externalRefs);
  if (!value || typeof value !== 'object') return [];
  const ref = (value as { $ref?: unknown }).$ref;
  return [...(typeof ref === 'string' && !ref.startsWith('#') ? [ref] : []), ...Object.values(value).flatMap(externalRefs)];
}

describe('published contracts under /openapi/', () => {
  let sandbox: TestSandbox;
  before(async () => {
    const build = spawnSync(process.execPath, ['scripts/build-specs.mjs', '--if-stale'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    sandbox = await startTestSandbox({ repoRoot });
  });
  after(() => sandbox.close());

  it('lists every service with its reference page and its JSON and YAML bundle', async () => {
    const response = await fetch(`${sandbox.url}/openapi/`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const html = await response.text();
    for (const name of SERVICES) {
      for (const href of [`/openapi/${name}/`, `/openapi/${name}.json`, `/openapi/${name}.yaml`]) assert.ok(html.includes(`href="${href}"`), href);
    }
  });

  it('serves each service as one self-contained document, the same in JSON and YAML, to any origin', async () => {
    for (const name of SERVICES) {
      const json = await fetch(`${sandbox.url}/openapi/${name}.json`, { headers: { origin: 'https://editor.example.org' } });
      assert.equal(json.status, 200, name);
      assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(json.headers.get('access-control-allow-origin'), '*');
      const document = (await json.json()) as { openapi: string; paths: Record<string, unknown> };
      assert.equal(document.openapi, '3.1.0');
      assert.ok(Object.keys(document.paths).length > 0, name);
      assert.deepEqual(externalRefs(document), [], `${name}.json has no external $ref`);

      const yaml = await fetch(`${sandbox.url}/openapi/${name}.yaml`);
      assert.match(yaml.headers.get('content-type') ?? '', /^application\/yaml/);
      assert.deepEqual(parse(await yaml.text()), document, `${name}.yaml is ${name}.json`);
    }
  });

  it('renders a reference page per service from same-origin files, under the strict policy without Trusted Types', async () => {
    const response = await fetch(`${sandbox.url}/openapi/gis/`);
    assert.equal(response.status, 200);
    const policy = response.headers.get('content-security-policy') ?? '';
    assert.match(policy, /script-src 'self';.*style-src 'self';/);
    assert.doesNotMatch(policy, /unsafe-|require-trusted-types-for/);
    const html = await response.text();
    assert.ok(html.includes('data-spec-url="/openapi/gis.json"'));
    const assets = [...html.matchAll(/(?:src|href)="(\/openapi\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.equal(assets.length, 4, assets.join(', '));
    for (const asset of assets) {
      const response = await fetch(`${sandbox.url}${asset}`);
      assert.equal(response.status, 200, asset);
      // Read to the end: a body left unread holds its connection open, and the server's close waits for it.
      await response.arrayBuffer();
    }
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>|<style|style=/, 'no inline script or style');
  });

  it('answers unknown services, formats and assets with a 404 problem', async () => {
    for (const path of ['/openapi/nope.json', '/openapi/gis.xml', '/openapi/nope/', '/openapi/assets/index.html', '/openapi/assets/..%2Fpackage.json']) {
      const response = await fetch(`${sandbox.url}${path}`);
      assert.equal(response.status, 404, path);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, path);
      await response.arrayBuffer();
    }
  });
});
