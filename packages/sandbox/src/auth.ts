import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Transform } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { DepartmentCode } from '@citybrain/domain';
import { forbidden, unauthorized, badRequest } from './problems.js';
import type { Db } from './db.js';

/**
 * `steward` (数据专员) and `cdo` (部门首席数据官) belong to one department (`deptCode`) and decide the share
 * applications for the department's datasets (domain reference §6: "approved by the owning DataSteward or DeptCDO").
 */
export type Role = 'district' | 'department' | 'steward' | 'cdo' | 'town' | 'village' | 'public';

export type Permission =
  | 'gis:read'
  | 'gis:internal'
  | 'approvals:read'
  | 'approvals:create'
  | 'approvals:act'
  | 'workorders:read'
  | 'workorders:create'
  | 'workorders:act'
  | 'data:read'
  | 'data:export'
  | 'data:unmask'
  /** File a share application for a 有条件共享 dataset (towns and villages). */
  | 'data:share-apply'
  /** Approve or return the share applications for the own department's datasets (its steward and CDO). */
  | 'data:share-review'
  /** Read the share applications for the own department's datasets (all departments for the district). */
  | 'data:share-oversee'
  | 'calendar:admin';

export interface Principal {
  clientId: string | null;
  name: string;
  role: Role;
  regionCode: string;
  deptCode: DepartmentCode | null;
  permissions: Permission[];
}

export const DISTRICT_CODE = '440605';

const PERMISSIONS: Record<Role, Permission[]> = {
  district: ['gis:read', 'gis:internal', 'approvals:read', 'approvals:create', 'approvals:act', 'workorders:read',
    'workorders:create', 'workorders:act', 'data:read', 'data:export', 'data:unmask', 'data:share-oversee', 'calendar:admin'],
  department: ['gis:read', 'gis:internal', 'approvals:read', 'approvals:act', 'workorders:read', 'workorders:act',
    'data:read', 'data:export'],
  steward: ['gis:read', 'gis:internal', 'data:read', 'data:export', 'data:share-review', 'data:share-oversee'],
  cdo: ['gis:read', 'gis:internal', 'data:read', 'data:export', 'data:share-review', 'data:share-oversee'],
  town: ['gis:read', 'gis:internal', 'approvals:read', 'approvals:create', 'approvals:act', 'workorders:read',
    'workorders:create', 'workorders:act', 'data:read', 'data:export', 'data:share-apply'],
  village: ['gis:read', 'gis:internal', 'approvals:read', 'approvals:create', 'approvals:act', 'workorders:read',
    'workorders:create', 'data:read', 'data:share-apply'],
  public: ['gis:read', 'data:read'],
};

export interface DemoClient {
  clientId: string;
  secret: string;
  name: string;
  role: Role;
  regionCode: string;
  deptCode: DepartmentCode | null;
}

/** Documented demo credentials (docs/sandbox-conventions.md). A sandbox only: never reuse these names in production. */
export const DEMO_CLIENTS: readonly DemoClient[] = [
  { clientId: 'demo-district', name: '南海区政务服务数据管理局', role: 'district', regionCode: '440605', deptCode: null },
  { clientId: 'demo-dept-agri', name: '南海区农业农村局', role: 'department', regionCode: '440605', deptCode: 'AGRI' },
  { clientId: 'demo-dept-natres', name: '佛山市自然资源局南海分局', role: 'department', regionCode: '440605', deptCode: 'NATRES' },
  { clientId: 'demo-steward-power', name: '南海供电局数据专员（电力数据共享）', role: 'steward', regionCode: '440605', deptCode: 'POWER' },
  { clientId: 'demo-cdo-power', name: '南海供电局首席数据官', role: 'cdo', regionCode: '440605', deptCode: 'POWER' },
  { clientId: 'demo-steward-market', name: '南海区市场监管局数据专员', role: 'steward', regionCode: '440605', deptCode: 'MARKET' },
  { clientId: 'demo-town-shishan', name: '狮山镇人民政府', role: 'town', regionCode: '440605124', deptCode: 'TOWN' },
  { clientId: 'demo-town-guicheng', name: '桂城街道办事处', role: 'town', regionCode: '440605011', deptCode: 'TOWN' },
  { clientId: 'demo-village-tangbian', name: '狮山镇唐边村委会', role: 'village', regionCode: '440605124201', deptCode: 'VILLAGE' },
].map((c) => ({ ...c, secret: `${c.clientId}-secret` }) as DemoClient);

export const PUBLIC_PRINCIPAL: Principal = Object.freeze({
  clientId: null,
  name: '公众',
  role: 'public',
  regionCode: DISTRICT_CODE,
  deptCode: null,
  permissions: PERMISSIONS.public,
}) as Principal;

export function principalOf(client: DemoClient): Principal {
  return {
    clientId: client.clientId,
    name: client.name,
    role: client.role,
    regionCode: client.regionCode,
    deptCode: client.deptCode,
    permissions: PERMISSIONS[client.role],
  };
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Signed, self-contained bearer tokens: `base64url(payload).base64url(hmac)`. */
export class TokenService {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => Date,
  ) {}

  authenticateClient(clientId: string | undefined, clientSecret: string | undefined): DemoClient {
    const client = DEMO_CLIENTS.find((c) => c.clientId === clientId);
    if (!client || !clientSecret || !safeEqual(client.secret, clientSecret)) {
      throw unauthorized('client_id 或 client_secret 错误');
    }
    return client;
  }

  issue(client: DemoClient): { access_token: string; token_type: 'Bearer'; expires_in: number; scope: string } {
    const exp = Math.floor(this.now().getTime() / 1000) + this.ttlSeconds;
    const payload = Buffer.from(JSON.stringify({ sub: client.clientId, exp })).toString('base64url');
    return {
      access_token: `${payload}.${this.sign(payload)}`,
      token_type: 'Bearer',
      expires_in: this.ttlSeconds,
      scope: client.role === 'public' ? 'read' : 'read write',
    };
  }

  verify(token: string): Principal {
    const claims = this.claimsOf(token);
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.now().getTime()) throw unauthorized('令牌已过期');
    const client = DEMO_CLIENTS.find((c) => c.clientId === claims.sub);
    if (!client) throw unauthorized('令牌无效');
    return principalOf(client);
  }

  /** When a token that `verify` accepted expires: connections that outlive their request (event streams) end then. */
  expiresAt(token: string): Date {
    return new Date((this.claimsOf(token).exp ?? 0) * 1000);
  }

  private claimsOf(token: string): { sub?: string; exp?: number } {
    const [payload, signature] = token.split('.');
    if (!payload || !signature || !safeEqual(this.sign(payload), signature)) throw unauthorized('令牌无效');
    let claims: { sub?: string; exp?: number };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw unauthorized('令牌无效');
    }
    return claims;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

export function requirePermission(req: FastifyRequest, permission: Permission): void {
  if (req.principal.permissions.includes(permission)) return;
  if (req.principal.role === 'public') throw unauthorized('该操作需要登录');
  throw forbidden(`角色 ${req.principal.role} 无 ${permission} 权限`);
}

/** Whether `code` lies inside the caller's region (prefix containment of GB/T 2260 + statistical codes). */
export function inScope(req: FastifyRequest, code: string): boolean {
  return code.startsWith(req.principal.regionCode);
}

/**
 * The region prefix a read is filtered by: the token's region, narrowed by the `X-Region-Code`
 * header or an explicit `requested` code. Widening the scope is refused with 403.
 */
export function scopeRegion(req: FastifyRequest, requested?: string | null): string {
  let scope = req.principal.regionCode;
  for (const narrower of [req.headers['x-region-code'], requested]) {
    if (typeof narrower !== 'string' || !narrower) continue;
    if (!/^\d{6}(\d{3}(\d{3})?)?$/.test(narrower)) {
      throw badRequest(`区划代码 ${narrower} 格式错误`, [{ name: 'header/x-region-code', reason: '应为 6、9 或 12 位数字' }]);
    }
    if (!narrower.startsWith(scope)) throw forbidden(`区域 ${narrower} 不在调用方范围 ${scope} 内`);
    scope = narrower;
  }
  return scope;
}

/**
 * Gateway HMAC signature (Alibaba API Gateway pattern, domain reference §8.2):
 * StringToSign = METHOD\nAccept\nContent-MD5\nContent-Type\nDate\n + signed headers + path?sorted query.
 */
export function gatewayStringToSign(
  method: string,
  headers: Record<string, string | string[] | undefined>,
  pathWithQuery: string,
): string {
  const header = (name: string) => {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(',') : (value ?? '');
  };
  const signedNames = header('x-ca-signature-headers')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean)
    .sort();
  const signedHeaders = signedNames.map((name) => `${name}:${header(name)}\n`).join('');
  const [path, query = ''] = pathWithQuery.split('?');
  const params = new URLSearchParams(query);
  const sorted = [...params.keys()]
    .filter((k, i, all) => all.indexOf(k) === i)
    .sort()
    .map((k) => {
      const v = params.getAll(k).join(',');
      return v === '' ? k : `${k}=${v}`;
    })
    .join('&');
  return [method.toUpperCase(), header('accept'), header('content-md5'), header('content-type'), header('date')]
    .join('\n') + '\n' + signedHeaders + path + (sorted ? `?${sorted}` : '');
}

/** How far a signature's timestamp may lie from the server's clock; nonces are remembered this long. */
export const SIGNATURE_WINDOW_MS = 15 * 60_000;

/**
 * Nonces of accepted gateway signatures, kept in the database for the signature window, so a
 * captured request cannot be replayed (by this process or another one on the same database).
 */
export class NonceLedger {
  /** `db` holds the `gateway_nonces` table (migration core/002-gateway-nonces). */
  constructor(private readonly db: Db) {}

  /** Records the nonce; false if it was already used within the window. */
  remember(clientId: string, nonce: string, now: Date): boolean {
    this.db.prepare('DELETE FROM gateway_nonces WHERE seen_at < ?').run(now.getTime() - 2 * SIGNATURE_WINDOW_MS);
    return this.db.prepare('INSERT INTO gateway_nonces (client_id, nonce, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(clientId, nonce, now.getTime()).changes === 1;
  }
}

export function verifyGatewaySignature(req: FastifyRequest, now: Date, nonces: NonceLedger): void {
  const key = req.headers['x-ca-key'];
  const signature = req.headers['x-ca-signature'];
  const nonce = req.headers['x-ca-nonce'];
  const timestamp = Number(req.headers['x-ca-timestamp']);
  const client = DEMO_CLIENTS.find((c) => c.clientId === key);
  if (!client || typeof signature !== 'string') throw unauthorized('缺少网关签名 (X-Ca-Key, X-Ca-Signature)');
  if (!Number.isFinite(timestamp) || Math.abs(now.getTime() - timestamp) > SIGNATURE_WINDOW_MS) {
    throw unauthorized('网关签名时间戳超出 15 分钟');
  }
  const signed = String(req.headers['x-ca-signature-headers'] ?? '').toLowerCase().split(',').map((h) => h.trim());
  if (typeof nonce !== 'string' || !/^[\w.:-]{8,128}$/.test(nonce) || !signed.includes('x-ca-nonce')) {
    throw unauthorized('网关签名须包含并签署 X-Ca-Nonce（8–128 位）');
  }
  const expected = createHmac('sha256', client.secret)
    .update(gatewayStringToSign(req.method, req.headers, req.url))
    .digest('base64');
  if (!safeEqual(expected, signature)) throw unauthorized('网关签名校验失败');
  if (!nonces.remember(client.clientId, nonce, now)) throw unauthorized('网关签名的 X-Ca-Nonce 已使用过（重放）');
}

/**
 * The digest a signed request declares for its body (Content-MD5, part of the string to sign),
 * checked against the bytes received. Non-form bodies must declare one; form bodies may.
 */
export function bodyDigestCheck(req: FastifyRequest, payload: NodeJS.ReadableStream): NodeJS.ReadableStream {
  const declared = req.headers['content-md5'];
  const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  if (typeof declared !== 'string') {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !form) throw unauthorized('签名请求的请求体须由 Content-MD5 覆盖');
    return payload;
  }
  const hash = createHash('md5');
  return payload.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
      flush(done) {
        done(hash.digest('base64') === declared ? null : unauthorized('Content-MD5 与请求体不符'));
      },
    }),
  );
}
