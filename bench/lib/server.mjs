/**
 * A static HTTP server on loopback for the benchmark pages: URL prefixes map to directories,
 * and a few generated pages are served from memory. No caching headers games: every page load
 * reads from disk (the OS cache makes that cheap), with Content-Length so keep-alive works.
 */
import { createServer } from 'node:http';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.pbf': 'application/x-protobuf',
  '.woff2': 'font/woff2',
};

/**
 * @param {{ roots?: Record<string, string>, pages?: Record<string, string | (() => string)>, headers?: Record<string, string>, compress?: boolean }} options
 *   roots: URL prefix (`/build/`) → directory; pages: exact path → HTML (or a function giving it);
 *   headers: added to every response (e.g. COOP/COEP for cross-origin isolation); compress: HTML,
 *   scripts and styles brotli or gzip by Accept-Encoding, as the sandbox serves them (a page
 *   compared with one from the sandbox must not pay for bytes the sandbox saves)
 * @returns {Promise<{ url: string, close: () => Promise<void>, pages: Record<string, unknown> }>}
 */
export async function startStaticServer({ roots = {}, pages = {}, headers = {}, compress = false } = {}) {
  /** Sends `body` whole, compressed when asked to and the client accepts it. */
  const sendWhole = (req, res, type, body) => {
    const accepted = String(req.headers['accept-encoding'] ?? '');
    const encoding = compress && type.startsWith('text/') ? ['br', 'gzip'].find((name) => accepted.includes(name)) : undefined;
    // The sandbox's levels (packages/sandbox/src/static-compression.ts).
    const sent = encoding === 'br' ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 6 } }) : encoding === 'gzip' ? gzipSync(body, { level: 6 }) : body;
    res.writeHead(200, {
      ...headers,
      'content-type': type,
      'content-length': sent.length,
      'cache-control': 'no-store',
      ...(encoding ? { 'content-encoding': encoding, vary: 'Accept-Encoding' } : {}),
    });
    res.end(sent);
  };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const page = pages[path];
    if (page !== undefined) {
      sendWhole(req, res, TYPES['.html'], Buffer.from(typeof page === 'function' ? page() : page));
      return;
    }
    for (const [prefix, dir] of Object.entries(roots)) {
      if (!path.startsWith(prefix)) continue;
      const base = normalize(dir).replace(/[\\/]+$/, '');
      const file = normalize(join(base, path.slice(prefix.length)));
      if (!file.startsWith(base + sep)) break;
      let stat;
      try {
        stat = statSync(file);
      } catch {
        break;
      }
      if (!stat.isFile()) break;
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      if (compress && type.startsWith('text/')) {
        sendWhole(req, res, type, readFileSync(file));
        return;
      }
      res.writeHead(200, {
        ...headers,
        'content-type': type,
        'content-length': stat.size,
        'cache-control': 'no-store',
      });
      createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    pages,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
