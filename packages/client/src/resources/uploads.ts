/**
 * Material uploads: the tus 1.0.0 resumable upload protocol of `/approvals/uploads` (creation,
 * offset query, PATCH, termination), spoken over this client's own transport, so an upload carries
 * the same token (refreshed after a 401), region scope, signer, fetch and logging as every other call.
 * Works on any `Blob` (a `File` from an input, or a Blob in Node), in browsers and Node alike: no DOM,
 * no Node built-ins, and no CommonJS dependency for a page's bundler to trip over.
 */
import type { ApprovalsComponents } from '@citybrain/contract';
import { AbortError, ApiError, CityBrainError } from '../errors.js';
import { abortableSleep } from '../signals.js';
import type { CoreClient } from '../types.js';

type Schemas = ApprovalsComponents['schemas'];
export type UploadedMaterial = Schemas['UploadedMaterial'];
export type MaterialKind = Schemas['MaterialKind'];
export type MaterialRequirement = Schemas['MaterialRequirement'];

/** An unfinished upload a file can resume. */
export interface PreviousUpload {
  /** The upload's URL (the creation's `Location`). */
  uploadUrl: string;
  size: number;
  creationTime: string;
  /** The key it is kept under (from `addUpload`). */
  urlStorageKey: string;
}

/**
 * Where unfinished uploads are remembered by file fingerprint (the shape of tus-js-client's
 * `UrlStorage`). The default keeps them in memory for the client's life; a page that wants to resume
 * after a reload passes one over its own storage.
 */
export interface UploadStore {
  findUploadsByFingerprint(fingerprint: string): Promise<PreviousUpload[]>;
  removeUpload(urlStorageKey: string): Promise<void>;
  addUpload(fingerprint: string, upload: Omit<PreviousUpload, 'urlStorageKey'>): Promise<string>;
}

export interface UploadMaterialOptions {
  /** Which material the file is (`MaterialKind`); the process definition's `materials` say what each accepts. */
  kind: MaterialKind;
  /** Bytes the server has acknowledged and the file's size; called after each chunk. */
  onProgress?: (sent: number, total: number) => void;
  /** Stops the upload (the call rejects with `AbortError`); what the server acknowledged stays resumable. */
  signal?: AbortSignal;
  /**
   * Continue an earlier, unfinished upload of the same file (same kind, name, size, type and content
   * sample) from the offset the server acknowledged. Default true.
   */
  resume?: boolean;
  /** Bytes per request (default 512 KiB): a cut connection loses at most one chunk. */
  chunkSize?: number;
  /** The file name sent when `file` is a Blob without one (a `File` has its own). */
  name?: string;
  /** Waits in ms before each new attempt after a failed request (default 0, 1, 3, 5, 10, 20 s); then the call rejects. */
  retryDelays?: number[];
  /** Where unfinished uploads are remembered (default: in memory, per client). */
  store?: UploadStore;
}

const TUS_HEADERS = { 'Tus-Resumable': '1.0.0' };
const DEFAULT_CHUNK_SIZE = 512 * 1024;
const DEFAULT_RETRY_DELAYS = [0, 1000, 3000, 5000, 10_000, 20_000];
/** Bytes read from each end of a file for its fingerprint. */
const FINGERPRINT_SAMPLE = 64 * 1024;

/** Unfinished uploads of this client's life. */
export class MemoryUploadStore implements UploadStore {
  readonly #uploads = new Map<string, { fingerprint: string; upload: PreviousUpload }>();
  #next = 0;

  async findUploadsByFingerprint(fingerprint: string): Promise<PreviousUpload[]> {
    return [...this.#uploads.values()].filter((entry) => entry.fingerprint === fingerprint).map((entry) => entry.upload);
  }

  async removeUpload(urlStorageKey: string): Promise<void> {
    this.#uploads.delete(urlStorageKey);
  }

  async addUpload(fingerprint: string, upload: Omit<PreviousUpload, 'urlStorageKey'>): Promise<string> {
    const key = `citybrain-upload:${fingerprint}:${++this.#next}`;
    this.#uploads.set(key, { fingerprint, upload: { ...upload, urlStorageKey: key } });
    return key;
  }
}

/** FNV-1a over the bytes: a cheap content sample hash (Web Crypto is missing on plain-http pages). */
function fnv1a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** Names the same file again, not just any file of the same size: kind, name, size, type, date and both ends of the content. */
async function fingerprintOf(file: Blob, kind: MaterialKind, name: string, endpoint: string): Promise<string> {
  const head = new Uint8Array(await file.slice(0, FINGERPRINT_SAMPLE).arrayBuffer());
  const tail = new Uint8Array(await file.slice(Math.max(0, file.size - FINGERPRINT_SAMPLE)).arrayBuffer());
  const modified = 'lastModified' in file ? String(file.lastModified) : '';
  const sample = fnv1a(tail, fnv1a(head)).toString(16);
  return ['citybrain-material', endpoint, kind, encodeURIComponent(name), file.size, file.type, modified, sample].join(':');
}

/** tus `Upload-Metadata`: `key base64(UTF-8 value)` pairs. */
function uploadMetadata(values: Record<string, string>): string {
  const base64 = (text: string) => {
    let binary = '';
    for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
    return btoa(binary);
  };
  return Object.entries(values).map(([key, value]) => (value ? `${key} ${base64(value)}` : key)).join(',');
}

/** A failure another attempt may get past: the network, a timeout, a server error, a busy upload; and a wrong offset, after asking again. */
function worthRetrying(error: unknown): boolean {
  if (!(error instanceof CityBrainError)) return false;
  return error.retryable || error.status === 409 || error.status === 423;
}

/** Runs `attempt` until it succeeds, waiting `delays[i]` before the (i+1)th retry of a failure worth retrying. */
async function withRetries<T>(attempt: () => Promise<T>, delays: readonly number[], signal: AbortSignal | undefined, url: string): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (retry >= delays.length || !worthRetrying(error)) throw error;
      await abortableSleep(delays[retry]!, signal, () => new AbortError({ method: 'PATCH', url, cause: signal?.reason }));
    }
  }
}

function offsetOf(response: Response, url: string): number {
  const offset = Number(response.headers.get('upload-offset'));
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new CityBrainError({ method: response.status === 204 ? 'PATCH' : 'HEAD', url, status: response.status, message: `${url} answered without a valid Upload-Offset` });
  }
  return offset;
}

/** `client.approvals.uploadMaterial`: see {@link UploadMaterialOptions}. */
export async function uploadMaterial(client: CoreClient, defaultStore: UploadStore, file: Blob, options: UploadMaterialOptions): Promise<UploadedMaterial> {
  if (!(file instanceof Blob)) throw new TypeError('uploadMaterial needs a Blob or File');
  if (!options || typeof options.kind !== 'string') throw new TypeError('uploadMaterial needs options.kind, the MaterialKind of the file');
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive whole number of bytes, got ${chunkSize}`);
  const { signal } = options;
  const delays = options.retryDelays ?? DEFAULT_RETRY_DELAYS;
  const store = options.store ?? defaultStore;
  const resume = options.resume !== false;
  const endpoint = `${client.baseUrl}/approvals/uploads`;
  const name = options.name ?? ('name' in file && typeof file.name === 'string' ? file.name : '');
  // The client's own retries are off: a failed chunk is retried from the server's offset, below.
  const call = (method: string, url: string, init: { headers?: Record<string, string>; body?: Blob } = {}) =>
    client.raw<string>(method, url, {
      ...init,
      headers: { ...TUS_HEADERS, ...init.headers },
      parseAs: 'text',
      retry: false,
      signal,
      // A chunk over a slow village network may take minutes; the caller's signal ends it.
      ...(init.body ? { timeout: 0, totalTimeout: 0 } : {}),
    });
  const askOffset = async (url: string) => offsetOf((await call('HEAD', url)).response, url);

  const fingerprint = resume ? await fingerprintOf(file, options.kind, name, endpoint) : '';
  let upload: { url: string; offset: number; storeKey?: string } | undefined;
  for (const previous of resume ? (await store.findUploadsByFingerprint(fingerprint)).reverse() : []) {
    try {
      upload = { url: previous.uploadUrl, offset: await withRetries(() => askOffset(previous.uploadUrl), delays, signal, previous.uploadUrl), storeKey: previous.urlStorageKey };
      break;
    } catch (error) {
      // Gone, expired or refused: forget it and start anew.
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      await store.removeUpload(previous.urlStorageKey);
    }
  }
  if (!upload) {
    const { response } = await withRetries(() => call('POST', endpoint, {
      headers: { 'Upload-Length': String(file.size), 'Upload-Metadata': uploadMetadata({ filename: name, filetype: file.type, kind: options.kind }) },
    }), delays, signal, endpoint);
    const url = new URL(response.headers.get('location') ?? '', endpoint).toString();
    const storeKey = resume ? await store.addUpload(fingerprint, { uploadUrl: url, size: file.size, creationTime: new Date().toISOString() }) : undefined;
    upload = { url, offset: 0, storeKey };
  }

  const { url } = upload;
  let offset = upload.offset;
  let knownOffset = true;
  while (offset < file.size) {
    offset = await withRetries(async () => {
      try {
        // After a failure the server may hold more (or less) than was acknowledged: ask first.
        const from = knownOffset ? offset : await askOffset(url);
        knownOffset = true;
        const answer = await call('PATCH', url, {
          headers: { 'Upload-Offset': String(from), 'Content-Type': 'application/offset+octet-stream' },
          body: file.slice(from, from + chunkSize),
        });
        return offsetOf(answer.response, url);
      } catch (error) {
        knownOffset = false;
        throw error;
      }
    }, delays, signal, url);
    options.onProgress?.(offset, file.size);
  }
  // A finished upload becomes part of one application: the same file later is a new upload.
  if (upload.storeKey) await store.removeUpload(upload.storeKey);
  const uploadId = new URL(url).pathname.split('/').pop()!;
  return (await client.GET('/approvals/uploads/{uploadId}', { params: { path: { uploadId } }, signal })).data;
}
