/**
 * Compile-time tests: `npx tsc -p packages/client/tsconfig.test.json --noEmit`. Each
 * `@ts-expect-error` marks a call that must not compile; if it ever does (types drifted loose),
 * the directive itself becomes an error. Nothing here runs.
 */
import { createClient, type ApiResponse, type Paths, type Region } from '../src/index.js';
import { clientCredentials, gatewaySigner } from '../src/node.js';

declare const client: ReturnType<typeof createClient>;
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_proof?: T) => undefined;

export async function pathCalls() {
  // Correct calls compile and return the documented body types.
  const region = await client.GET('/regions/{code}', { params: { path: { code: '440605124' } } });
  assertType<Equals<typeof region.data.code, string>>();
  const towns = await client.GET('/regions', { params: { query: { parent: '440605' } } });
  const first: Region | undefined = towns.data.items[0];
  void first;
  await client.GET('/auth/me');
  await client.GET('/regions');
  const tile = await client.GET('/gis/tiles/{layerId}/{z}/{x}/{y}.pbf', {
    params: { path: { layerId: 'homestead-parcels', z: 14, x: 13378, y: 7126 } },
    parseAs: 'arrayBuffer',
  });
  assertType<Equals<typeof tile.data, ArrayBuffer>>();
  const csv = await client.GET('/data/datasets/{datasetId}/export', { params: { path: { datasetId: 'market-enterprises' } }, parseAs: 'stream' });
  const stream: ReadableStream<Uint8Array> = csv.data;
  void stream;

  // @ts-expect-error an unknown path
  await client.GET('/regions/{code}/children', {});
  // @ts-expect-error a path that exists, but not for this method
  await client.POST('/regions', {});
  // @ts-expect-error a required path parameter is missing
  await client.GET('/regions/{code}');
  // @ts-expect-error a misspelt path parameter
  await client.GET('/regions/{code}', { params: { path: { cod: '440605124' } } });
  // @ts-expect-error a query parameter of the wrong type
  await client.GET('/data/datasets/{datasetId}/rows', { params: { path: { datasetId: 'market-enterprises' }, query: { limit: '50' } } });
  // @ts-expect-error an enum value the spec does not allow
  await client.GET('/data/datasets/{datasetId}/rows', { params: { path: { datasetId: 'market-enterprises' }, query: { count: 'approximate' } } });
  // @ts-expect-error a body is required
  await client.POST('/auth/token', {});
  // @ts-expect-error a body field of the wrong value
  await client.POST('/auth/token', { body: { grant_type: 'password' } });
  // @ts-expect-error a body on an operation that takes none
  await client.GET('/auth/me', { body: { x: 1 } });
  // @ts-expect-error parseAs only knows the fetch body readers
  await client.GET('/auth/me', { parseAs: 'xml' });
}

export async function resourceHelpers() {
  const me = await client.auth.me();
  assertType<Equals<typeof me.role, 'district' | 'department' | 'steward' | 'cdo' | 'town' | 'village' | 'public'>>();
  for await (const row of client.data.rows('market-enterprises', { sort: '-registeredCapital', filter: ['status:eq:1'], limit: 500 })) void row;
  for await (const page of client.data.rows('market-enterprises').pages()) void page.page.nextCursor;
  for await (const feature of client.gis.items('homestead-parcels', { villageCode: '440605124201', limit: 100 })) void feature.geometry;
  for await (const application of client.approvals.list({ overdue: true })) void application.id;
  const exported = await client.data.export('market-enterprises', { header: 'label' });
  void exported.body.getReader();

  // @ts-expect-error the iterator owns the cursor
  client.data.rows('market-enterprises', { cursor: 'abc' });
  // @ts-expect-error an unknown filter of the application list
  client.approvals.list({ overdue: true, colour: 'red' });
  // @ts-expect-error an action the process does not define
  await client.approvals.act('ZJD-440605124-2026-000123', { action: 'teleport' });
  // @ts-expect-error zoneCheck needs both coordinates
  await client.approvals.zoneCheck({ lon: 113.04 });
  // @ts-expect-error an unknown header option name is not a call option
  await client.regions.list({}, { regionCod: '440605124' });
}

export function options() {
  createClient({ baseUrl: 'http://localhost:8080', auth: 'token', retry: { maxAttempts: 5, maxRetryAfter: 30_000 }, regionCode: '440605124' });
  createClient({ baseUrl: 'http://localhost:8080', auth: async () => ({ token: 't', expiresAt: Date.now() + 60_000 }) });
  createClient({
    baseUrl: 'http://localhost:8080',
    auth: clientCredentials({ tokenUrl: 'http://localhost:8080/api/v1/auth/token', clientId: 'demo-town-shishan', clientSecret: 's' }),
    signer: gatewaySigner({ key: 'k', secret: 's' }),
    logger: console,
  });
  // @ts-expect-error baseUrl is required
  createClient({ auth: 'token' });
  // @ts-expect-error retry takes a policy, a number or false
  createClient({ baseUrl: 'http://x', retry: 'always' });
  // @ts-expect-error a token supplier returns a token, not a number
  createClient({ baseUrl: 'http://x', auth: () => 42 });
}

// The merged Paths type has every service.
assertType<Equals<'/approvals/applications' extends keyof Paths ? true : false, true>>();
assertType<Equals<'/workorders/{id}/timeline' extends keyof Paths ? true : false, true>>();
assertType<Equals<ApiResponse<number>['requestId'], string>>();
