/**
 * Resumable uploads of application materials: the tus 1.0.0 protocol of @tus/server on a file store,
 * behind the sandbox's own routes (authentication, validation and problems as for every operation).
 *
 * An upload belongs to the client that created it. Its row in SQLite holds who, what kind, the
 * sanitised name and tus's own record of the upload (length, metadata, creation date), so a restart
 * finds every upload it acknowledged; the bytes stay outside the database, in the uploads directory:
 * `partial/<uploadId>` while uploading, and once complete and checked (magic bytes, size) also
 * `sha256/<ab>/<sha256>`, by the hash of the content (one file for every upload of the same content).
 *
 * What no application takes does not stay: an unfinished upload expires a day after it started, a
 * complete one `uploadRetentionSeconds` after it completed (config.ts, on the sandbox clock), unless an
 * application took it first; expired uploads are deleted with their files before each new upload, and a
 * content file goes with the last upload of that content. Each client may hold at most
 * `pendingUploadBytesPerClient` bytes of uploads no application took, so none can fill the disk in between.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStore } from '@tus/file-store';
import { Server, Upload, type KvStore } from '@tus/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fileTypeFromFile } from 'file-type';
import {
  MATERIAL_LABELS,
  type ApplicationCreate,
  type Attachment,
  type MaterialKind,
  type MaterialMediaType,
  type MaterialRequirement,
} from '@citybrain/domain';
import type { ApprovalsComponents } from '@citybrain/contract';
import type { Principal } from '../../auth.js';
import type { Clock } from '../../clock.js';
import type { SandboxConfig } from '../../config.js';
import type { ServiceContext } from '../../context.js';
import type { Db } from '../../db.js';
import { ProblemError, badRequest, conflict, notFound, unprocessable, type FieldError } from '../../problems.js';

type UploadedMaterial = ApprovalsComponents['schemas']['UploadedMaterial'];

/** The path the contract gives the uploads (under the server URL). */
const UPLOADS_PATH = '/api/v1/approvals/uploads';
/** An unfinished upload can be resumed for a day: long enough for a village's network, short enough to bound the disk. */
const RESUMABLE_FOR_MS = 24 * 60 * 60_000;
/** The contract's `AttachmentMetadata.name` limit. */
const MAX_NAME_LENGTH = 200;
const MB = 1024 * 1024;

/** What the uploads read of the sandbox's configuration, at each use: a test may change it on a running sandbox. */
type UploadSettings = Pick<SandboxConfig, 'publicBaseUrl' | 'uploadRetentionSeconds' | 'pendingUploadBytesPerClient'>;

interface UploadRow {
  id: string;
  client_id: string;
  kind: MaterialKind;
  name: string;
  media_type: MaterialMediaType;
  size_bytes: number;
  sha256: string | null;
  status: 'uploading' | 'complete';
  expires_at: string | null;
  application_id: string | null;
}

export function migrateUploads(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS material_uploads (
      id TEXT PRIMARY KEY,
      client_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      name TEXT NOT NULL,
      media_type TEXT NOT NULL,
      size_bytes INTEGER NOT NULL,
      sha256 TEXT,
      status TEXT NOT NULL CHECK (status IN ('uploading', 'complete')),
      created_at TEXT NOT NULL,
      expires_at TEXT,
      application_id TEXT,
      tus_info TEXT
    );
    CREATE INDEX IF NOT EXISTS material_uploads_application ON material_uploads (application_id);
  `);
}

/** The same table on PostgreSQL. */
export const UPLOADS_POSTGRES = `
  CREATE TABLE material_uploads (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT,
    status TEXT NOT NULL CHECK (status IN ('uploading', 'complete')),
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C",
    application_id TEXT,
    tus_info TEXT
  );
  CREATE INDEX material_uploads_application ON material_uploads (application_id);
`;

/**
 * Retention of unlinked uploads: indexes for the sweep, the content references and the per-client
 * quota; and complete uploads that an earlier sandbox kept without expiry, which no application
 * took, expire now so that the next sweep takes them.
 */
export const UPLOAD_RETENTION_MIGRATION = `
  CREATE INDEX IF NOT EXISTS material_uploads_expiry ON material_uploads (expires_at);
  CREATE INDEX IF NOT EXISTS material_uploads_content ON material_uploads (sha256);
  CREATE INDEX IF NOT EXISTS material_uploads_client ON material_uploads (client_id);
  UPDATE material_uploads SET expires_at = created_at WHERE status = 'complete' AND application_id IS NULL AND expires_at IS NULL;
`;

// ----------------------------------------------------------------------------------- file names

/** Control and format characters (bidi overrides, zero-width joiners), line separators, path separators and what Windows refuses in a name. */
const UNSAFE_IN_NAME = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}/\\:*?"<>|]/gu;

const EXTENSIONS: Record<MaterialMediaType, string> = {
  'application/pdf': '.pdf',
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
};

/**
 * The name a file is kept and shown under: what the user's device called it, less anything that could
 * act as a path, hide or reorder characters (U+202E turns `gpj.exe` into `exe.jpg`) or break a header;
 * at most 200 characters, keeping the extension. Nothing left → the material's label.
 */
export function sanitiseFileName(raw: string | null | undefined, kind: MaterialKind, mediaType: MaterialMediaType): string {
  const cleaned = (raw ?? '').normalize('NFC').replace(UNSAFE_IN_NAME, '').replace(/\s+/g, ' ').trim().replace(/^\.+/, '');
  if (!cleaned) return `${MATERIAL_LABELS[kind]}${EXTENSIONS[mediaType]}`;
  const chars = [...cleaned];
  if (chars.length <= MAX_NAME_LENGTH) return cleaned;
  const extension = /\.[\p{L}\p{N}]{1,10}$/u.exec(cleaned)?.[0] ?? '';
  return chars.slice(0, MAX_NAME_LENGTH - [...extension].length).join('') + extension;
}

/** `Content-Disposition: attachment` with an ASCII fallback and the real name as RFC 8187 `filename*`. */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^A-Za-z0-9._-]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

// ----------------------------------------------------------------------------------- the tus server

/** A file already gone is what removing it was for. */
function unlessMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

const megabytes = (bytes: number) => `${Math.round((bytes / MB) * 10) / 10} MB`;
const hoursOrMinutes = (seconds: number) => (seconds >= 3600 ? `${Math.round(seconds / 3600)} 小时` : `${Math.ceil(seconds / 60)} 分钟`);

/** tus's record of each upload, kept in the upload's row (the file store's `configstore`). */
class UploadRecords implements KvStore<Upload> {
  constructor(
    private readonly db: Db,
    /** Called with the content hash of a deleted complete upload. */
    private readonly released: (sha256: string) => Promise<void>,
  ) {}

  async get(id: string): Promise<Upload | undefined> {
    const row = this.db.prepare('SELECT tus_info FROM material_uploads WHERE id = ?').get(id) as { tus_info: string | null } | undefined;
    return row?.tus_info ? new Upload(JSON.parse(row.tus_info)) : undefined;
  }

  async set(id: string, upload: Upload): Promise<void> {
    this.db.prepare('UPDATE material_uploads SET tus_info = ? WHERE id = ?').run(JSON.stringify(upload), id);
  }

  /** tus deletes through here (termination, content rejected). An upload an application took is never deleted: its attachment refers to it. */
  async delete(id: string): Promise<void> {
    const deleted = this.db.prepare('DELETE FROM material_uploads WHERE id = ? AND application_id IS NULL RETURNING sha256').get(id) as
      | { sha256: string | null }
      | undefined;
    if (deleted?.sha256) await this.released(deleted.sha256);
  }

  async list(): Promise<string[]> {
    return (this.db.prepare('SELECT id FROM material_uploads WHERE tus_info IS NOT NULL').all() as { id: string }[]).map((row) => row.id);
  }
}

/**
 * The file store, with each chunk on disk before its offset is acknowledged: the database commits
 * with full durability, and an acknowledged offset must survive a power cut as well as a restart.
 */
class DurableFileStore extends FileStore {
  override async write(readable: Parameters<FileStore['write']>[0], id: string, offset: number): Promise<number> {
    const end = await super.write(readable, id, offset);
    const file = await open(join(this.directory, id), 'r+');
    try {
      await file.datasync();
    } finally {
      await file.close();
    }
    return end;
  }
}

/** What the tus hooks need of the request they run for: tus hands them its own `Request`, which this maps back. */
interface Call {
  principal: Principal;
  uploadId: string | null;
  /** A problem a hook refused the request with; tus itself only knows a status and a text. */
  refusal?: ProblemError;
}

/** The problem type and title of each status tus answers itself. */
const TUS_PROBLEMS: Record<number, [kind: string, title: string]> = {
  400: ['bad-request', '上传请求无效'],
  403: ['forbidden', '无权访问'],
  404: ['not-found', '资源不存在'],
  409: ['upload-offset-mismatch', '上传偏移量与服务器不一致'],
  410: ['upload-expired', '上传已过期'],
  412: ['precondition-failed', '前提条件不满足'],
  413: ['upload-too-large', '文件过大'],
  415: ['unsupported-media-type', '不支持的请求体媒体类型'],
  423: ['upload-locked', '上传正被另一请求占用'],
};

function tusProblem(status: number, text: string): ProblemError {
  const [kind, title] = TUS_PROBLEMS[status] ?? ['internal', '服务器内部错误'];
  return new ProblemError(status in TUS_PROBLEMS ? status : 500, kind, title, text || title, status === 412 ? { headers: { 'tus-version': '1.0.0' } } : {});
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

export class MaterialUploads {
  private readonly calls = new WeakMap<Request, Call>();
  private readonly store: DurableFileStore;
  private readonly tus: Server;
  private readonly partialDir: string;
  private readonly contentDir: string;
  /** The content files' links and unlinks, one after another (see `serially`). */
  private contentSteps: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    dir: string,
    private readonly materials: readonly MaterialRequirement[],
    /** The public base URL is read when a Location is made: a forged `Host` header never shapes one. */
    private readonly settings: UploadSettings,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.partialDir = join(dir, 'partial');
    this.contentDir = join(dir, 'sha256');
    const records = new UploadRecords(db, (sha256) => this.serially(() => this.unlinkUnreferenced(sha256)));
    this.store = new DurableFileStore({ directory: this.partialDir, configstore: records, expirationPeriodInMilliseconds: RESUMABLE_FOR_MS });
    this.tus = new Server({
      path: UPLOADS_PATH,
      datastore: this.store,
      generateUrl: (_req, { path, id }) => `${settings.publicBaseUrl ?? ''}${path}/${id}`,
      maxSize: Math.max(...materials.map((m) => m.maxBytes)),
      // The route's validated path parameter, not tus's own reading of the URL.
      getFileIdFromRequest: (req) => this.callOf(req).uploadId ?? undefined,
      onUploadCreate: async (req, upload) => this.admit(req, upload),
      onUploadFinish: async (req, upload) => this.accept(req, upload),
    });
  }

  private callOf(req: Request): Call {
    const call = this.calls.get(req);
    if (!call) throw new Error('a tus hook ran for a request the sandbox did not hand over');
    return call;
  }

  /** Refuses the request with `problem`: tus answers its hook's error with a bare status, the route answers the problem. */
  private refuse(req: Request, problem: ProblemError): ProblemError {
    this.callOf(req).refusal = problem;
    return problem;
  }

  /**
   * Runs the content files' steps one at a time: without it, a deletion could find no upload of a
   * content and unlink its file just as a finishing upload of the same content found the file there.
   */
  private serially<T>(step: () => Promise<T>): Promise<T> {
    const run = this.contentSteps.then(step);
    this.contentSteps = run.catch(() => undefined);
    return run;
  }

  /** Unlinks a content file once no upload refers to it (call it `serially`). */
  private async unlinkUnreferenced(sha256: string): Promise<void> {
    if (this.db.prepare('SELECT 1 FROM material_uploads WHERE sha256 = ? LIMIT 1').get(sha256)) return;
    await unlink(this.contentPath(sha256)).catch(unlessMissing);
  }

  private expiresAfter(ms: number): string {
    return new Date(this.clock.now().getTime() + ms).toISOString();
  }

  /** A new upload: a kind of the process, a declared type it accepts, a length within its limit and the client's quota. */
  private async admit(req: Request, upload: Upload): Promise<Record<string, never>> {
    const { principal } = this.callOf(req);
    const metadata = upload.metadata ?? {};
    const requirement = this.materials.find((m) => m.kind === metadata.kind);
    if (!requirement) {
      throw this.refuse(req, badRequest(`Upload-Metadata 的 kind（${metadata.kind ?? '缺失'}）不是本流程的材料类型`, [
        { name: 'header/upload-metadata', reason: `kind must be one of ${this.materials.map((m) => m.kind).join(', ')}` },
      ]));
    }
    const declared = requirement.mediaTypes.find((type) => type === metadata.filetype);
    if (!declared) {
      throw this.refuse(req, badRequest(`${requirement.label.zh}只接受 ${requirement.mediaTypes.join('、')}，声明的类型为 ${metadata.filetype ?? '（缺失）'}`, [
        { name: 'header/upload-metadata', reason: `filetype must be one of ${requirement.mediaTypes.join(', ')}` },
      ]));
    }
    const size = upload.size ?? 0;
    if (size > requirement.maxBytes) {
      throw this.refuse(req, new ProblemError(413, 'upload-too-large', '文件过大', `${requirement.label.zh}不得大于 ${megabytes(requirement.maxBytes)}`, {
        errors: [{ name: 'header/upload-length', reason: `at most ${requirement.maxBytes} bytes` }],
      }));
    }
    const now = this.clock.now().toISOString();
    // Read and written with no await between: two uploads started at once cannot both pass on the same remainder.
    const pending = Number((this.db.prepare(
      'SELECT COALESCE(SUM(size_bytes), 0) AS bytes FROM material_uploads WHERE client_id = ? AND application_id IS NULL AND expires_at > ?',
    ).get(principal.clientId, now) as { bytes: number | string }).bytes);
    const quota = this.settings.pendingUploadBytesPerClient;
    if (pending + size > quota) {
      throw this.refuse(req, new ProblemError(413, 'upload-quota-exceeded', '待提交的上传已达上限',
        `尚未用于申请的上传已有 ${megabytes(pending)}，再加 ${megabytes(size)} 将超过每个客户端 ${megabytes(quota)} 的上限：` +
        `请先提交申请或取消不用的上传；未用于申请的上传在 ${hoursOrMinutes(this.settings.uploadRetentionSeconds)}后自动删除`, {
          code: 'upload-quota-exceeded',
          errors: [{ name: 'header/upload-length', reason: `${quota - pending} bytes left of the ${quota} bytes a client may hold in uploads no application took` }],
        }));
    }
    this.db.prepare(
      `INSERT INTO material_uploads (id, client_id, kind, name, media_type, size_bytes, status, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, 'uploading', ?, ?)`,
    ).run(upload.id, principal.clientId, requirement.kind, sanitiseFileName(metadata.filename, requirement.kind, declared), declared,
      size, now, this.expiresAfter(RESUMABLE_FOR_MS));
    return {};
  }

  /**
   * The last byte arrived: the content must be what was declared, by its magic bytes (an HTML page
   * declared as image/png is not an image), else the upload is deleted. Then it is kept by its hash,
   * until an application takes it or its retention ends.
   */
  private async accept(req: Request, upload: Upload): Promise<Record<string, never>> {
    const row = this.row(upload.id)!;
    const path = join(this.partialDir, upload.id);
    const detected = (await fileTypeFromFile(path))?.mime;
    if (detected !== row.media_type) {
      await this.store.remove(upload.id);
      throw this.refuse(req, unprocessable(
        `文件内容${detected ? `为 ${detected}` : '无法识别'}，与声明的类型 ${row.media_type} 不符；上传已删除`,
        'upload-content-rejected',
        [{ name: 'body', reason: `content is ${detected ?? 'of no known type'}, declared ${row.media_type}` }],
      ));
    }
    const sha256 = await sha256Of(path);
    await this.serially(async () => {
      const stored = this.contentPath(sha256);
      await mkdir(dirname(stored), { recursive: true });
      // The same content uploaded before is already there: one copy serves both.
      await link(path, stored).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      const kept = this.db.prepare("UPDATE material_uploads SET status = 'complete', sha256 = ?, expires_at = ? WHERE id = ?")
        .run(sha256, this.expiresAfter(this.settings.uploadRetentionSeconds * 1000), upload.id);
      // Deleted while its last bytes arrived: its content must not stay behind.
      if (kept.changes === 0) await this.unlinkUnreferenced(sha256);
    });
    return {};
  }

  private row(id: string): UploadRow | undefined {
    return this.db.prepare('SELECT * FROM material_uploads WHERE id = ?').get(id) as UploadRow | undefined;
  }

  /** The caller's own upload; anyone else's is as absent as an unknown one. */
  ownUpload(principal: Principal, id: string): UploadRow {
    const row = this.row(id);
    if (!row || row.client_id !== principal.clientId) throw notFound(`上传 ${id} 不存在`);
    return row;
  }

  contentPath(sha256: string): string {
    return join(this.contentDir, sha256.slice(0, 2), sha256);
  }

  async describe(row: UploadRow): Promise<UploadedMaterial> {
    const offset = row.status === 'complete' ? row.size_bytes : (await stat(join(this.partialDir, row.id)).catch(() => ({ size: 0 }))).size;
    return {
      uploadId: row.id,
      kind: row.kind,
      name: row.name,
      mediaType: row.media_type,
      sizeBytes: row.size_bytes,
      offset,
      sha256: row.sha256,
      status: row.status,
      expiresAt: row.expires_at,
      applicationId: row.application_id,
    };
  }

  /**
   * Hands a tus request (POST, HEAD, PATCH, DELETE) to @tus/server and answers with what it answered:
   * its headers less its CORS ones (the sandbox's CORS applies), or a problem for a refusal.
   */
  async relay(req: FastifyRequest, reply: FastifyReply, uploadId: string | null): Promise<FastifyReply> {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const withBody = req.method === 'PATCH' || req.method === 'POST';
    const request = new Request(`http://sandbox${req.url}`, {
      method: req.method,
      headers,
      body: withBody ? (Readable.toWeb(req.raw) as ReadableStream<Uint8Array>) : null,
      // Node's fetch streams a request body only half-duplex.
      ...(withBody ? { duplex: 'half' } : {}),
    } as RequestInit);
    const call: Call = { principal: req.principal, uploadId };
    this.calls.set(request, call);
    const response = await this.tus.handleWeb(request);
    if (call.refusal) throw call.refusal;
    if (response.status >= 400) throw tusProblem(response.status, (await response.text()).trim());
    for (const [name, value] of response.headers) {
      if (!name.startsWith('access-control-') && name !== 'content-length') reply.header(name, value);
    }
    return reply.code(response.status).send();
  }

  /**
   * Deletes the uploads past their expiry that no application took, with their files: unfinished ones
   * (tus's expiration extension) and complete ones never used. Run before each new upload: only new
   * uploads add to the uploads directory, so what expired never piles up there.
   */
  async dropExpired(): Promise<void> {
    // One statement finds and deletes: an application that takes an upload meanwhile keeps it.
    const expired = this.db.prepare('DELETE FROM material_uploads WHERE application_id IS NULL AND expires_at <= ? RETURNING id, sha256')
      .all(this.clock.now().toISOString()) as { id: string; sha256: string | null }[];
    for (const { id, sha256 } of expired) {
      // The partial file, or a complete file's second name.
      await unlink(join(this.partialDir, id)).catch(unlessMissing);
      if (sha256) await this.serially(() => this.unlinkUnreferenced(sha256));
    }
  }

  /** Deletes an upload not yet part of an application (tus termination). */
  async terminate(req: FastifyRequest, reply: FastifyReply, row: UploadRow): Promise<FastifyReply> {
    if (row.application_id) throw conflict(`上传 ${row.id} 已是申请 ${row.application_id} 的材料，不能删除`, 'upload-linked');
    return this.relay(req, reply, row.id);
  }

  /**
   * An application's attachments with each upload (`{ kind, uploadId }`) replaced by what was stored:
   * the caller's own complete upload of that kind, not yet part of an application nor expired; and no
   * kind with more files than the process allows, counting those the application has (`attached`, on a
   * resubmission). Every offending field is named (422).
   */
  resolveAttachments(
    principal: Principal,
    attachments: NonNullable<ApplicationCreate['attachments']>,
    attached: readonly Pick<Attachment, 'kind'>[] = [],
  ): Omit<Attachment, 'id' | 'uploadedAt'>[] {
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    const now = this.clock.now().toISOString();
    const resolved = attachments.map((attachment, index) => {
      if (!('uploadId' in attachment)) return attachment;
      const field = `body/attachments/${index}/uploadId`;
      const row = this.row(attachment.uploadId);
      if (!row || row.client_id !== principal.clientId) errors.push({ name: field, reason: `上传 ${attachment.uploadId} 不存在` });
      else if (row.status !== 'complete') errors.push({ name: field, reason: `上传 ${row.id} 尚未完成` });
      else if (row.application_id) errors.push({ name: field, reason: `上传 ${row.id} 已是申请 ${row.application_id} 的材料` });
      else if (row.expires_at !== null && row.expires_at <= now) errors.push({ name: field, reason: `上传 ${row.id} 已过期，请重新上传` });
      else if (seen.has(row.id)) errors.push({ name: field, reason: `上传 ${row.id} 重复` });
      else if (row.kind !== attachment.kind) errors.push({ name: `body/attachments/${index}/kind`, reason: `上传 ${row.id} 是 ${row.kind}，不是 ${attachment.kind}` });
      seen.add(attachment.uploadId);
      return row && row.sha256
        ? { kind: row.kind, name: row.name, mediaType: row.media_type, sizeBytes: row.size_bytes, sha256: row.sha256, uploadId: row.id }
        : null;
    });
    for (const material of this.materials) {
      const count = attachments.filter((a) => a.kind === material.kind).length;
      const before = attached.filter((a) => a.kind === material.kind).length;
      if (count && before + count > material.maxFiles) {
        errors.push({ name: 'body/attachments', reason: `${material.label.zh}最多 ${material.maxFiles} 个文件，${before ? `申请已有 ${before} 个，又` : ''}提交了 ${count} 个` });
      }
    }
    if (errors.length) throw unprocessable(errors.map((e) => `${e.name} ${e.reason}`).join('; '), 'attachments-invalid', errors);
    return resolved as Omit<Attachment, 'id' | 'uploadedAt'>[];
  }

  /** Makes the resolved uploads part of `applicationId`, in the caller's transaction: kept from now on. */
  link(attachments: readonly Omit<Attachment, 'id' | 'uploadedAt'>[], applicationId: string): void {
    const claim = this.db.prepare('UPDATE material_uploads SET application_id = ?, expires_at = NULL WHERE id = ? AND application_id IS NULL');
    for (const { uploadId } of attachments) {
      if (uploadId && claim.run(applicationId, uploadId).changes !== 1) {
        throw conflict(`上传 ${uploadId} 已是另一申请的材料`, 'upload-linked');
      }
    }
  }

  /** Who uploaded the file of an application's attachment, and where its content is. */
  content(uploadId: string): { clientId: string; path: string; row: UploadRow } | null {
    const row = this.row(uploadId);
    return row?.sha256 ? { clientId: row.client_id, path: this.contentPath(row.sha256), row } : null;
  }
}

const uploadsByContext = new WeakMap<ServiceContext, MaterialUploads>();

/** The sandbox's uploads (one tus server and store per running sandbox). */
export function materialUploads(ctx: ServiceContext, materials: readonly MaterialRequirement[]): MaterialUploads {
  let uploads = uploadsByContext.get(ctx);
  if (!uploads) {
    uploads = new MaterialUploads(ctx.db, ctx.config.uploadsDir!, materials, ctx.config, ctx.clock);
    uploadsByContext.set(ctx, uploads);
  }
  return uploads;
}
