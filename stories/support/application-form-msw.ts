/**
 * MSW handlers that answer <cb-application-form> like the platform does: the homestead process
 * definition as the domain package describes it (the sandbox serves the same document, materials
 * included), tus 1.0.0 material uploads (slow enough to watch, or refused), the creation of an
 * application with its replay per Idempotency-Key, the server's field problems, and failures.
 */
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { createHomesteadProcess, definitionDocument } from '@citybrain/domain';
import { problem } from './approval-status-msw.js';

const definition = definitionDocument(createHomesteadProcess());

function definitionHandler(): HttpHandler {
  return http.get('*/api/v1/approvals/process-definitions/:key', ({ params }) =>
    params.key === definition.key ? HttpResponse.json(definition) : problem(404, '资源不存在', `流程 ${String(params.key)} 不存在`),
  );
}

interface StoredUpload {
  uploadId: string;
  kind: string;
  name: string;
  mediaType: string;
  sizeBytes: number;
  offset: number;
}

function metadataOf(header: string | null): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of (header ?? '').split(',')) {
    const [key, value = ''] = pair.trim().split(' ');
    if (key) values[key] = new TextDecoder().decode(Uint8Array.from(atob(value), (c) => c.charCodeAt(0)));
  }
  return values;
}

const TUS = { 'tus-resumable': '1.0.0' };

export interface UploadBehaviour {
  /** Milliseconds each chunk takes, so progress can be watched. */
  chunkDelay?: number;
  /** Refuse the finished file as the sandbox does when its content is not what it claims (422). */
  refuse?: boolean;
}

/** tus 1.0.0 at /approvals/uploads: creation, offset, chunks, the finished upload, cancel. */
export function uploadHandlers({ chunkDelay = 150, refuse = false }: UploadBehaviour = {}): HttpHandler[] {
  const uploads = new Map<string, StoredUpload>();
  let sequence = 0;
  const describe = (upload: StoredUpload) => ({
    ...upload,
    sha256: '7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d',
    status: upload.offset >= upload.sizeBytes ? 'complete' : 'incomplete',
    expiresAt: null,
    applicationId: null,
  });
  return [
    http.post('*/api/v1/approvals/uploads', ({ request }) => {
      const metadata = metadataOf(request.headers.get('upload-metadata'));
      sequence += 1;
      const uploadId = `sbupload${String(sequence).padStart(8, '0')}`;
      uploads.set(uploadId, {
        uploadId,
        kind: metadata.kind ?? 'OTHER',
        name: metadata.filename ?? 'file',
        mediaType: metadata.filetype ?? 'application/octet-stream',
        sizeBytes: Number(request.headers.get('upload-length')),
        offset: 0,
      });
      return new HttpResponse(null, { status: 201, headers: { ...TUS, location: `/api/v1/approvals/uploads/${uploadId}` } });
    }),
    http.head('*/api/v1/approvals/uploads/:id', ({ params }) => {
      const upload = uploads.get(String(params.id));
      if (!upload) return new HttpResponse(null, { status: 404, headers: TUS });
      return new HttpResponse(null, { headers: { ...TUS, 'upload-offset': String(upload.offset), 'upload-length': String(upload.sizeBytes), 'cache-control': 'no-store' } });
    }),
    http.patch('*/api/v1/approvals/uploads/:id', async ({ params, request }) => {
      const upload = uploads.get(String(params.id));
      if (!upload) return problem(404, '资源不存在', '上传不存在');
      const bytes = (await request.arrayBuffer()).byteLength;
      await delay(chunkDelay);
      upload.offset += bytes;
      if (refuse && upload.offset >= upload.sizeBytes) {
        uploads.delete(upload.uploadId);
        return problem(422, '文件内容与声明的类型不符', `“${upload.name}”的内容不是 ${upload.mediaType} 文件，已拒收。`);
      }
      return new HttpResponse(null, { status: 204, headers: { ...TUS, 'upload-offset': String(upload.offset) } });
    }),
    http.get('*/api/v1/approvals/uploads/:id', ({ params }) => {
      const upload = uploads.get(String(params.id));
      return upload ? HttpResponse.json(describe(upload)) : problem(404, '资源不存在', '上传不存在');
    }),
    http.delete('*/api/v1/approvals/uploads/:id', ({ params }) => {
      uploads.delete(String(params.id));
      return new HttpResponse(null, { status: 204, headers: TUS });
    }),
  ];
}

/** Accepts every application after `latency` ms; the same Idempotency-Key gets the same answer. */
export function acceptingHandlers(latency = 800, uploads: UploadBehaviour = {}): HttpHandler[] {
  const byKey = new Map<string, Record<string, string | null>>();
  let sequence = 122;
  return [
    definitionHandler(),
    ...uploadHandlers(uploads),
    http.post('*/api/v1/approvals/applications', async ({ request }) => {
      await delay(latency);
      const key = request.headers.get('idempotency-key') ?? '';
      if (!byKey.has(key)) {
        sequence += 1;
        const id = `ZJD-440605124-2026-000${sequence}`;
        byKey.set(key, {
          id,
          trackingNo: id,
          verificationCode: String(618204 + sequence).slice(-6),
          status: 'SUBMITTED',
          stage: 'GROUP_REVIEW',
          submittedAt: new Date().toISOString(),
          totalDueAt: null,
        });
      }
      return HttpResponse.json(byKey.get(key)!, { status: 201 });
    }),
  ];
}

/** The server refuses what only it can know: a village outside the district, a point outside the village. */
export function refusingHandlers(): HttpHandler[] {
  return [
    definitionHandler(),
    ...uploadHandlers(),
    http.post('*/api/v1/approvals/applications', async () => {
      await delay(400);
      return HttpResponse.json(
        {
          type: 'https://citybrain.nanhai.gov.cn/problems/validation',
          title: '请求参数校验失败',
          status: 400,
          requestId: 'sb-form-1',
          errors: [
            { name: 'body/villageCode', reason: '440605124299 不是南海区的村（居）代码' },
            { name: 'body/location', reason: '点位不在所选村居内' },
          ],
        },
        { status: 400, headers: { 'content-type': 'application/problem+json' } },
      );
    }),
  ];
}

/** The service is down: the submission fails and may be retried with the same key. */
export function unavailableHandlers(): HttpHandler[] {
  return [
    definitionHandler(),
    ...uploadHandlers(),
    http.post('*/api/v1/approvals/applications', () => problem(503, 'Service Unavailable', '审批系统正在维护，预计 10 分钟后恢复。')),
  ];
}
