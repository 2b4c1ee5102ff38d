import { boundaryOf, bboxOf, centroidOf, findRegion, towns, villages } from '@citybrain/fixtures';
import type { SandboxService } from '../../context.js';
import { notFound, unauthorized } from '../../problems.js';

interface RegionRecord {
  code: string;
  name: string;
  level: 'district' | 'town' | 'village';
  parentCode: string;
  urbanRuralType: string | null;
  validFrom: string | null;
  validTo: string | null;
}

// The statistical codes in our data are those of the 2023 release of 统计用区划代码.
const VALID_FROM = '2023-01-01';

function regionRecord(code: string): RegionRecord | undefined {
  const region = findRegion(code);
  if (!region) return undefined;
  const village = villages.find((v) => v.code === code);
  return {
    code: region.code,
    name: region.name,
    level: region.level,
    parentCode: region.parentCode,
    urbanRuralType: village?.urbanRuralType ?? null,
    validFrom: VALID_FROM,
    validTo: null,
  };
}

function childrenOf(parent: string): RegionRecord[] {
  if (parent === '440605') return towns.map((t) => regionRecord(t.code)!);
  const town = towns.find((t) => t.code === parent);
  if (town) return town.villages.map((v) => regionRecord(v.code)!);
  if (parent.length === 4 || parent.length === 2) return [regionRecord('440605')!];
  return [];
}

function basicCredentials(header: string | undefined): { id?: string; secret?: string } {
  if (!header?.toLowerCase().startsWith('basic ')) return {};
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return {};
  // RFC 6749 §2.3.1: both parts are form-urlencoded; a malformed escape is a failed client authentication.
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    throw unauthorized('Basic 凭据中的 client_id 或 client_secret 编码无效');
  }
}

/** Auth endpoints and the administrative divisions shared by every service. */
export const commonService: SandboxService = {
  name: 'common',
  migrate() {},
  seed() {},
  handlers: {
    issueToken(req, reply, ctx) {
      const body = req.body as { grant_type: string; client_id?: string; client_secret?: string };
      // client_secret_basic takes precedence over credentials in the form, as RFC 6749 §2.3.1 prefers it.
      const basic = basicCredentials(req.headers.authorization);
      const client = ctx.tokens.authenticateClient(basic.id ?? body.client_id, basic.secret ?? body.client_secret);
      reply.header('cache-control', 'no-store');
      return ctx.tokens.issue(client);
    },
    getPrincipal(req) {
      return req.principal;
    },
    listRegions(req) {
      const query = req.query as { parent?: string; q?: string };
      let items = childrenOf(query.parent ?? '440605');
      const q = query.q?.trim();
      if (q) {
        const all = [regionRecord('440605')!, ...towns.map((t) => regionRecord(t.code)!), ...villages.map((v) => regionRecord(v.code)!)];
        items = all.filter((r) => r.name.includes(q) || r.code.startsWith(q));
      }
      return { items };
    },
    getRegion(req) {
      const { code } = req.params as { code: string };
      const record = regionRecord(code);
      const boundary = boundaryOf(code);
      if (!record || !boundary) throw notFound(`区划 ${code} 不存在`);
      const ancestors: RegionRecord[] = [];
      for (let parent = record.parentCode; parent.length >= 6; ) {
        const ancestor = regionRecord(parent);
        if (!ancestor) break;
        ancestors.unshift(ancestor);
        parent = ancestor.parentCode;
      }
      return { ...record, ancestors, bbox: bboxOf(boundary.geometry), centroid: centroidOf(boundary.geometry), geometry: boundary.geometry };
    },
  },
};
