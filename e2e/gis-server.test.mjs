/**
 * The example town website with the district's own GIS server (issue 17), as `npm start` runs it when
 * MapServer is installed: Debian's MapServer behind its CGI bridge, the sandbox told where it is
 * (`CITYBRAIN_EXAMPLE_GIS_SERVER`). The page adds the bureau's WMS layer to its map under the strict
 * CSP, which admits that one origin: the layer lists itself under 外部图层, its tiles and legend load,
 * and nothing is blocked or fails.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPage, startEnvironment, waitFor } from './support.mjs';
import { startMapServer } from '../scripts/gis-servers/mapserver.mjs';

let mapServer;
let env;
before(async () => {
  mapServer = await startMapServer();
  env = await startEnvironment({ sandboxEnv: { CITYBRAIN_EXAMPLE_GIS_SERVER: mapServer.wmsUrl } });
});
after(async () => {
  await env?.stop();
  await mapServer?.stop();
});

test('the town website draws the bureau’s WMS layer beside the catalogue’s, under a CSP that admits only that server', async () => {
  const opened = await openPage(env, '/examples/town-website/');
  const { page } = opened;
  try {
    const policy = opened.response.headers()['content-security-policy'];
    const origin = new URL(mapServer.url).origin;
    assert.match(policy, new RegExp(`connect-src 'self' ${origin.replaceAll('.', '\\.')}(;|$)`));
    await page.locator('#zone-map').scrollIntoViewIfNeeded();
    // The town page starts its map when the reader presses it (loading="interaction").
    await page.getByRole('button', { name: '加载交互地图' }).click();
    const layerList = page.locator('cb-map-viewer [part~="layer-list"]');
    await layerList.getByText('自然资源局 管控分区（WMS）').waitFor({ timeout: 45_000 });
    await waitFor(page, () => {
      const map = document.getElementById('zone-map').getMap();
      const id = map && Object.keys(map.getStyle().sources).find((source) => source.startsWith('cb-src-ext-'));
      return Boolean(id && map.isSourceLoaded(id) && map.areTilesLoaded());
    }, undefined, 45_000);
    await page.locator('cb-map-viewer .legend__image').first().waitFor();
    assert.ok(mapServer.requests().some((request) => request.includes('REQUEST=GetMap')), 'tiles came from MapServer');
    assert.deepEqual(opened.problems(), []);
  } finally {
    await opened.close();
  }
});
