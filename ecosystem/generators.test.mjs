/**
 * Generators we did not write (issue 22): vendors run their own over our published specs, so two
 * widely used TypeScript generators build clients from every bundle in dist/openapi/ (the files the
 * sandbox serves at /openapi/<service>.json), the clients type-check in strict mode, and a program
 * using both makes real calls against a sandbox on a free port. A spec change that breaks a
 * generator, its output's types or the calls fails `npm test`.
 *
 * - swagger-typescript-api: one file per service, a fetch-based `Api` class.
 * - oazapfts: one module of functions per service, responses typed per status (`{ status, data }`).
 * (openapi-typescript + openapi-fetch is the one our own client uses; orval and hey-api need Node 22;
 * openapi-typescript-codegen, unmaintained, names Chinese enum values all `_` and merges the
 * `Last-Event-ID` header with the `lastEventId` query parameter.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateSource as oazapfts } from 'oazapfts';
import { generateApi } from 'swagger-typescript-api';
import { buildSpecs, outDir as specsDir } from '../scripts/build-specs.mjs';
import { startSandboxProcess } from '../scripts/sandbox-process.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the repository (and ignored by git) so the generated code resolves typescript and tsx.
const workDir = join(root, 'dist/ecosystem/generators');

let services;
let sandbox;
before(async () => {
  services = buildSpecs({ ifStale: true });
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  sandbox = startSandboxProcess();
});
after(async () => {
  await (await sandbox)?.stop();
});

/** Silences a generator's progress lines; its errors still reach the test as rejections. */
async function quietly(work) {
  const log = console.log;
  const info = console.info;
  console.log = console.info = () => {};
  try {
    return await work();
  } finally {
    console.log = log;
    console.info = info;
  }
}

test('swagger-typescript-api and oazapfts generate clients from every published spec that type-check strictly and call the sandbox', async () => {
  mkdirSync(join(workDir, 'oazapfts'));
  await quietly(async () => {
    for (const service of services) {
      const input = join(specsDir, `${service}.json`);
      await generateApi({ input, output: join(workDir, 'swagger-typescript-api'), fileName: `${service}.ts`, httpClientType: 'fetch', silent: true });
      writeFileSync(join(workDir, 'oazapfts', `${service}.ts`), await oazapfts(input));
    }
  });

  // A vendor's program: typed calls through both clients, checked by tsc and then run for real.
  writeFileSync(join(workDir, 'vendor.ts'), `
import { Api as GisApi } from './swagger-typescript-api/gis.js';
import { Api as ApprovalsApi } from './swagger-typescript-api/approvals.js';
import * as gisFunctions from './oazapfts/gis.js';

const baseUrl = \`\${process.argv[2]}/api/v1\`;

const gis = new GisApi({ baseUrl });
const categories = await gis.gis.listGisCategories();
const titles: string[] = categories.data.items.map((category) => category.title);

const approvals = new ApprovalsApi({ baseUrl });
let lookupStatus = 0;
try {
  await approvals.approvals.lookupApplication({ trackingNo: 'ZJD-440605124-2026-999999', verificationCode: '000000' });
} catch (failure) {
  lookupStatus = (failure as Response).status;
}

const layers = await gisFunctions.listGisLayers({}, { baseUrl });
if (layers.status !== 200) throw new Error(\`listGisLayers: \${layers.status}\`);
const layerIds: string[] = layers.data.layers.map((layer) => layer.id);

console.log(JSON.stringify({ titles, lookupStatus, layerIds }));
`);
  writeFileSync(join(workDir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: ['node'],
      strict: true, noEmit: true, skipLibCheck: true, isolatedModules: true,
    },
    include: ['**/*.ts'],
  }));
  const typeCheck = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', workDir], { cwd: root, encoding: 'utf8' });
  assert.equal(typeCheck.status, 0, `generated clients fail tsc --strict:\n${typeCheck.stdout}${typeCheck.stderr}`);

  const { url } = await sandbox;
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(workDir, 'vendor.ts'), url], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1));
  assert.equal(result.titles.length, 10, 'the ten layer categories');
  assert.ok(result.titles.includes('行政区划'), result.titles.join(', '));
  assert.equal(result.lookupStatus, 404, 'an unknown tracking number is a 404 problem');
  assert.ok(result.layerIds.includes('villages'), result.layerIds.join(', '));
});
