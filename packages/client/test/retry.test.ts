import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  backoffDelay,
  decideRetry,
  DEFAULT_RETRY,
  isReplayable,
  parseRetryAfter,
  resolveRetryPolicy,
  type RetryQuestion,
} from '../src/retry.js';
import {
  apiErrorFor,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NetworkError,
  AbortError,
  RateLimitedError,
  ResponseFormatError,
  ServerError,
  TimeoutError,
  type CityBrainError,
} from '../src/errors.js';

const at = { method: 'GET', url: 'http://sandbox/api/v1/regions' };

function ask(error: CityBrainError, overrides: Partial<RetryQuestion> = {}) {
  return decideRetry({ error, retryNumber: 1, policy: DEFAULT_RETRY, replayable: true, keyed: false, remainingMs: 60_000, random: () => 0.5, ...overrides });
}

describe('Retry-After', () => {
  it('reads delay-seconds, including fractions', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter(' 0.5 '), 500);
    assert.equal(parseRetryAfter('0'), 0);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    const now = Date.parse('2026-03-02T08:00:00Z');
    assert.equal(parseRetryAfter('Mon, 02 Mar 2026 08:00:07 GMT', now), 7000);
    assert.equal(parseRetryAfter('Mon, 02 Mar 2026 07:59:00 GMT', now), 0);
  });

  it('ignores absent, empty, negative and unreadable values', () => {
    for (const value of [null, undefined, '', '-5', 'soon', '12abc']) assert.equal(parseRetryAfter(value), undefined, String(value));
  });
});

describe('backoff', () => {
  it('doubles the ceiling per retry up to maxDelay and draws uniformly below it (full jitter)', () => {
    const policy = { baseDelay: 100, maxDelay: 1000 };
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.999999)), [99, 199, 399, 799, 999]);
    assert.equal(backoffDelay(3, policy, () => 0), 0);
    assert.equal(backoffDelay(3, policy, () => 0.5), 200);
  });

  it('spreads real random draws over the whole interval', () => {
    const draws = Array.from({ length: 400 }, () => backoffDelay(2, { baseDelay: 500, maxDelay: 10_000 }));
    assert.ok(draws.every((d) => d >= 0 && d < 1000));
    assert.ok(draws.some((d) => d < 250) && draws.some((d) => d >= 750), 'full jitter covers both ends of [0, 1000)');
  });
});

describe('retry policy', () => {
  it('merges settings: false disables, a number sets attempts, objects override single fields', () => {
    assert.equal(resolveRetryPolicy(false).maxAttempts, 1);
    assert.equal(resolveRetryPolicy(5).maxAttempts, 5);
    const merged = resolveRetryPolicy({ baseDelay: 10, maxDelay: undefined });
    assert.equal(merged.baseDelay, 10);
    assert.equal(merged.maxDelay, DEFAULT_RETRY.maxDelay);
  });

  it('refuses attempt counts and delays that are NaN, negative or not numbers', () => {
    assert.throws(() => resolveRetryPolicy(Number.NaN), { name: 'RangeError', message: /retry must be a number ≥ 0, got NaN/ });
    assert.throws(() => resolveRetryPolicy(-1), RangeError);
    assert.throws(() => resolveRetryPolicy({ maxAttempts: Number.NaN }), { name: 'RangeError', message: /retry\.maxAttempts/ });
    assert.throws(() => resolveRetryPolicy({ baseDelay: -100 }), { name: 'RangeError', message: /retry\.baseDelay/ });
    assert.throws(() => resolveRetryPolicy({ maxDelay: '5000' as never }), { name: 'TypeError', message: /retry\.maxDelay must be a number/ });
    assert.throws(() => resolveRetryPolicy({ statusCodes: '503' as never }), { name: 'TypeError', message: /retry\.statusCodes/ });
    assert.throws(() => resolveRetryPolicy(true as never), { name: 'TypeError', message: /retry must be false, a number/ });
    assert.equal(resolveRetryPolicy(0).maxAttempts, 1, '0 still means a single attempt');
  });

  it('treats only idempotent methods, or keyed writes, as replayable', () => {
    for (const method of ['GET', 'head', 'PUT', 'DELETE', 'OPTIONS']) assert.ok(isReplayable(method, false), method);
    for (const method of ['POST', 'PATCH']) {
      assert.equal(isReplayable(method, false), false, method);
      assert.ok(isReplayable(method, true), `${method} with a key`);
    }
  });

  it('retries 408, 429 and 5xx but no other 4xx', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) assert.ok(ask(apiErrorFor({ ...at, status })).retry, String(status));
    for (const status of [400, 401, 403, 404, 409, 422, 501]) assert.equal(ask(apiErrorFor({ ...at, status })).retry, false, String(status));
  });

  it('retries network errors, attempt timeouts and truncated JSON, not aborts, the total budget or HTML pages', () => {
    assert.ok(ask(new NetworkError(at)).retry);
    assert.ok(ask(new TimeoutError({ ...at, phase: 'attempt', timeoutMs: 10 })).retry);
    const truncated = new ResponseFormatError({ ...at, status: 200, reason: 'invalid-json', contentType: 'application/json', bodySnippet: '{"items":[' });
    assert.ok(ask(truncated).retry);
    const html = new ResponseFormatError({ ...at, status: 200, reason: 'html-page', contentType: 'text/html', bodySnippet: '<html>' });
    assert.equal(ask(html).retry, false);
    assert.equal(ask(new AbortError(at)).retry, false);
    assert.equal(ask(new TimeoutError({ ...at, phase: 'total', timeoutMs: 10 })).retry, false);
  });

  it('never retries a write without an Idempotency-Key', () => {
    const answer = ask(new ServerError({ ...at, method: 'POST', status: 503 }), { replayable: false });
    assert.deepEqual(answer, { retry: false, reason: 'not idempotent and no Idempotency-Key' });
  });

  it('waits a jittered backoff, or exactly the Retry-After capped at maxRetryAfter', () => {
    assert.deepEqual(ask(new ServerError({ ...at, status: 503 })), { retry: true, delayMs: 250 });
    assert.deepEqual(ask(new RateLimitedError({ ...at, status: 429, retryAfter: 2000 })), { retry: true, delayMs: 2000 });
    // Without a total budget a day-long Retry-After is cut to the cap.
    assert.deepEqual(ask(new RateLimitedError({ ...at, status: 429, retryAfter: 86_400_000 }), { remainingMs: Number.POSITIVE_INFINITY }), { retry: true, delayMs: 60_000 });
  });

  it('gives up at once when Retry-After is longer than the budget left, rather than cutting it to the cap', () => {
    const hourLong = new RateLimitedError({ ...at, status: 429, retryAfter: 3_600_000 });
    assert.deepEqual(ask(hourLong, { remainingMs: 120_000 }), { retry: false, reason: 'Retry-After exceeds the total budget' });
    const capped = { ...DEFAULT_RETRY, maxRetryAfter: 100 };
    assert.equal(ask(new ServerError({ ...at, status: 503, retryAfter: 30_000 }), { remainingMs: 2_000, policy: capped }).retry, false);
  });

  it('gives up when the wait would not fit the remaining budget, or attempts are used up', () => {
    assert.equal(ask(new RateLimitedError({ ...at, status: 429, retryAfter: 5000 }), { remainingMs: 4000 }).retry, false);
    assert.equal(ask(new ServerError({ ...at, status: 503 }), { retryNumber: 3 }).retry, false);
  });

  it('retries a keyed 409 only when the problem says the original is still processing', () => {
    const inProgress = new ConflictError({ ...at, method: 'POST', status: 409, problem: { type: 'https://x/problems/idempotency-in-progress', title: '处理中', status: 409 } });
    const illegal = new ConflictError({ ...at, method: 'POST', status: 409, problem: { type: 'https://x/problems/illegal-transition', title: '状态不允许', status: 409 } });
    assert.ok(ask(inProgress, { keyed: true }).retry);
    assert.equal(ask(inProgress, { keyed: false }).retry, false);
    assert.equal(ask(illegal, { keyed: true }).retry, false);
  });
});

describe('errors by status', () => {
  it('maps each documented status to its class and keeps the problem and request id', () => {
    const problem = { type: 'https://citybrain.nanhai.gov.cn/problems/validation', title: '请求参数校验失败', status: 400, requestId: 'r-1', errors: [{ name: 'query/limit', reason: 'must be <= 1000' }] };
    const error = apiErrorFor({ ...at, status: 400, problem });
    assert.ok(error instanceof BadRequestError);
    assert.deepEqual((error as BadRequestError).fieldErrors, problem.errors);
    assert.equal(error.requestId, 'r-1');
    assert.match(error.message, /GET http:\/\/sandbox\/api\/v1\/regions → 400 请求参数校验失败 \(request id r-1\)/);
    assert.ok(apiErrorFor({ ...at, status: 403 }) instanceof ForbiddenError);
    assert.ok(apiErrorFor({ ...at, status: 507 }) instanceof ServerError);
    assert.equal(apiErrorFor({ ...at, status: 418 }).constructor.name, 'ApiError');
  });
});
