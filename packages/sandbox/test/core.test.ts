import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { startTestSandbox, type TestSandbox } from './harness.js';
import { gatewayStringToSign } from '../src/auth.js';
import { maskAddress, maskIdNumber, maskName, maskPersonalValue, maskPhone } from '../src/masking.js';
import { parseQueryString } from '../src/querystring.js';
import { WorkdayCalendar } from '../src/workdays.js';

interface Problem {
  type: string;
  title: string;
  status: number;
  requestId: string;
  errors?: { name: string; reason: string }[];
}

describe('sandbox core', () => {
  let sandbox: TestSandbox;
  before(async () => {
    sandbox = await startTestSandbox();
  });
  after(() => sandbox.close());

  describe('auth', () => {
    it('issues a token for client credentials in the form and reports the principal', async () => {
      const token = await sandbox.token('demo-town-shishan');
      const me = await sandbox.api('/auth/me', { token });
      assert.equal(me.status, 200);
      const principal = (await me.json()) as { role: string; regionCode: string };
      assert.deepEqual([principal.role, principal.regionCode], ['town', '440605124']);
    });

    it('accepts client_secret_basic', async () => {
      const res = await sandbox.api('/auth/token', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from('demo-district:demo-district-secret').toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    });

    it('refuses client_secret_basic credentials with broken percent-encoding with a 401 problem', async () => {
      for (const credentials of ['%zz:demo-district-secret', 'demo-district:%E0%A4%A']) {
        const res = await sandbox.api('/auth/token', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
          body: 'grant_type=client_credentials',
        });
        assert.equal(res.status, 401, `${credentials}: ${await res.clone().text()}`);
        assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
        assert.equal(((await res.json()) as Problem).status, 401);
      }
    });

    it('treats anonymous callers as the public and rejects tampered or expired tokens', async () => {
      const anonymous = (await (await sandbox.api('/auth/me')).json()) as { role: string };
      assert.equal(anonymous.role, 'public');
      const token = await sandbox.token('demo-village-tangbian');
      const tampered = token.replace(/^./, (c) => (c === 'e' ? 'f' : 'e'));
      assert.equal((await sandbox.api('/auth/me', { token: tampered })).status, 401);
      sandbox.ctx.clock.advance(16 * 60_000);
      try {
        const expired = await sandbox.api('/auth/me', { token });
        assert.equal(expired.status, 401);
        assert.match(expired.headers.get('www-authenticate') ?? '', /invalid_token/);
      } finally {
        sandbox.ctx.clock.set(null);
        sandbox.ctx.clock.advance(-16 * 60_000);
      }
    });
  });

  describe('problems', () => {
    it('answers malformed input with a 400 naming the field', async () => {
      const res = await sandbox.api('/regions/12');
      assert.equal(res.status, 400);
      const problem = (await res.json()) as Problem;
      assert.equal(problem.errors?.[0]?.name, 'path/code');
      assert.equal(problem.requestId, res.headers.get('x-request-id'));
    });

    it('answers unknown routes with a 404 problem and echoes a given request id', async () => {
      const res = await sandbox.api('/no-such-thing', { headers: { 'x-request-id': 'trace-123' } });
      assert.equal(res.status, 404);
      assert.equal(res.headers.get('x-request-id'), 'trace-123');
      assert.equal(((await res.json()) as Problem).requestId, 'trace-123');
    });

    it('answers a body that is not JSON with a 400, not a 500', async () => {
      const res = await sandbox.api('/auth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"grant_type":',
      });
      assert.equal(res.status, 400);
    });
  });

  describe('regions', () => {
    it('lists the 7 towns and the villages of a town', async () => {
      const towns = (await (await sandbox.api('/regions')).json()) as { items: { code: string }[] };
      assert.equal(towns.items.length, 7);
      const shishan = (await (await sandbox.api('/regions?parent=440605124')).json()) as { items: unknown[] };
      assert.equal(shishan.items.length, 84);
    });

    it('returns a village with its ancestors and boundary', async () => {
      const village = (await (await sandbox.api('/regions/440605124201')).json()) as {
        name: string;
        ancestors: { code: string }[];
        geometry: { type: string };
      };
      assert.equal(village.name, '唐边村委会');
      assert.deepEqual(village.ancestors.map((a) => a.code), ['440605', '440605124']);
      assert.match(village.geometry.type, /Polygon/);
    });
  });

  describe('fault injection', () => {
    it('injects a status with Retry-After only for the first N requests of a key', async () => {
      const headers = { 'x-sandbox-fault': 'key=core-503;times=2;status=503;retry-after=1' };
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const res = await sandbox.api('/regions', { headers });
        statuses.push(res.status);
        if (res.status === 503) assert.equal(res.headers.get('retry-after'), '1');
      }
      assert.deepEqual(statuses, [503, 503, 200]);
      const stats = await sandbox.hook<{ faults: Record<string, number> }>('stats');
      assert.equal(stats.faults['core-503'], 2);
    });

    it('ignores a status directive that is not an integer HTTP status, as it ignores one outside 400–599', async () => {
      for (const status of ['450.5', '5e2', '0x1f4', '200']) {
        const res = await sandbox.api('/regions', { headers: { 'x-sandbox-fault': `status=${status}` } });
        assert.equal(res.status, 200, `status=${status}: ${await res.clone().text()}`);
        await res.body?.cancel();
      }
    });

    it('drops the connection', async () => {
      await assert.rejects(sandbox.api('/regions', { headers: { 'x-sandbox-fault': 'drop' } }));
    });

    it('answers a gateway HTML page or truncated JSON', async () => {
      const html = await sandbox.api('/regions', { headers: { 'x-sandbox-fault': 'html' } });
      assert.match(html.headers.get('content-type') ?? '', /text\/html/);
      const bad = await sandbox.api('/regions', { headers: { 'x-sandbox-fault': 'badjson' } });
      await assert.rejects(bad.json());
    });

    it('stalls the body after the headers', async () => {
      const started = Date.now();
      const res = await sandbox.api('/regions', { headers: { 'x-sandbox-fault': 'stall=300' } });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { items: unknown[] };
      assert.equal(body.items.length, 7);
      assert.ok(Date.now() - started >= 250);
    });
  });

  it('refuses a clock move past the range of a date with a 400, and keeps the clock it had', async () => {
    const district = await sandbox.token('demo-district');
    const clock = (body: unknown) =>
      fetch(`${sandbox.url}/__sandbox/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${district}` },
        body: JSON.stringify(body),
      });
    const before = sandbox.ctx.clock.now().getTime();
    for (const body of [{ advanceMs: 1e300 }, { advanceMs: -1e300 }, { now: '+275760-09-13T00:00:00Z', advanceMs: 1 }]) {
      const res = await clock(body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${await res.clone().text()}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.ok(Math.abs(sandbox.ctx.clock.now().getTime() - before) < 60_000, 'the clock is unchanged');
    }
    assert.equal((await sandbox.api('/regions/440605')).status, 200);
  });

  it('implements every operation of the contracts', () => {
    assert.deepEqual(sandbox.unimplemented, []);
  });
});

describe('persistence', () => {
  it('keeps tokens valid across a restart on the same database file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-'));
    const dbPath = join(dir, 'sandbox.db');
    try {
      const first = await startTestSandbox({ dbPath });
      const token = await first.token('demo-district');
      await first.close();
      const second = await startTestSandbox({ dbPath });
      try {
        assert.equal((await second.api('/auth/me', { token })).status, 200);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('gateway signature mode', () => {
  it('rejects unsigned requests and accepts a correct HMAC-SHA256 signature', async () => {
    const sandbox = await startTestSandbox({ gatewaySignature: true });
    try {
      assert.equal((await sandbox.api('/regions')).status, 401);
      const headers: Record<string, string> = {
        accept: 'application/json',
        'x-ca-key': 'demo-town-shishan',
        'x-ca-timestamp': String(Date.now()),
        'x-ca-nonce': 'b9a6f3f0c1d24e3c',
        'x-ca-signature-method': 'HmacSHA256',
        'x-ca-signature-headers': 'x-ca-key,x-ca-nonce,x-ca-timestamp',
      };
      const path = '/api/v1/regions?q=唐边&parent=440605124';
      const signature = createHmac('sha256', 'demo-town-shishan-secret')
        .update(gatewayStringToSign('GET', headers, decodeURI(encodeURI(path))))
        .digest('base64');
      const res = await fetch(`${sandbox.url}${encodeURI(path)}`, { headers: { ...headers, 'x-ca-signature': signature } });
      assert.equal(res.status, 200, await res.clone().text());
    } finally {
      await sandbox.close();
    }
  });
});

describe('masking', () => {
  it('masks names, ID numbers, phones and addresses in the Hutool formats', () => {
    assert.equal(maskName('张三丰'), '张**');
    assert.equal(maskName('李四'), '李*');
    assert.equal(maskIdNumber('440605199001011236'), '440605********1236');
    assert.equal(maskIdNumber('440605199001011236', 4), '4406**********1236');
    assert.equal(maskPhone('13812345678'), '138****5678');
    assert.equal(maskPhone('+8613812345678'), '138****5678');
    assert.equal(maskAddress('广东省佛山市南海区狮山镇唐边村委会唐边村三巷8号', 'village'), '广东省佛山市南海区狮山镇唐边村委会********');
    assert.equal(maskAddress('广东省佛山市南海区狮山镇唐边村委会唐边村三巷8号', 'town'), '广东省佛山市南海区狮山镇********');
  });

  it('applies each role its policy', () => {
    const id = '440605199001011236';
    assert.equal(maskPersonalValue('district', 'idNumber', id), id);
    assert.equal(maskPersonalValue('town', 'idNumber', id), '440605********1236');
    assert.equal(maskPersonalValue('village', 'idNumber', id), '4406**********1236');
    assert.equal(maskPersonalValue('public', 'idNumber', id), null);
    assert.equal(maskPersonalValue('public', 'phone', '13812345678'), null);
    assert.equal(maskPersonalValue('public', 'name', '王小明'), '王**');
    assert.equal(maskPersonalValue('department', 'name', '王小明'), '王小明');
  });
});

describe('query strings', () => {
  it('turns repeated keys into arrays and bracketed keys into objects', () => {
    assert.deepEqual(
      JSON.parse(JSON.stringify(parseQueryString('sort=a&sort=-b&filter[status]=eq:APPROVED&filter[area]=gte:10&q=%E5%94%90'))),
      { sort: ['a', '-b'], filter: { status: 'eq:APPROVED', area: 'gte:10' }, q: '唐' },
    );
  });

  it('ignores prototype keys', () => {
    const parsed = parseQueryString('__proto__[polluted]=1&constructor=x');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.keys(parsed).length, 0);
  });
});

describe('working days', () => {
  const calendar = new WorkdayCalendar();
  it('skips the National Day holiday and counts the make-up working Saturday', () => {
    // 2026: 10-01..10-07 off; Saturday 10-10 is an adjusted working day (调休).
    assert.equal(calendar.isWorkday('2026-10-05'), false);
    assert.equal(calendar.isWorkday('2026-10-10'), true);
    const deadline = calendar.addWorkdays(new Date('2026-09-30T10:00:00+08:00'), 3);
    assert.equal(deadline.toISOString(), '2026-10-10T15:59:59.000Z');
    assert.equal(calendar.workdaysBetween(new Date('2026-09-30T10:00:00+08:00'), deadline), 3);
    assert.equal(calendar.workdaysBetween(deadline, new Date('2026-09-30T10:00:00+08:00')), -3);
  });
});
