/**
 * Compressed static files (the bundles in /dist/, the example pages): brotli or gzip by the request's
 * Accept-Encoding, as a town site's web server or CDN would serve them. A phone on a slow network
 * otherwise downloads `citybrain.js` at three times its gzip size.
 *
 * Each file is compressed once per encoding and kept in memory, keyed by its path and ETag (size and
 * modification time), so a rebuilt bundle is compressed anew and an unchanged one never again. Only
 * whole 200 answers of text-like types are compressed: ranges (206), 304s, HEAD, and everything under
 * the API (event streams, tiles, uploads) pass untouched.
 */
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { negotiate } from '@fastify/accept-negotiator';

export type ContentEncoding = 'br' | 'gzip';

/** Server preference when the client weighs both alike: brotli is ≈ 10 % smaller on our bundles. */
const ENCODINGS: ContentEncoding[] = ['br', 'gzip'];

/** Below this a compressed body saves less than the headers it adds. */
export const MIN_COMPRESSED_BYTES = 1024;

/** The compressed copies kept; beyond it the oldest are dropped (the whole kit is ≈ 5 MB uncompressed). */
const CACHE_LIMIT_BYTES = 64 * 1024 * 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Brotli 6 and gzip 6, the levels web servers compress at on the fly: brotli 11 would save another
 * ≈ 8 % but takes ≈ 0.8 s for citybrain.js alone, which the first reader after a deploy would wait for.
 */
function compress(bytes: Buffer, encoding: ContentEncoding): Promise<Buffer> {
  if (encoding === 'gzip') return gzipAsync(bytes, { level: 6 });
  return brotli(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 6,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

/** Scripts, styles, pages, JSON (source maps), SVG: never event streams or images already compressed. */
export function isCompressible(contentType: string): boolean {
  return /^(text\/(?!event-stream)|application\/(javascript|json|manifest\+json|xml|wasm)\b|image\/svg\+xml)/i.test(contentType);
}

/** The encoding to answer with, by the client's Accept-Encoding and its q-values; null: identity. */
export function preferredEncoding(acceptEncoding: string | string[] | undefined): ContentEncoding | null {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(', ') : acceptEncoding;
  if (!header) return null;
  return negotiate(header, ENCODINGS) as ContentEncoding | null;
}

export function isReadable(payload: unknown): payload is Readable {
  return typeof payload === 'object' && payload !== null && typeof (payload as Readable).pipe === 'function';
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Compressed bodies by `encoding etag path`; a pending compression is shared by the requests that wait for it. */
export class CompressedFiles {
  readonly #entries = new Map<string, Promise<Buffer>>();
  readonly #sizes = new Map<string, number>();
  #bytes = 0;

  constructor(readonly limitBytes = CACHE_LIMIT_BYTES) {}

  /**
   * The compressed bytes of one version of a file. `source`: the file's body as the static handler
   * produced it; on a hit it is not read (a stream is closed).
   */
  get(key: string, encoding: ContentEncoding, source: Buffer | Readable): Promise<Buffer> {
    const cached = this.#entries.get(key);
    if (cached) {
      if (isReadable(source)) source.destroy();
      return cached;
    }
    const pending = (isReadable(source) ? readAll(source) : Promise.resolve(source)).then((bytes) => compress(bytes, encoding));
    this.#entries.set(key, pending);
    pending.then(
      (body) => this.#remember(key, body.length),
      () => this.#entries.delete(key),
    );
    return pending;
  }

  #remember(key: string, size: number): void {
    if (!this.#entries.has(key)) return;
    this.#sizes.set(key, size);
    this.#bytes += size;
    // Maps iterate in insertion order: the first keys are the oldest.
    for (const [oldest, oldestSize] of this.#sizes) {
      if (this.#bytes <= this.limitBytes) break;
      this.#sizes.delete(oldest);
      this.#entries.delete(oldest);
      this.#bytes -= oldestSize;
    }
  }
}
