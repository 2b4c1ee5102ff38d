import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from './db.js';
import { ProblemError } from './problems.js';

/**
 * Fault injection for reliability tests (docs/sandbox-conventions.md): a request carries
 * `X-Sandbox-Fault: status=503;retry-after=1;key=k;times=2`, or the environment applies a
 * directive set to a random fraction of requests (`rate=0.2;status=503`).
 */
export interface FaultPlan {
  latencyMs?: number;
  status?: number;
  retryAfter?: string;
  drop?: boolean;
  stallMs?: number;
  html?: boolean;
  badJson?: boolean;
  oversizeBytes?: number;
  key?: string;
  times?: number;
  rate?: number;
}

const MAX_LATENCY_MS = 30_000;
const MAX_OVERSIZE_BYTES = 32 * 1024 * 1024;

export function parseFaultPlan(spec: string): FaultPlan {
  const plan: FaultPlan = {};
  for (const part of spec.split(';')) {
    const [rawName, rawValue = ''] = part.split('=');
    const name = rawName.trim().toLowerCase();
    const value = rawValue.trim();
    const number = Number(value);
    switch (name) {
      case 'latency':
        plan.latencyMs = Math.min(Math.max(number || 0, 0), MAX_LATENCY_MS);
        break;
      case 'status':
        // Three digits only: `450.5` or `5e2` would reach reply.code() or the problem body as a non-status.
        if (/^\d{3}$/.test(value) && number >= 400 && number <= 599) plan.status = number;
        break;
      case 'retry-after':
        plan.retryAfter = value;
        break;
      case 'drop':
        plan.drop = true;
        break;
      case 'stall':
        plan.stallMs = Math.min(Math.max(number || 1000, 0), MAX_LATENCY_MS);
        break;
      case 'html':
        plan.html = true;
        break;
      case 'badjson':
        plan.badJson = true;
        break;
      case 'oversize':
        plan.oversizeBytes = Math.min(Math.max(number || 0, 0), MAX_OVERSIZE_BYTES);
        break;
      case 'key':
        plan.key = value.slice(0, 200);
        break;
      case 'times':
        plan.times = Math.max(0, Math.floor(number || 0));
        break;
      case 'rate':
        plan.rate = Math.min(Math.max(number || 0, 0), 1);
        break;
    }
  }
  return plan;
}

const GATEWAY_PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>统一身份认证</title></head>
<body><h1>请先登录政务服务网</h1><p>会话已过期，请重新登录。</p></body></html>`;

declare module 'fastify' {
  interface FastifyRequest {
    faultPlan?: FaultPlan;
  }
}

export class FaultInjector {
  private readonly ambient: FaultPlan | null;

  /**
   * How many times each keyed fault has fired is kept in `db` (`fault_counts`), so `times=N` faults
   * stop after N requests whichever instances the requests reach.
   */
  constructor(
    private readonly db: Db,
    ambientSpec: string | null,
  ) {
    this.ambient = ambientSpec ? parseFaultPlan(ambientSpec) : null;
  }

  /** Keyed faults and how many times each fired. */
  counts(): Record<string, number> {
    const rows = this.db.prepare('SELECT key, fired FROM fault_counts').all() as { key: string; fired: number }[];
    return Object.fromEntries(rows.map((row) => [row.key, row.fired]));
  }

  resetCounts(): void {
    this.db.prepare('DELETE FROM fault_counts').run();
  }

  /** Counts one more firing of `key` unless it fired `times` already; false when it did. */
  private fire(key: string, times: number): boolean {
    if (times <= 0) return false;
    return this.db
      .prepare('INSERT INTO fault_counts (key, fired) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET fired = fault_counts.fired + 1 WHERE fault_counts.fired < ? RETURNING fired')
      .get(key, times) !== undefined;
  }

  private select(req: FastifyRequest): FaultPlan | null {
    const header = req.headers['x-sandbox-fault'];
    if (typeof header === 'string' && header) {
      const plan = parseFaultPlan(header);
      if (plan.key !== undefined && plan.times !== undefined && !this.fire(plan.key, plan.times)) return null;
      return plan;
    }
    if (this.ambient && Math.random() < (this.ambient.rate ?? 1)) return this.ambient;
    return null;
  }

  register(app: FastifyInstance, prefix: string): void {
    app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      if (!req.url.startsWith(prefix)) return;
      const plan = this.select(req);
      if (!plan) return;
      req.faultPlan = plan;
      if (plan.latencyMs) await new Promise((r) => setTimeout(r, plan.latencyMs));
      if (plan.drop) {
        req.raw.socket.destroy();
        return reply.hijack();
      }
      if (plan.status) {
        throw new ProblemError(plan.status, 'injected-fault', '注入的故障', `sandbox fault status=${plan.status}`, {
          headers: plan.retryAfter ? { 'retry-after': plan.retryAfter } : {},
        });
      }
      if (plan.html) {
        return reply.code(200).type('text/html; charset=utf-8').send(GATEWAY_PAGE);
      }
      if (plan.badJson) {
        return reply.code(200).type('application/json').send('{"items":[{"id":"ZJD-');
      }
      if (plan.oversizeBytes) {
        const padding = 'x'.repeat(Math.max(plan.oversizeBytes - 20, 0));
        return reply.code(200).type('application/json').send(`{"padding":"${padding}"}`);
      }
    });
    app.addHook('onSend', async (req, _reply, payload) => {
      const stallMs = req.faultPlan?.stallMs;
      if (!stallMs || typeof payload !== 'string') return payload;
      const half = Math.floor(payload.length / 2);
      // Headers and half the body go out at once; the rest after the stall, as a slow upstream would.
      return Readable.from(
        (async function* () {
          yield payload.slice(0, half);
          await new Promise((r) => setTimeout(r, stallMs));
          yield payload.slice(half);
        })(),
      );
    });
  }
}
