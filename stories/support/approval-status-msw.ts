/**
 * MSW handlers that answer <cb-approval-status> like the platform does: timelines of applications and
 * work orders, their event streams (SSE, kept open with pings, optionally pushing events), the public
 * lookup with its 404 for a wrong code and 429 after too many, and failures.
 */
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import type { ProcessTimeline } from '@citybrain/client';

const encoder = new TextEncoder();
let requestSequence = 0;

function headers(extra: Record<string, string> = {}): Record<string, string> {
  requestSequence += 1;
  return { 'x-request-id': `sb-approval-${requestSequence}`, ...extra };
}

export function problem(status: number, title: string, detail: string, extra: Record<string, string> = {}): HttpResponse<string> {
  const requestId = `sb-approval-${++requestSequence}`;
  return new HttpResponse(
    JSON.stringify({ type: `https://citybrain.nanhai.gov.cn/problems/${status}`, title, status, detail, requestId }),
    { status, headers: { 'content-type': 'application/problem+json', 'x-request-id': requestId, ...extra } },
  );
}

export interface StreamPush {
  /** Milliseconds after the stream opens. */
  after: number;
  data: ProcessTimeline['events'][number];
  /** Runs just before the event is sent (e.g. to switch what the timeline endpoint answers). */
  before?: () => void;
}

/** An open SSE stream: the retry interval, a ping every 15 s, and the pushed events. */
function eventStream(pushes: StreamPush[] = []): HttpResponse<ReadableStream> {
  let timers: ReturnType<typeof setTimeout>[] = [];
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode('retry: 3000\n\n'));
      const ping = setInterval(() => controller.enqueue(encoder.encode(': ping\n\n')), 15_000);
      timers.push(ping as unknown as ReturnType<typeof setTimeout>);
      for (const push of pushes) {
        timers.push(
          setTimeout(() => {
            push.before?.();
            controller.enqueue(encoder.encode(`id: ${push.data.id}\nevent: status\ndata: ${JSON.stringify(push.data)}\n\n`));
          }, push.after),
        );
      }
    },
    cancel() {
      for (const timer of timers) clearTimeout(timer);
      timers = [];
    },
  });
  return new HttpResponse(stream, { headers: headers({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }) });
}

/** Staff endpoints for one or more timelines (by id); `current` may change what they answer over time. */
export function timelineHandlers(timelines: ProcessTimeline[] | (() => ProcessTimeline[]), pushes: StreamPush[] = []): HttpHandler[] {
  const find = (id: string) => (typeof timelines === 'function' ? timelines() : timelines).find((t) => t.id === id);
  const answer = ({ params }: { params: Record<string, string | readonly string[] | undefined> }) => {
    const timeline = find(String(params.id));
    return timeline
      ? HttpResponse.json({ ...timeline, generatedAt: new Date().toISOString() }, { headers: headers() })
      : problem(404, '资源不存在', `申请 ${String(params.id)} 不存在`);
  };
  return [
    http.get('*/api/v1/approvals/applications/:id/timeline', answer),
    http.get('*/api/v1/workorders/:id/timeline', answer),
    http.get('*/api/v1/approvals/applications/:id/events', () => eventStream(pushes)),
    http.get('*/api/v1/workorders/:id/events', () => eventStream()),
  ];
}

/**
 * The public lookup: `code` unlocks `timeline` (already masked); anything else is a 404, and after
 * `limit` failures a 429 with Retry-After.
 */
export function lookupHandlers(timeline: ProcessTimeline, code: string, limit = 5): HttpHandler[] {
  let failures = 0;
  return [
    http.post('*/api/v1/approvals/lookup', async ({ request }) => {
      const body = (await request.json()) as { trackingNo?: string; verificationCode?: string };
      await delay(400);
      if (failures >= limit) return problem(429, '请求过于频繁', '查询失败次数过多，请稍后再试', { 'retry-after': '90' });
      if (body.trackingNo !== timeline.referenceNo || body.verificationCode !== code) {
        failures += 1;
        return problem(404, '资源不存在', '未找到该申请，请核对申请编号和查询码');
      }
      return HttpResponse.json({ ...timeline, generatedAt: new Date().toISOString() }, { headers: headers() });
    }),
  ];
}

export const loadingHandlers: HttpHandler[] = [
  http.get('*/api/v1/approvals/applications/:id/timeline', async () => {
    await delay('infinite');
    return HttpResponse.json({});
  }),
];

export const unavailableHandlers: HttpHandler[] = [
  http.get('*/api/v1/approvals/applications/:id/timeline', () =>
    problem(503, 'Service Unavailable', '审批系统正在维护，预计 10 分钟后恢复。', { 'retry-after': '1' }),
  ),
];
