/**
 * The materials of `<cb-application-form>` (申请材料): one slot per material the process definition
 * lists (`materials`: kind, label, required, media types, size and count limits), each file
 * uploaded through the client's resumable tus helper (`client.approvals.uploadMaterial`) with its
 * own progress, cancel and retry. A retry, or the same file chosen again after a reload, continues
 * from what the server acknowledged (the unfinished uploads are remembered in `localStorage`).
 *
 * Files are checked against the slot's limits before a byte is sent; the server checks again (by
 * magic bytes) and its refusal is shown at the file. Finished uploads are kept in the draft, so a
 * reloaded form still has them, and are attached to the application by `uploadId`.
 */
import { msg, str } from '@lit/localize';
import type { MaterialRequirement, PreviousUpload, UploadedMaterial, UploadMaterialOptions, UploadStore } from '@citybrain/client';
import { getLocale } from '../shared/localization.js';
import { describeError } from '../shared/status.js';

export type { MaterialRequirement };
type MaterialKind = MaterialRequirement['kind'];

/** What the element needs of the client: the upload helper and the deletion of a removed file. */
export interface MaterialUploader {
  uploadMaterial(file: Blob, options: UploadMaterialOptions): Promise<UploadedMaterial>;
  deleteUpload(uploadId: string): Promise<void>;
}

export type MaterialStatus = 'uploading' | 'failed' | 'complete';

export interface MaterialFile {
  /** Local id, for keys and buttons. */
  id: string;
  kind: MaterialKind;
  name: string;
  sizeBytes: number;
  status: MaterialStatus;
  /** Bytes the server acknowledged. */
  sent: number;
  /** Once complete. */
  uploadId?: string;
  /** Why it failed, in words. */
  error?: string;
}

/** A finished upload as the draft keeps it. */
export interface SavedMaterial {
  kind: string;
  name: string;
  sizeBytes: number;
  uploadId: string;
}

export interface MaterialsHost {
  /** Something changed that the form shows. */
  changed(): void;
  /** Says a result (finished, failed) in the polite live region. */
  announce(text: string): void;
  /** The uploader of the current client, or the reason there is none. */
  uploader(): MaterialUploader | Error;
}

const EXTENSION_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

const TYPE_NAMES: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPG',
  'image/png': 'PNG',
  'image/webp': 'WebP',
};

/** A phone's file picker may leave `type` empty: the extension then says what it claims to be. */
export function mediaTypeOf(file: { name: string; type: string }): string {
  if (file.type) return file.type;
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
  return EXTENSION_TYPES[extension] ?? '';
}

export function formatBytes(bytes: number): string {
  if (bytes <= 0) return '0 KB';
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function materialLabel(material: MaterialRequirement): string {
  return (getLocale() === 'en' ? material.label.en : material.label.zh) || material.label.zh || material.kind;
}

/** "PDF、JPG 或 PNG，每个不超过 10 MB，最多 4 个". */
export function materialHint(material: MaterialRequirement): string {
  const types = material.mediaTypes.map((type: string) => TYPE_NAMES[type] ?? type).join(' / ');
  return msg(str`${types}，每个不超过 ${formatBytes(material.maxBytes)}，最多 ${material.maxFiles} 个。`, { id: 'form.material.hint' });
}

/** Why a file cannot be a material of this kind, before it is sent; undefined when it can. */
export function refusalOf(material: MaterialRequirement, file: { name: string; type: string; size: number }, filesSoFar: number): string | undefined {
  const name = file.name;
  if (filesSoFar >= material.maxFiles) {
    return msg(str`${materialLabel(material)}最多上传 ${material.maxFiles} 个文件，“${name}”没有添加。`, { id: 'form.material.too-many' });
  }
  if (!material.mediaTypes.includes(mediaTypeOf(file) as (typeof material.mediaTypes)[number])) {
    return msg(str`“${name}”的格式不能上传，请选择 ${material.mediaTypes.map((type: string) => TYPE_NAMES[type] ?? type).join(' / ')} 文件。`, {
      id: 'form.material.wrong-type',
    });
  }
  if (file.size > material.maxBytes) {
    return msg(str`“${name}”超过 ${formatBytes(material.maxBytes)}，请压缩后再上传。`, { id: 'form.material.too-large' });
  }
  if (file.size === 0) return msg(str`“${name}”是空文件。`, { id: 'form.material.empty' });
  return undefined;
}

function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}

function problemDetail(error: unknown): string | undefined {
  const problem = (error as { problem?: { detail?: unknown; title?: unknown } } | null)?.problem;
  const status = (error as { status?: unknown } | null)?.status;
  // The server's refusals of the file itself (413 too large, 422 content not what it claims, 400 type) say why.
  if (typeof status === 'number' && [400, 413, 415, 422].includes(status)) {
    return typeof problem?.detail === 'string' ? problem.detail : typeof problem?.title === 'string' ? problem.title : undefined;
  }
  return undefined;
}

let nextId = 0;

/** The files of every slot, their uploads and what the draft keeps of them. */
export class MaterialUploads {
  private files: MaterialFile[] = [];
  private readonly blobs = new Map<string, File>();
  private readonly aborts = new Map<string, AbortController>();
  /** The last problem of each slot (a file refused before sending), until the next choice. */
  readonly slotErrors = new Map<string, string>();

  constructor(
    private readonly host: MaterialsHost,
    private readonly store: UploadStore | undefined,
  ) {}

  list(kind?: string): readonly MaterialFile[] {
    return kind === undefined ? this.files : this.files.filter((file) => file.kind === kind);
  }

  /** The finished uploads, as `attachments` of the application. */
  attachments(): { kind: MaterialKind; uploadId: string }[] {
    return this.files.filter((file) => file.status === 'complete' && file.uploadId).map((file) => ({ kind: file.kind, uploadId: file.uploadId! }));
  }

  saved(): SavedMaterial[] {
    return this.files
      .filter((file) => file.status === 'complete' && file.uploadId)
      .map(({ kind, name, sizeBytes, uploadId }) => ({ kind, name, sizeBytes, uploadId: uploadId! }));
  }

  /** Replaces every file with a draft's finished uploads (unfinished ones need their file chosen again). */
  restore(saved: readonly SavedMaterial[]): void {
    this.clear();
    this.files = saved.map((item) => ({
      id: `m${(nextId += 1)}`,
      kind: item.kind as MaterialKind,
      name: item.name,
      sizeBytes: item.sizeBytes,
      sent: item.sizeBytes,
      status: 'complete',
      uploadId: item.uploadId,
    }));
    this.slotErrors.clear();
  }

  /** Adds the chosen files to a slot and starts their uploads; refused files are said at the slot. */
  add(material: MaterialRequirement, chosen: readonly File[]): void {
    this.slotErrors.delete(material.kind);
    const problems: string[] = [];
    for (const file of chosen) {
      const count = this.files.filter((item) => item.kind === material.kind).length;
      const refusal = refusalOf(material, file, count);
      if (refusal) {
        problems.push(refusal);
        continue;
      }
      const item: MaterialFile = { id: `m${(nextId += 1)}`, kind: material.kind, name: file.name, sizeBytes: file.size, sent: 0, status: 'uploading' };
      this.files = [...this.files, item];
      this.blobs.set(item.id, file);
      void this.upload(item.id);
    }
    if (problems.length) this.slotErrors.set(material.kind, problems.join(' '));
    this.host.changed();
  }

  private update(id: string, change: Partial<MaterialFile>): MaterialFile | undefined {
    let updated: MaterialFile | undefined;
    this.files = this.files.map((file) => (file.id === id ? (updated = { ...file, ...change }) : file));
    return updated;
  }

  private async upload(id: string): Promise<void> {
    const file = this.blobs.get(id);
    const item = this.files.find((candidate) => candidate.id === id);
    if (!file || !item) return;
    const uploader = this.host.uploader();
    if (uploader instanceof Error) {
      this.update(id, { status: 'failed', error: describeError(uploader) });
      this.host.changed();
      return;
    }
    const abort = new AbortController();
    this.aborts.set(id, abort);
    this.update(id, { status: 'uploading', error: undefined });
    this.host.changed();
    try {
      const uploaded = await uploader.uploadMaterial(file, {
        kind: item.kind,
        signal: abort.signal,
        resume: true,
        store: this.store,
        onProgress: (sent) => {
          if (!abort.signal.aborted) {
            this.update(id, { sent });
            this.host.changed();
          }
        },
      });
      if (abort.signal.aborted) return;
      this.blobs.delete(id);
      this.update(id, { status: 'complete', sent: item.sizeBytes, uploadId: uploaded.uploadId, name: uploaded.name || item.name });
      this.host.announce(msg(str`${item.name} 已上传。`, { id: 'form.material.done' }));
    } catch (error) {
      if (isAbort(error) || abort.signal.aborted) return;
      const reason = problemDetail(error);
      // A file the server refused will be refused again: no retry for it, only removal.
      if (reason) this.blobs.delete(id);
      const message = reason ?? describeError(error);
      this.update(id, { status: 'failed', error: message });
      this.host.announce(msg(str`${item.name} 上传失败：${message}`, { id: 'form.material.failed' }));
    } finally {
      if (this.aborts.get(id) === abort) this.aborts.delete(id);
      this.host.changed();
    }
  }

  /** Whether a failed file can be sent again (its bytes are still here, and the server did not refuse them). */
  canRetry(id: string): boolean {
    return this.blobs.has(id);
  }

  /** Sends a failed file again, from what the server acknowledged. */
  retry(id: string): void {
    if (this.blobs.has(id)) void this.upload(id);
  }

  /** Stops an upload or removes a file; a finished upload is deleted on the server too. */
  remove(id: string): void {
    const item = this.files.find((file) => file.id === id);
    if (!item) return;
    this.aborts.get(id)?.abort();
    this.aborts.delete(id);
    this.blobs.delete(id);
    this.files = this.files.filter((file) => file.id !== id);
    if (item.status === 'complete' && item.uploadId) {
      const uploader = this.host.uploader();
      // Best effort: an upload nobody attaches expires on the server anyway.
      if (!(uploader instanceof Error)) uploader.deleteUpload(item.uploadId).catch(() => undefined);
    }
    this.host.changed();
  }

  /**
   * Stops every upload in flight (the element left the page). They show as interrupted, and a retry
   * continues from what the server acknowledged.
   */
  cancelAll(): void {
    for (const abort of this.aborts.values()) abort.abort();
    this.aborts.clear();
    const interrupted = msg('上传已中断。', { id: 'form.material.interrupted' });
    this.files = this.files.map((file): MaterialFile => (file.status === 'uploading' ? { ...file, status: 'failed', error: interrupted } : file));
  }

  /** Forgets every file (after submission, or when starting again); finished uploads stay on the server. */
  clear(): void {
    this.cancelAll();
    this.blobs.clear();
    this.files = [];
    this.slotErrors.clear();
  }

  /** Problems that stop a submission, by material kind: a required one missing, uploads unfinished. */
  problems(materials: readonly MaterialRequirement[]): Map<string, string> {
    const problems = new Map<string, string>();
    for (const material of materials) {
      const files = this.list(material.kind);
      if (files.some((file) => file.status === 'uploading')) {
        problems.set(material.kind, msg(str`${materialLabel(material)}还在上传，请等上传完成后再提交。`, { id: 'form.material.busy' }));
      } else if (files.some((file) => file.status === 'failed')) {
        problems.set(material.kind, msg(str`${materialLabel(material)}有文件没有上传成功：请重试或删除它。`, { id: 'form.material.has-failed' }));
      } else if (material.required && !files.some((file) => file.status === 'complete')) {
        problems.set(material.kind, msg(str`请上传${materialLabel(material)}。`, { id: 'form.material.required' }));
      }
    }
    return problems;
  }
}

/**
 * Unfinished uploads remembered across reloads in `localStorage` (tus-js-client's URL storage
 * contract): choosing the same file again continues where the server stopped. Storage may be
 * refused; the uploads then resume within the page's life only.
 */
export class LocalUploadStore implements UploadStore {
  constructor(private readonly prefix: string) {}

  private entries(): [string, { fingerprint: string; upload: PreviousUpload }][] {
    const found: ReturnType<LocalUploadStore['entries']> = [];
    try {
      for (let index = 0; index < localStorage.length; index += 1) {
        const key = localStorage.key(index);
        if (!key?.startsWith(this.prefix)) continue;
        const value = JSON.parse(localStorage.getItem(key) ?? 'null');
        if (value && typeof value.fingerprint === 'string' && typeof value.upload === 'object') found.push([key, value]);
      }
    } catch {
      // Refused or corrupt storage: nothing to resume.
    }
    return found;
  }

  async findAllUploads() {
    return this.entries().map(([, entry]) => entry.upload);
  }

  async findUploadsByFingerprint(fingerprint: string) {
    return this.entries()
      .filter(([, entry]) => entry.fingerprint === fingerprint)
      .map(([, entry]) => entry.upload);
  }

  async removeUpload(urlStorageKey: string) {
    try {
      localStorage.removeItem(urlStorageKey);
    } catch {
      // As above.
    }
  }

  async addUpload(fingerprint: string, upload: PreviousUpload) {
    const key = `${this.prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    try {
      localStorage.setItem(key, JSON.stringify({ fingerprint, upload: { ...upload, urlStorageKey: key } }));
    } catch {
      // As above.
    }
    return key;
  }
}
