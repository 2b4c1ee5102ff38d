/**
 * MSW handlers that answer <cb-application-form> like the platform does: the homestead process
 * definition as the domain package describes it (the sandbox serves the same document), the
 * creation of an application with its replay per Idempotency-Key, the server's field problems,
 * and failures.
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

/** Accepts every application after `latency` ms; the same Idempotency-Key gets the same answer. */
export function acceptingHandlers(latency = 800): HttpHandler[] {
  const byKey = new Map<string, Record<string, string | null>>();
  let sequence = 122;
  return [
    definitionHandler(),
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
    http.post('*/api/v1/approvals/applications', () => problem(503, 'Service Unavailable', '审批系统正在维护，预计 10 分钟后恢复。')),
  ];
}
