/**
 * How the sandbox serves its web pages (examples/, the bundles in /dist/): the way a careful
 * government site would, so the examples prove the kit works there.
 *
 * - **A strict Content-Security-Policy** on every response outside the API: no inline script or
 *   style, no eval, only same-origin scripts, workers and connections. An inline import map (the
 *   one inline script an ES-module page needs) is allowed by its sha256 hash, never by
 *   `'unsafe-inline'`.
 * - **Trusted Types** (`require-trusted-types-for 'script'`) on every page without a map.
 *   maplibre-gl creates its worker from a plain string (maplibre/maplibre-gl-js#7210), so a page
 *   with `<cb-map-viewer>` would need a `default` policy; map pages go without the directive.
 * - `/` redirects to the example town website.
 * - **The district's GIS server for the examples** (`CITYBRAIN_EXAMPLE_GIS_SERVER`): its origin may be
 *   fetched and drawn by the example pages, and `GET /demo-bff/gis-server` tells the town website where
 *   it is, as a town site's own configuration would.
 * - **A demo back end for the town website** (`POST /demo-bff/citybrain-token`): the part of a
 *   real town site's server that turns its own staff session into a short-lived City Brain token.
 *   The client secret stays here, on the server; the browser only ever sees a 15-minute token.
 *   It speaks for 桂城街道, or for the town of `?region=` among the demo clients (狮山镇 440605124).
 *   It is not part of the City Brain API (not under /api/v1, not in openapi/).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEMO_CLIENTS } from './auth.js';
import type { SandboxConfig } from './config.js';
import { CompressedFiles, isCompressible, isReadable, MIN_COMPRESSED_BYTES, preferredEncoding, readAll } from './static-compression.js';

/** The policy every page and static file gets. */
export const BASE_CSP: Readonly<Record<string, string[]>> = Object.freeze({
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'worker-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  // Not in the brief's list, but free: no page of ours is meant to be framed, carry <base>, or post forms elsewhere.
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
  'object-src': ["'none'"],
});

/** The site's staff token comes from this demo client (a town street office, read and act within 桂城街道). */
export const DEMO_BFF_CLIENT_ID = 'demo-town-guicheng';
export const DEMO_BFF_PATH = '/demo-bff/citybrain-token';
export const DEMO_GIS_SERVER_PATH = '/demo-bff/gis-server';

/** Paths that are the API or test hooks: they answer JSON and carry no page policy. */
function isApiPath(url: string): boolean {
  return url.startsWith('/api/') || url.startsWith('/__sandbox/') || url.startsWith('/demo-bff/');
}

/** `'sha256-…'` of each inline `<script type="importmap">`, as CSP hash sources. */
export function importMapHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script\b[^>]*\btype\s*=\s*["']?importmap["']?[^>]*>([\s\S]*?)<\/script>/gi)) {
    hashes.push(`'sha256-${createHash('sha256').update(match[1], 'utf8').digest('base64')}'`);
  }
  return hashes;
}

/** Whether a page hosts a map (and so cannot enforce Trusted Types until maplibre supports them). */
export function hasMap(html: string): boolean {
  return /<cb-map-viewer[\s>]/i.test(html);
}

/**
 * The Content-Security-Policy header of one page; `html` undefined for non-HTML files. `gisServer`: a
 * district GIS server the page may read capabilities and features from and draw tiles of.
 */
export function contentSecurityPolicy(html?: string, gisServer?: string | null): string {
  const directives: Record<string, string[]> = Object.fromEntries(Object.entries(BASE_CSP).map(([name, sources]) => [name, [...sources]]));
  if (gisServer) {
    const origin = new URL(gisServer).origin;
    directives['connect-src'].push(origin);
    directives['img-src'].push(origin);
  }
  if (html !== undefined) {
    directives['script-src'].push(...importMapHashes(html));
    if (!hasMap(html)) directives['require-trusted-types-for'] = ["'script'"];
  }
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** Adds Accept-Encoding to Vary (keeping e.g. CORS's Origin), so a shared cache keeps one copy per encoding. */
function varyOnAcceptEncoding(reply: FastifyReply): void {
  const vary = [reply.getHeader('vary') ?? ''].flat().join(', ');
  if (/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)) return;
  reply.header('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
}

/** Registers the page policy, the `/` redirect and the demo back end. Call before the static roots. */
export async function registerStaticPages(app: FastifyInstance, config: SandboxConfig): Promise<void> {
  app.get('/', async (_req, reply) => reply.redirect('/examples/town-website/', 302));

  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    // A route that set its own policy (the API reference pages) keeps it.
    if (isApiPath(req.url) || reply.hasHeader('content-security-policy')) return payload;
    // A 304 must not carry a policy: the browser would merge it into the cached page's headers,
    // and the policy computed from an empty body is not that page's.
    if (reply.statusCode === 304 || req.method === 'HEAD') return payload;
    const type = String(reply.getHeader('content-type') ?? '');
    if (!type.startsWith('text/html')) {
      // Scripts, styles and workers: a worker's policy comes from its own response (the map's worker
      // fetches the GIS server's tiles too).
      reply.header('content-security-policy', contentSecurityPolicy(undefined, config.exampleGisServer));
      return payload;
    }
    // Pages are small: read the file @fastify/static streams, to derive its policy from its content.
    const body = isReadable(payload) ? await readAll(payload) : Buffer.from(typeof payload === 'string' ? payload : '');
    reply.header('content-security-policy', contentSecurityPolicy(body.toString('utf8'), config.exampleGisServer));
    // The policy differs per page content, so a cached copy must be revalidated.
    reply.header('cache-control', 'no-cache');
    return body;
  });

  // After the policy hook, which needs the page's plain text.
  const compressed = new CompressedFiles();
  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    // Whole files only: a range (206), a 304 and HEAD keep their bytes; the API (event streams, tiles, uploads) is never touched.
    if (isApiPath(req.url) || req.method !== 'GET' || reply.statusCode !== 200 || reply.hasHeader('content-encoding')) return payload;
    if (!isCompressible(String(reply.getHeader('content-type') ?? ''))) return payload;
    varyOnAcceptEncoding(reply);
    const etag = reply.getHeader('etag');
    const size = Buffer.isBuffer(payload) ? payload.length : Number(reply.getHeader('content-length'));
    const encoding = preferredEncoding(req.headers['accept-encoding']);
    // Without an ETag the file's version is unknown, so its compressed copy could not be cached.
    if (!encoding || typeof etag !== 'string' || !(size >= MIN_COMPRESSED_BYTES) || !(isReadable(payload) || Buffer.isBuffer(payload))) return payload;
    const body = await compressed.get(`${encoding} ${etag} ${req.url.split('?')[0]}`, encoding, payload);
    reply.header('content-encoding', encoding);
    reply.header('content-length', body.length);
    return body;
  });

  const client = DEMO_CLIENTS.find((c) => c.clientId === DEMO_BFF_CLIENT_ID);
  if (!client || !('/examples/' in config.staticRoots)) return;

  // No server configured is the usual case, not an error: 204, and the page adds no layer.
  app.get(DEMO_GIS_SERVER_PATH, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    if (!config.exampleGisServer) return reply.code(204).send();
    return { wms: config.exampleGisServer, layers: 'zones' };
  });

  // The custom query parser (querystring.ts) gives a repeated key as an array.
  app.post<{ Querystring: { region?: string | string[] } }>(DEMO_BFF_PATH, async (req, reply) => {
    // A real BFF checks its own staff session cookie here. The demo has no login, so it at least
    // refuses anything a browser marks as coming from another site, and requires a header that
    // a cross-origin page cannot send without a CORS preflight the sandbox never grants for this path.
    const site = req.headers['sec-fetch-site'];
    if ((site !== undefined && site !== 'same-origin') || req.headers['x-requested-by'] !== 'town-website') {
      return reply.code(403).type('application/problem+json').send({
        type: 'https://citybrain.nanhai.gov.cn/problems/forbidden',
        title: '禁止访问',
        status: 403,
        detail: '演示令牌只发给本站页面（同源请求，且带 X-Requested-By: town-website）',
      });
    }
    // `?region=440605124`: the demo client of another town (狮山镇), for a site built for that town.
    const region = req.query.region;
    const town = region === undefined ? client : DEMO_CLIENTS.find((c) => c.role === 'town' && c.regionCode === region);
    if (!town) {
      const towns = DEMO_CLIENTS.filter((c) => c.role === 'town').map((c) => `${c.regionCode}（${c.name}）`);
      return reply.code(404).type('application/problem+json').send({
        type: 'https://citybrain.nanhai.gov.cn/problems/not-found',
        title: '没有该镇街的演示账号',
        status: 404,
        detail: `region 应为有演示账号的镇街代码：${towns.join('、')}；其他镇街请用自己的后端换取令牌（见 README）`,
      });
    }
    // The same client-credentials exchange a BFF would make over HTTPS, answered in process.
    const exchange = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: town.clientId, client_secret: town.secret }).toString(),
    });
    if (exchange.statusCode !== 200) {
      return reply.code(502).type('application/problem+json').send({
        type: 'https://citybrain.nanhai.gov.cn/problems/bad-gateway',
        title: '令牌服务不可用',
        status: 502,
        detail: `auth/token answered ${exchange.statusCode}`,
      });
    }
    const grant = exchange.json() as { access_token: string; expires_in: number };
    reply.header('cache-control', 'no-store');
    // The shape the client's getToken() accepts: the token and when to stop using it.
    return { token: grant.access_token, expiresAt: Date.now() + grant.expires_in * 1000, name: town.name, regionCode: town.regionCode };
  });
}
