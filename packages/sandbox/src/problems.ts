import type { FieldError, Problem } from '@citybrain/contract';

/** RFC 9457 problem details (the contract's `Problem`): every failure the sandbox reports is one of these. */
export type { FieldError };
export type ProblemBody = Problem;

const PROBLEM_BASE = 'https://citybrain.nanhai.gov.cn/problems/';

export class ProblemError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly reasonCode?: string;
  readonly errors?: FieldError[];
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    kind: string,
    title: string,
    detail?: string,
    extra: { code?: string; errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? title);
    this.status = status;
    this.type = PROBLEM_BASE + kind;
    this.title = title;
    this.reasonCode = extra.code;
    this.errors = extra.errors;
    this.headers = extra.headers ?? {};
  }

  toBody(instance: string, requestId: string): ProblemBody {
    const body: ProblemBody = { type: this.type, title: this.title, status: this.status, instance, requestId };
    if (this.message && this.message !== this.title) body.detail = this.message;
    if (this.reasonCode) body.code = this.reasonCode;
    if (this.errors?.length) body.errors = this.errors;
    return body;
  }
}

export const badRequest = (detail: string, errors?: FieldError[], code?: string) =>
  new ProblemError(400, 'validation', '请求参数校验失败', detail, { errors, code });
export const unauthorized = (detail = '缺少或无效的访问令牌') =>
  new ProblemError(401, 'unauthorized', '未认证或令牌已过期', detail, {
    headers: { 'www-authenticate': `Bearer realm="citybrain", error="invalid_token"` },
  });
export const forbidden = (detail: string) => new ProblemError(403, 'forbidden', '无权访问', detail);
export const notFound = (detail: string) => new ProblemError(404, 'not-found', '资源不存在', detail);
export const conflict = (detail: string, code = 'illegal-transition') =>
  new ProblemError(409, code, '当前状态不允许该操作', detail, { code });
export const unprocessable = (detail: string, code = 'unprocessable', errors?: FieldError[]) =>
  new ProblemError(422, code, '请求无法处理', detail, { code, errors });
export const tooManyRequests = (retryAfterSeconds: number, detail = '请求过于频繁，请稍后再试') =>
  new ProblemError(429, 'rate-limited', '请求过于频繁', detail, { headers: { 'retry-after': String(retryAfterSeconds) } });
