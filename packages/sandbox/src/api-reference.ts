/**
 * The published contracts under `/openapi/`, for vendors who run their own generators:
 *
 * - `/openapi/<service>.json` and `.yaml`: one self-contained document per service, bundled from
 *   openapi/ by `npm run build:specs` (scripts/build-specs.mjs) into `dist/openapi/`. Any origin may
 *   fetch them (online editors and generators run in browsers too).
 * - `/openapi/`: an index of the services; `/openapi/<service>/`: its API reference, rendered in
 *   the browser by Swagger UI from the bundled JSON, served from this origin (works offline).
 *   Not Redocly's `build-docs`: its pages load Redoc from cdn.redocly.com and hydrate through inline
 *   scripts and styles, and the `redoc` package that holds the standalone bundle does not install here.
 *
 * The reference pages keep the site's strict policy (no inline script or style, no eval) but go
 * without Trusted Types, like map pages: Swagger UI renders the spec's Markdown (sanitised with
 * DOMPurify) through React's `dangerouslySetInnerHTML`, a plain-string `innerHTML` sink.
 */
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SandboxConfig } from './config.js';
import { notFound } from './problems.js';
import { contentSecurityPolicy } from './static-pages.js';

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** `public/` of this package, from `src/` (tsx) as from `dist/esm/` (built). */
function ownAssetsDirectory(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, 'public');
}
const ownAssetsDir = ownAssetsDirectory();

/** The files a reference page loads from `/openapi/assets/`, and where each one lives. */
const ASSETS: Record<string, { dir: string; type: string }> = {
  'swagger-ui-bundle.js': { dir: swaggerUiDir, type: 'text/javascript; charset=utf-8' },
  'swagger-ui-bundle.js.map': { dir: swaggerUiDir, type: 'application/json' },
  'swagger-ui.css': { dir: swaggerUiDir, type: 'text/css; charset=utf-8' },
  'swagger-ui.css.map': { dir: swaggerUiDir, type: 'application/json' },
  'reference.js': { dir: ownAssetsDir, type: 'text/javascript; charset=utf-8' },
  'openapi.css': { dir: ownAssetsDir, type: 'text/css; charset=utf-8' },
};

const SPEC_TYPES = { json: 'application/json; charset=utf-8', yaml: 'application/yaml; charset=utf-8' } as const;

interface ServiceSummary {
  name: string;
  title: string;
  version: string;
  summary: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, head: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/openapi/assets/openapi.css">
${head}
</head>
<body>
${body}
</body>
</html>
`;
}

/** Registers `/openapi/*`. `specsDir` holds the bundles; by default `dist/openapi` of the repository. */
export async function registerApiReference(app: FastifyInstance, config: SandboxConfig, specsDir = resolve(config.repoRoot, 'dist/openapi')): Promise<void> {
  const summaryOf = (name: string): ServiceSummary | undefined => {
    const file = join(specsDir, `${name}.json`);
    if (!existsSync(file)) return undefined;
    const info = (JSON.parse(readFileSync(file, 'utf8')) as { info?: Partial<ServiceSummary> }).info ?? {};
    return { name, title: info.title ?? name, version: info.version ?? '', summary: info.summary ?? '' };
  };
  const services = (): ServiceSummary[] =>
    existsSync(specsDir)
      ? readdirSync(specsDir).filter((file) => file.endsWith('.json')).flatMap((file) => summaryOf(file.slice(0, -'.json'.length)) ?? [])
      : [];
  const sendFile = (reply: FastifyReply, path: string, type: string) => reply.type(type).header('cache-control', 'no-cache').send(createReadStream(path));

  app.get('/openapi/', async (req, reply) => {
    const list = services();
    const origin = `${req.protocol}://${req.host}`;
    const rows = list.map((s) => `<tr>
<th scope="row"><a href="/openapi/${s.name}/">${escapeHtml(s.title)}</a></th>
<td>${escapeHtml(s.version)}</td>
<td>${escapeHtml(s.summary)}</td>
<td><a href="/openapi/${s.name}.json">${s.name}.json</a> · <a href="/openapi/${s.name}.yaml">${s.name}.yaml</a></td>
</tr>`);
    const body = list.length
      ? `<table>
<caption>One self-contained OpenAPI 3.1 document per service (no external <code>$ref</code>): give its URL to any generator.</caption>
<thead><tr><th scope="col">API reference</th><th scope="col">version</th><th scope="col">what</th><th scope="col">spec</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<p>For example: <code>npx openapi-typescript ${escapeHtml(origin)}/openapi/gis.json -o gis.d.ts</code>, or
<code>npx swagger-typescript-api generate --path ${escapeHtml(origin)}/openapi/approvals.json</code>.
All operations are under <code>${escapeHtml(origin)}/api/v1</code>.</p>`
      : '<p>The published specs are not built yet: run <code>npm run build:specs</code> (or <code>npm start</code>, which builds them).</p>';
    return reply.type('text/html; charset=utf-8').send(page('City Brain API contracts', '', `<main>
<h1>City Brain API contracts</h1>
${body}
</main>`));
  });

  app.get<{ Params: { file: string } }>('/openapi/assets/:file', async (req, reply) => {
    const asset = Object.hasOwn(ASSETS, req.params.file) ? ASSETS[req.params.file] : undefined;
    if (!asset) throw notFound(`${req.url} 不存在`);
    return sendFile(reply, join(asset.dir, req.params.file), asset.type);
  });

  // `/openapi/gis.json`, `/openapi/gis.yaml`: the bundles; `/openapi/gis/`: the reference page.
  app.get<{ Params: { entry: string } }>('/openapi/:entry', async (req, reply) => {
    const match = /^([a-z][a-z0-9-]*)(?:\.(json|yaml))?$/.exec(req.params.entry);
    const name = match?.[1];
    const format = match?.[2] as keyof typeof SPEC_TYPES | undefined;
    const missing = () => notFound(`${req.url} 不存在：发布的接口契约见 /openapi/`);
    if (!name || !existsSync(join(specsDir, `${name}.json`))) throw missing();
    if (format) {
      reply.header('access-control-allow-origin', '*');
      return sendFile(reply, join(specsDir, `${name}.${format}`), SPEC_TYPES[format]);
    }
    const service = summaryOf(name);
    if (!service) throw missing();
    // The strict base policy without Trusted Types (see the module comment).
    reply.header('content-security-policy', contentSecurityPolicy());
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page(
      `${service.title} — API reference`,
      `<link rel="stylesheet" href="/openapi/assets/swagger-ui.css">
<script src="/openapi/assets/swagger-ui-bundle.js" defer></script>
<script type="module" src="/openapi/assets/reference.js"></script>`,
      `<nav><a href="/openapi/">City Brain API contracts</a> · <a href="/openapi/${service.name}.json">${service.name}.json</a> · <a href="/openapi/${service.name}.yaml">${service.name}.yaml</a></nav>
<div id="reference" data-spec-url="/openapi/${service.name}.json"></div>`,
    ));
  });
}
