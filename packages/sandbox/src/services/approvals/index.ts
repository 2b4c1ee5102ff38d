/**
 * The homestead approval service (openapi/approvals.yaml): applications through the homestead
 * process, their timeline and event stream, the public lookup, the zone check and the remaining
 * buildable space. The process itself is declared in @citybrain/domain and shared with the fixtures.
 */
import type { ApprovalsOperations } from '@citybrain/contract';
import { randomInt } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  bboxOf,
  createHomesteadRecord,
  createRng,
  definitionDocument,
  findVillage,
  formatTrackingNo,
  generateApplications,
  nextHomesteadMove,
  pointInGeometry,
  randomPointIn,
  regionAt,
  shanghaiDate,
  validateHomesteadInput,
  type Areal,
  type AttachmentInput,
  type Rng,
} from '@citybrain/domain';
import type { SandboxService, ServiceContext } from '../../context.js';
import type { Db } from '../../db.js';
import { requirePermission, scopeRegion } from '../../auth.js';
import { personalFieldPolicy } from '../../masking.js';
import { FailureThrottle } from '../../throttles.js';
import { badRequest, forbidden, notFound, tooManyRequests, unprocessable } from '../../problems.js';
import {
  actorOf,
  createEndpoint,
  recordHandlers,
  seedRecords,
  setNextLink,
  simulate,
} from '../process-runtime.js';
import {
  APPLICATION_SORT_INDEXES,
  applicationColumns,
  APPLICATIONS_POSTGRES,
  applicationStore,
  homesteadProcess,
  listApplications,
  migrateApplications,
  nextTrackingSequence,
  verificationHash,
  verificationMatches,
} from './store.js';
import { applicationDetail, applicationSummary, applicationTimeline, auditUnmaskedRead, publicTimeline } from './present.js';
import { checkZone, zoneStats } from './zones.js';
import { attachmentDisposition, materialUploads, migrateUploads, UPLOAD_RETENTION_MIGRATION, UPLOADS_POSTGRES } from './uploads.js';

const uploadsOf = (ctx: ServiceContext) => materialUploads(ctx, homesteadProcess.materials);

const applications = recordHandlers({
  store: applicationStore,
  read: 'approvals:read',
  act: 'approvals:act',
  missing: (id) => `申请 ${id} 不存在`,
  auditRead: auditUnmaskedRead,
  detail: applicationDetail,
  timeline: applicationTimeline,
  // 补正: the materials a resubmission brings may be uploads, resolved and linked as at creation, and
  // count towards each kind's number of files with those the application already has.
  prepareAction(req, ctx, body) {
    if (body.action !== 'resubmit' || !Array.isArray(body.attachments)) return { body, done: () => {} };
    const uploads = uploadsOf(ctx);
    // The action route's record (visible to the caller: the route checked before this runs).
    const record = applicationStore.load(ctx.db, (req.params as { id: string }).id, scopeRegion(req));
    const attachments = uploads.resolveAttachments(req.principal, body.attachments as AttachmentInput[], record?.attachments);
    return { body: { ...body, attachments }, done: (id) => uploads.link(attachments, id) };
  },
});

// ----------------------------------------------------------------------------------- the public lookup's rate limit

const LOOKUP_WINDOW_MS = 15 * 60_000;
const FAILURES_PER_TRACKING_NO = 5;
const FAILURES_PER_CLIENT = 20;

// ----------------------------------------------------------------------------------- seeding

/** Houses go on buildable land of the village when the GIS zones are there, else anywhere in the village. */
function buildableLocator(db: Db): (rng: Rng, villageCode: string) => [number, number] {
  const hasZones = db.dialect === 'postgres'
    ? (db.prepare("SELECT to_regclass('zones') IS NOT NULL AS present").get() as { present: boolean }).present
    : db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'zones'").get();
  const byVillage = new Map<string, Areal[]>();
  if (hasZones) {
    for (const row of db.prepare("SELECT village_code, geometry FROM zones WHERE zone_type = 'buildable'").all() as { village_code: string; geometry: string }[]) {
      const list = byVillage.get(row.village_code) ?? [];
      list.push(JSON.parse(row.geometry) as Areal);
      byVillage.set(row.village_code, list);
    }
  }
  return (rng, villageCode) => {
    const zones = byVillage.get(villageCode);
    if (zones?.length) {
      const zone = rng.pick(zones);
      const [minLon, minLat, maxLon, maxLat] = bboxOf(zone);
      for (let attempt = 0; attempt < 100; attempt++) {
        const point: [number, number] = [rng.float(minLon, maxLon), rng.float(minLat, maxLat)];
        if (pointInGeometry(point, zone)) return point;
      }
    }
    return randomPointIn(rng, villageCode);
  };
}

// ----------------------------------------------------------------------------------- the service

export const approvalsService: SandboxService<keyof ApprovalsOperations> = {
  name: 'approvals',
  migrations: [
    { id: 'approvals/001-applications', sqlite: migrateApplications, postgres: APPLICATIONS_POSTGRES },
    { id: 'approvals/002-uploads', sqlite: migrateUploads, postgres: UPLOADS_POSTGRES },
    { id: 'approvals/003-list-sort-indexes', sqlite: APPLICATION_SORT_INDEXES, postgres: APPLICATION_SORT_INDEXES },
    { id: 'approvals/004-upload-retention', sqlite: UPLOAD_RETENTION_MIGRATION, postgres: UPLOAD_RETENTION_MIGRATION },
  ],
  seed(db, seed) {
    const generated = generateApplications({
      size: seed.size,
      seed: seed.seed,
      now: seed.clock.now(),
      calendar: seed.workdays,
      process: homesteadProcess,
      locate: buildableLocator(db),
    });
    const events = seedRecords(db, 'homestead', 'homestead_applications', generated, ({ record, verificationCode }) =>
      applicationColumns(record, verificationHash(record.trackingNo, verificationCode)));
    seed.log(`approvals: ${generated.length} homestead applications, ${events} events`);
  },
  handlers: {
    listProcessDefinitions(req) {
      requirePermission(req, 'approvals:read');
      // Not regional data, but a region header wider than the token is refused here as on every read.
      scopeRegion(req);
      return {
        items: [{
          key: homesteadProcess.key,
          kind: homesteadProcess.kind,
          version: homesteadProcess.version,
          name: homesteadProcess.name,
          totalWorkingDaysLimit: homesteadProcess.totalWorkingDaysLimit,
          stageCount: homesteadProcess.stages.length,
        }],
      };
    },
    getProcessDefinition(req) {
      requirePermission(req, 'approvals:read');
      scopeRegion(req);
      const { key } = req.params;
      if (key !== homesteadProcess.key) throw notFound(`流程 ${key} 不存在`);
      return definitionDocument(homesteadProcess);
    },
    createApplication(req, reply, ctx) {
      requirePermission(req, 'approvals:create');
      const input = req.body;
      const scope = scopeRegion(req);
      if (findVillage(input.villageCode) && !input.villageCode.startsWith(scope)) {
        throw forbidden(`村（居）${input.villageCode} 不在调用方范围 ${scope} 内`);
      }
      const now = ctx.clock.now();
      const problems = validateHomesteadInput(input, homesteadProcess.homestead, shanghaiDate(now));
      if (problems.length) throw badRequest(problems.map((p) => `${p.name} ${p.reason}`).join('; '), problems);
      const place = regionAt([input.location[0], input.location[1]]);
      if (!place.town) throw unprocessable('拟建位置不在南海区范围内', 'outside-district', [{ name: 'body/location', reason: '点位不在南海区内' }]);
      if (place.village?.code !== input.villageCode) {
        throw unprocessable(`拟建位置不在所选村（居）${findVillage(input.villageCode)!.name}范围内`, 'outside-village', [{ name: 'body/location', reason: '点位不在所选村居内' }]);
      }
      return createEndpoint(req, reply, ctx, 'homestead', 'approvals.create', () => {
        const village = findVillage(input.villageCode)!;
        const year = Number(shanghaiDate(now).slice(0, 4));
        const trackingNo = formatTrackingNo(village.townCode, year, nextTrackingSequence(ctx.db, village.townCode, year));
        const verificationCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
        // Inside the idempotent write: a replay never gets here, and a refused upload rolls everything back.
        const uploads = uploadsOf(ctx);
        const attachments = uploads.resolveAttachments(req.principal, input.attachments ?? []);
        const { record, events } = createHomesteadRecord(homesteadProcess, { ...input, attachments }, {
          id: trackingNo, trackingNo, actor: actorOf(req.principal), at: now, calendar: ctx.workdays,
        });
        applicationStore.save(ctx.db, record, { verificationHash: verificationHash(trackingNo, verificationCode) });
        uploads.link(attachments, record.id);
        return {
          id: record.id,
          events,
          location: `/api/v1/approvals/applications/${record.id}`,
          body: () => ({
            id: record.id,
            trackingNo,
            verificationCode,
            status: record.process.status,
            stage: record.process.stage,
            submittedAt: record.submittedAt,
            totalDueAt: record.process.total?.dueAt ?? null,
          }),
        };
      });
    },
    listApplications(req, reply, ctx) {
      requirePermission(req, 'approvals:read');
      const query = req.query;
      const scope = scopeRegion(req);
      for (const [name, code] of [['townCode', query.townCode], ['villageCode', query.villageCode]] as const) {
        if (code && !code.startsWith(scope) && !scope.startsWith(code)) throw forbidden(`${name} ${code} 不在调用方范围 ${scope} 内`);
      }
      const now = ctx.clock.now();
      const page = listApplications(ctx.db, scope, query, now);
      setNextLink(req, reply, page.nextCursor);
      auditUnmaskedRead(req, ctx, `approvals:list:${scope}`);
      return {
        items: page.records.map((record) => applicationSummary(record, req.principal.role, now)),
        page: { limit: page.limit, nextCursor: page.nextCursor, total: page.total, totalExact: true },
      };
    },
    async createUpload(req, reply, ctx) {
      requirePermission(req, 'approvals:create');
      const uploads = uploadsOf(ctx);
      await uploads.dropExpired();
      return uploads.relay(req, reply, null);
    },
    getUpload(req, _reply, ctx) {
      requirePermission(req, 'approvals:create');
      const uploads = uploadsOf(ctx);
      return uploads.describe(uploads.ownUpload(req.principal, req.params.uploadId));
    },
    getUploadOffset(req, reply, ctx) {
      requirePermission(req, 'approvals:create');
      const uploads = uploadsOf(ctx);
      return uploads.relay(req, reply, uploads.ownUpload(req.principal, req.params.uploadId).id);
    },
    appendUploadChunk(req, reply, ctx) {
      requirePermission(req, 'approvals:create');
      const uploads = uploadsOf(ctx);
      return uploads.relay(req, reply, uploads.ownUpload(req.principal, req.params.uploadId).id);
    },
    deleteUpload(req, reply, ctx) {
      requirePermission(req, 'approvals:create');
      const uploads = uploadsOf(ctx);
      return uploads.terminate(req, reply, uploads.ownUpload(req.principal, req.params.uploadId));
    },
    getAttachmentContent(req, reply, ctx) {
      requirePermission(req, 'approvals:read');
      const { id, attachmentId } = req.params;
      const record = applicationStore.load(ctx.db, id, scopeRegion(req));
      if (!record) throw notFound(`申请 ${id} 不存在`);
      const attachment = record.attachments.find((a) => a.id === attachmentId);
      const content = attachment?.uploadId ? uploadsOf(ctx).content(attachment.uploadId) : null;
      if (!attachment || !content) throw notFound(`申请 ${id} 没有可下载的材料 ${attachmentId}`);
      // Materials are identity papers: a role that sees ID numbers masked may not take the copy itself,
      // except the client that uploaded it.
      const policy = personalFieldPolicy(req.principal.role);
      if (policy.idNumber !== 'full' && content.clientId !== req.principal.clientId) {
        throw forbidden(`角色 ${req.principal.role} 的个人信息经遮蔽，不能下载申请材料原件`);
      }
      if (policy.auditUnmasked) ctx.audit(req, 'approvals:attachment-content', `${id}/${attachmentId}`, [attachment.kind]);
      // Never rendered in the API's origin: a download, and sandboxed should a browser open it anyway.
      return reply
        .type(attachment.mediaType)
        .header('content-disposition', attachmentDisposition(attachment.name))
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'private, no-store')
        .header('etag', `"${attachment.sha256}"`)
        .send(createReadStream(content.path));
    },
    getApplication: applications.get,
    actOnApplication: applications.act,
    getApplicationTimeline: applications.timeline,
    streamApplicationEvents: applications.stream,
    lookupApplication(req, _reply, ctx) {
      const { trackingNo, verificationCode } = req.body;
      // Failed lookups per tracking number and per client address, counted in the database: across every instance.
      const limiter = new FailureThrottle(ctx.db, 'lookup', LOOKUP_WINDOW_MS);
      const now = ctx.clock.now().getTime();
      const keys: [string, number][] = [[`no:${trackingNo}`, FAILURES_PER_TRACKING_NO], [`ip:${req.ip}`, FAILURES_PER_CLIENT]];
      const wait = limiter.retryAfter(keys, now);
      if (wait > 0) throw tooManyRequests(wait, '查询失败次数过多，请稍后再试');
      const row = ctx.db
        .prepare('SELECT id, verification_hash FROM homestead_applications WHERE tracking_no = ?')
        .get(trackingNo) as { id: string; verification_hash: string } | undefined;
      // A wrong code looks exactly like an unknown tracking number, so the lookup cannot probe numbers.
      if (!row || !verificationMatches(row.verification_hash, trackingNo, verificationCode)) {
        limiter.fail(keys.map(([key]) => key), now);
        throw notFound('未找到该申请，请核对申请编号和查询码');
      }
      limiter.forget(`no:${trackingNo}`);
      return publicTimeline(applicationStore.load(ctx.db, row.id, '')!, ctx);
    },
    checkZone(req, _reply, ctx) {
      const { lon, lat } = req.query;
      return checkZone(ctx.db, lon, lat, ctx.clock.now());
    },
    getZoneStats(req, _reply, ctx) {
      const { regionCode } = req.query;
      return zoneStats(ctx.db, scopeRegion(req, regionCode), ctx.clock.now());
    },
  },
  start(ctx) {
    // The simulation is live behaviour, not seed data: a fresh stream on every start.
    const simulationRng = createRng(`homestead-simulation:${Date.now()}`);
    return simulate(
      ctx,
      applicationStore,
      (db, count) => (db.prepare(
        "SELECT id FROM homestead_applications WHERE status NOT IN ('REGISTERED', 'REJECTED', 'WITHDRAWN', 'DRAFT') ORDER BY random() LIMIT ?",
      ).all(count) as { id: string }[]).map((r) => r.id),
      (record) => {
        const move = nextHomesteadMove(record, simulationRng, ctx.workdays);
        return move ? { actor: move.actor, body: move.body(ctx.clock.now()) } : null;
      },
    );
  },
};
