import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expandPath, normalizeBaseUrl, serializeQuery } from '../src/url.js';
import { nextFromLinkHeader, paginate } from '../src/pagination.js';
import { PaginationError } from '../src/errors.js';
import { redactHeaders, redactUrl, REDACTED } from '../src/logging.js';
import { TokenManager } from '../src/auth.js';
import { readGatewayEnvelope } from '../src/format.js';
import { filenameFromDisposition } from '../src/resources/data.js';
import { basicCredentials } from '../src/resources/common.js';

describe('URLs', () => {
  it('fills path templates with percent-encoded values and refuses missing ones', () => {
    assert.equal(expandPath('/approvals/applications/{id}/timeline', { id: 'ZJD-440605124-2026-000123' }), '/approvals/applications/ZJD-440605124-2026-000123/timeline');
    assert.equal(expandPath('/regions/{code}', { code: 'a/b c' }), '/regions/a%2Fb%20c');
    assert.throws(() => expandPath('/regions/{code}', {}), /Missing path parameter "code"/);
  });

  it('repeats array parameters unless the spec says comma-separated', () => {
    assert.equal(
      serializeQuery({ filter: ['status:eq:1', 'industry:in:C,F'], limit: 10, cursor: undefined }),
      'filter=status%3Aeq%3A1&filter=industry%3Ain%3AC%2CF&limit=10',
    );
    assert.equal(serializeQuery({ bbox: [113, 23.1, 113.05, 23.15] }, ['bbox']), 'bbox=113,23.1,113.05,23.15');
    assert.equal(serializeQuery({ q: '唐边', empty: [], range: { gte: 1 } }), 'q=%E5%94%90%E8%BE%B9&range%5Bgte%5D=1');
  });

  it('accepts the server URL with or without /api/v1', () => {
    assert.equal(normalizeBaseUrl('http://localhost:8080'), 'http://localhost:8080/api/v1');
    assert.equal(normalizeBaseUrl('http://localhost:8080/api/v1/'), 'http://localhost:8080/api/v1');
    assert.equal(normalizeBaseUrl('https://gw.example.gov.cn/citybrain/api/v1'), 'https://gw.example.gov.cn/citybrain/api/v1');
  });
});

describe('pagination', () => {
  const pages = new Map<string | undefined, { items: number[]; next: string | null }>([
    [undefined, { items: [1, 2], next: 'b' }],
    ['b', { items: [3], next: 'c' }],
    ['c', { items: [], next: null }],
  ]);

  it('follows next tokens lazily and restarts on each iteration', async () => {
    const loaded: (string | undefined)[] = [];
    const paged = paginate(
      async (next: string | undefined) => {
        loaded.push(next);
        return pages.get(next)!;
      },
      (page) => page.items,
      (page) => page.next,
    );
    assert.deepEqual(loaded, [], 'nothing is fetched before iteration');
    assert.deepEqual(await paged.toArray(), [1, 2, 3]);
    assert.deepEqual(await paged.toArray(2), [1, 2]);
    assert.deepEqual(loaded, [undefined, 'b', 'c', undefined], 'toArray(2) stopped after the first page');
    const seen: number[] = [];
    for await (const page of paged.pages()) seen.push(page.items.length);
    assert.deepEqual(seen, [2, 1, 0]);
  });

  it('stops with an error when a server repeats a next token', async () => {
    const looping = paginate(async () => ({ items: [1], next: 'same' }), (p) => p.items, (p) => p.next);
    await assert.rejects(looping.toArray(), (error) => error instanceof PaginationError && error.reason === 'repeated-cursor' && /repeated the next token same/.test(error.message));
  });

  it('reads rel="next" from RFC 8288 Link headers', () => {
    assert.equal(nextFromLinkHeader('<https://x/items?cursor=2>; rel="next", <https://x/items>; rel="first"'), 'https://x/items?cursor=2');
    assert.equal(nextFromLinkHeader('<https://x/a>; rel="prev", <https://x/c>; rel="next last"'), 'https://x/c');
    assert.equal(nextFromLinkHeader('<https://x/a>; rel=next'), 'https://x/a');
    assert.equal(nextFromLinkHeader('<https://x/a>; rel="nextpage"'), undefined);
    assert.equal(nextFromLinkHeader(null), undefined);
  });
});

describe('redaction', () => {
  it('hides credentials in headers and secret-looking query parameters', () => {
    const headers = new Headers({
      authorization: 'Bearer eyJ.secret.token',
      'x-ca-signature': 'c2lnbmF0dXJl',
      cookie: 'sid=1',
      'x-region-code': '440605124',
    });
    assert.deepEqual(redactHeaders(headers), {
      authorization: REDACTED,
      cookie: REDACTED,
      'x-ca-signature': REDACTED,
      'x-region-code': '440605124',
    });
    const url = redactUrl('https://user:pw@h/api/v1/x?access_token=abc&client_secret=s3&limit=5');
    assert.doesNotMatch(url, /abc|s3|pw/);
    assert.match(url, /limit=5/);
  });
});

describe('token manager', () => {
  it('fetches a token once for concurrent callers and refreshes once for concurrent 401s', async () => {
    let calls = 0;
    const manager = new TokenManager(async ({ forceRefresh }) => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return forceRefresh ? 'fresh' : 'stale';
    });
    const first = await Promise.all(Array.from({ length: 10 }, () => manager.current()));
    assert.deepEqual(new Set(first), new Set(['stale']));
    assert.equal(calls, 1);
    const refreshed = await Promise.all(Array.from({ length: 10 }, () => manager.refresh('stale')));
    assert.deepEqual(new Set(refreshed), new Set(['fresh']));
    assert.equal(calls, 2);
    assert.equal(await manager.refresh('stale'), 'fresh', 'a late 401 for the old token reuses the new one');
    assert.equal(calls, 2);
  });

  it('renews a token with an expiry before it lapses, and never refreshes a fixed token', async () => {
    let now = 0;
    let issued = 0;
    const manager = new TokenManager(() => ({ token: `t${++issued}`, expiresAt: now + 60_000 }), () => now);
    assert.equal(await manager.current(), 't1');
    now = 20_000;
    assert.equal(await manager.current(), 't1');
    now = 31_000;
    assert.equal(await manager.current(), 't2', 'within 30 s of expiry the token is renewed');
    const fixed = new TokenManager('static-token');
    assert.equal(fixed.canRefresh, false);
    assert.equal(await fixed.current(), 'static-token');
  });
});

describe('gateway envelopes and file names', () => {
  it('recognises {code,msg,data} and {errcode,errmsg} but not API objects with a code', () => {
    assert.deepEqual(readGatewayEnvelope({ code: 0, msg: 'success', data: { a: 1 } }), { ok: true, payload: { a: 1 } });
    assert.deepEqual(readGatewayEnvelope({ code: '40001', msg: '签名错误' }), { ok: false, code: '40001', message: '签名错误' });
    assert.deepEqual(readGatewayEnvelope({ errcode: 40014, errmsg: 'invalid access_token' }), { ok: false, code: 40014, message: 'invalid access_token' });
    assert.equal(readGatewayEnvelope({ code: '440605124', name: '狮山镇', level: 'town' }), undefined);
    assert.equal(readGatewayEnvelope([{ code: 1, msg: 'x' }]), undefined);
  });

  it('prefers the RFC 5987 file name of a Content-Disposition', () => {
    assert.equal(
      filenameFromDisposition(`attachment; filename="market-enterprises.csv"; filename*=UTF-8''%E5%B8%82%E5%9C%BA%E4%B8%BB%E4%BD%93.csv`),
      '市场主体.csv',
    );
    assert.equal(filenameFromDisposition('attachment; filename="a \\"b\\".csv"'), 'a "b".csv');
    assert.equal(filenameFromDisposition(null), undefined);
  });

  it('form-encodes client credentials before Basic encoding them (RFC 6749 §2.3.1)', () => {
    const header = basicCredentials('demo town', 'se:cret');
    assert.equal(Buffer.from(header.slice('Basic '.length), 'base64').toString(), 'demo+town:se%3Acret');
  });
});
