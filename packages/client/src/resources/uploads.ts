/**
 * Material uploads: the tus 1.0.0 resumable upload protocol of `/approvals/uploads`, driven by
 * tus-js-client (creation, offsets, resume, retries) over this client's own transport, so an upload
 * carries the same token (refreshed after a 401), region scope, signer, fetch and logging as every
 * other call. Works on any `Blob` (a `File` from an input, or a Blob in Node), in browsers and Node
 * alike: the file is read as Blob slices and unfinished uploads are kept in the client's `UploadStore`,
 * never in the page's storage.
 */
import type { HttpRequest, HttpResponse, HttpStack, PreviousUpload as TusPreviousUpload, UrlStorage } from 'tus-js-client';
import type { ApprovalsComponents } from '@citybrain/contract';
import { AbortError, ApiError, CityBrainError } from '../errors.js';
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

/** A failure another attempt may get past: the network, a timeout, a server error, a busy upload; and a wrong offset, after asking again. */
function worthRetrying(error: CityBrainError): boolean {
  return error.retryable || error.status === 409 || error.status === 423;
}

/** tus-js-client reads the file through this: slices of the Blob, which `fetch` sends as they are. */
const blobReader = {
  async openFile(input: Blob) {
    return {
      size: input.size,
      async slice(start: number, end: number) {
        return { value: input.slice(start, end), done: end >= input.size };
      },
      close() {},
    };
  },
};

/** The client's `UploadStore` as tus-js-client's `UrlStorage`: it keeps the upload's URL, size and creation time. */
class StoreAsUrlStorage implements UrlStorage {
  constructor(private readonly store: UploadStore) {}

  /** tus-js-client's `Upload` never lists every upload; an `UploadStore` need not be able to. */
  async findAllUploads(): Promise<TusPreviousUpload[]> {
    return [];
  }

  async findUploadsByFingerprint(fingerprint: string): Promise<TusPreviousUpload[]> {
    return (await this.store.findUploadsByFingerprint(fingerprint)).map((upload) => ({ ...upload, metadata: {}, parallelUploadUrls: null }));
  }

  removeUpload(urlStorageKey: string): Promise<void> {
    return this.store.removeUpload(urlStorageKey);
  }

  addUpload(fingerprint: string, upload: TusPreviousUpload): Promise<string> {
    // Uploads here are never parallel, so tus-js-client always has the one URL and the size.
    return this.store.addUpload(fingerprint, { uploadUrl: upload.uploadUrl!, size: upload.size!, creationTime: upload.creationTime });
  }
}

class TransportResponse implements HttpResponse {
  constructor(
    private readonly status: number,
    private readonly headers: Headers,
    private readonly body: string,
  ) {}

  getStatus() {
    return this.status;
  }

  getHeader(name: string) {
    return this.headers.get(name) ?? undefined;
  }

  getBody() {
    return this.body;
  }

  getUnderlyingObject() {
    return this.headers;
  }
}

/**
 * One tus request through `client.raw`; `failures.last` keeps the client's error of the latest one,
 * which is what the call rejects with. A refusal comes back to tus-js-client as a response (it
 * decides: a 409 means ask the offset again, a 4xx on resume means start anew); what another attempt
 * may get past (network, timeouts, 5xx, 429) rejects, so it retries from the server's offset. The
 * client's own retries are off for that reason.
 */
class TransportRequest implements HttpRequest {
  readonly #headers: Record<string, string> = {};
  readonly #abort = new AbortController();

  constructor(
    private readonly client: CoreClient,
    private readonly method: string,
    private readonly url: string,
    private readonly failures: { last?: CityBrainError },
  ) {}

  getMethod() {
    return this.method;
  }

  getURL() {
    return this.url;
  }

  setHeader(name: string, value: string) {
    this.#headers[name] = value;
  }

  getHeader(name: string) {
    return this.#headers[name];
  }

  /** Progress is reported per acknowledged chunk (onChunkComplete), not per byte sent. */
  setProgressHandler() {}

  async send(body?: Blob | null): Promise<HttpResponse> {
    this.failures.last = undefined;
    try {
      const { response, data } = await this.client.raw<string>(this.method, this.url, {
        headers: this.#headers,
        body: body ?? undefined,
        parseAs: 'text',
        retry: false,
        signal: this.#abort.signal,
        // A chunk over a slow village network may take minutes; the caller's signal ends it.
        ...(body ? { timeout: 0, totalTimeout: 0 } : {}),
      });
      return new TransportResponse(response.status, response.headers, data);
    } catch (error) {
      if (!(error instanceof CityBrainError)) throw error;
      this.failures.last = error;
      if (error instanceof ApiError && !error.retryable) return new TransportResponse(error.status, new Headers(), JSON.stringify(error.problem ?? {}));
      throw error;
    }
  }

  async abort() {
    this.#abort.abort();
  }

  getUnderlyingObject() {
    return this.#abort;
  }
}

class TransportStack implements HttpStack {
  constructor(
    private readonly client: CoreClient,
    private readonly failures: { last?: CityBrainError },
  ) {}

  createRequest(method: string, url: string): HttpRequest {
    return new TransportRequest(this.client, method, url, this.failures);
  }

  getName() {
    return 'citybrain-client';
  }
}

/** `client.approvals.uploadMaterial`: see {@link UploadMaterialOptions}. */
export async function uploadMaterial(client: CoreClient, defaultStore: UploadStore, file: Blob, options: UploadMaterialOptions): Promise<UploadedMaterial> {
  if (!(file instanceof Blob)) throw new TypeError('uploadMaterial needs a Blob or File');
  if (!options || typeof options.kind !== 'string') throw new TypeError('uploadMaterial needs options.kind, the MaterialKind of the file');
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a positive whole number of bytes, got ${chunkSize}`);
  const { signal } = options;
  const resume = options.resume !== false;
  const endpoint = `${client.baseUrl}/approvals/uploads`;
  const name = options.name ?? ('name' in file && typeof file.name === 'string' ? file.name : '');
  const failures: { last?: CityBrainError } = {};
  const aborted = () => new AbortError({ method: 'PATCH', url: endpoint, cause: signal?.reason });
  if (signal?.aborted) throw aborted();

  // tus-js-client loads with the first upload: it is a third of the script-tag bundle's size, and most
  // pages never upload (DESIGN.md size budget: citybrain.js ≤ 40 KB gzip).
  const { Upload } = await import('tus-js-client');
  const url = await new Promise<string>((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const upload = new Upload(file, {
      endpoint,
      metadata: { filename: name, filetype: file.type, kind: options.kind },
      chunkSize,
      retryDelays: options.retryDelays ?? DEFAULT_RETRY_DELAYS,
      onShouldRetry: () => failures.last !== undefined && worthRetrying(failures.last),
      storeFingerprintForResuming: resume,
      // A finished upload becomes part of one application: the same file later is a new upload.
      removeFingerprintOnSuccess: true,
      urlStorage: new StoreAsUrlStorage(options.store ?? defaultStore),
      fingerprint: () => fingerprintOf(file, options.kind, name, endpoint),
      fileReader: blobReader,
      httpStack: new TransportStack(client, failures),
      // What the server acknowledged, once per chunk (tus-js-client's own progress counts bytes not yet acknowledged).
      onChunkComplete: options.onProgress ? (_chunk, accepted, total) => options.onProgress!(accepted, total) : null,
      onSuccess: () => settle(() => resolve(upload.url!)),
      onError: (error) => settle(() => reject(failures.last ?? new CityBrainError({ method: 'PATCH', url: upload.url ?? endpoint, message: error.message, cause: error }))),
    });
    const onAbort = () => {
      // Not terminated: what the server has stays there for the next attempt.
      void upload.abort(false);
      reject(aborted());
    };
    const settle = (outcome: () => void) => {
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const start = async () => {
      if (resume) {
        const latest = (await upload.findPreviousUploads()).at(-1);
        if (latest) upload.resumeFromPreviousUpload(latest);
      }
      if (!signal?.aborted) upload.start();
    };
    start().catch((error: unknown) => settle(() => reject(error)));
  });
  const uploadId = new URL(url, endpoint).pathname.split('/').pop()!;
  return (await client.GET('/approvals/uploads/{uploadId}', { params: { path: { uploadId } }, signal })).data;
}
