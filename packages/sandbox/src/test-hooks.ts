/**
 * Test hooks outside the public contract: fault and effect counters, and the sandbox clock. They move
 * time (expired tokens live again, lookup throttles reset) and list every client's idempotency keys,
 * so they exist only when the server is started for tests (`testHooks`, env CITYBRAIN_TEST_HOOKS=on)
 * and even then answer only the district administrator's bearer token.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TokenService } from './auth.js';
import type { Clock } from './clock.js';
import type { EffectCounter } from './context.js';
import type { FaultInjector } from './faults.js';
import { badRequest, forbidden, unauthorized } from './problems.js';

export const TEST_HOOK_PREFIX = '/__sandbox';

interface TestHookState {
  tokens: TokenService;
  clock: Clock;
  faults: FaultInjector;
  effects: EffectCounter;
  unimplemented: string[];
  /** Whether this instance runs the simulation now, waits to take it over, or has it off. */
  simulation: () => 'running' | 'standby' | 'off';
}

function requireDistrictAdministrator(req: FastifyRequest, tokens: TokenService): void {
  const [scheme, token] = (req.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) throw unauthorized('测试钩子需要区级管理员的 Bearer 令牌');
  if (tokens.verify(token).role !== 'district') throw forbidden('测试钩子仅限区级管理员');
}

export function registerTestHooks(app: FastifyInstance, state: TestHookState): void {
  const { tokens, clock, faults, effects, unimplemented, simulation } = state;
  app.register(async (hooks) => {
    hooks.addHook('onRequest', async (req) => requireDistrictAdministrator(req, tokens));

    hooks.get('/stats', async () => ({
      faults: faults.counts(),
      effects: effects.counts(),
      unimplemented,
      simulation: simulation(),
    }));

    hooks.post('/reset-stats', async () => {
      faults.resetCounts();
      effects.reset();
      return { ok: true };
    });

    hooks.post<{ Body: { now?: string | null; advanceMs?: number } | undefined }>('/clock', async (req) => {
      const body = req.body ?? {};
      let date: Date | undefined;
      if (typeof body.now === 'string') {
        date = new Date(body.now);
        if (Number.isNaN(date.getTime())) throw badRequest('now 不是有效的时间', [{ name: 'body/now', reason: 'ISO 8601 expected' }]);
      }
      // Checked before anything is set: a clock past the range of a Date would fail every later request.
      if (typeof body.advanceMs === 'number' && Number.isNaN(new Date((date ?? clock.now()).getTime() + body.advanceMs).getTime())) {
        throw badRequest('advanceMs 使时钟超出可表示的时间范围', [{ name: 'body/advanceMs', reason: 'out of range' }]);
      }
      if (body.now === null) clock.set(null);
      else if (date) clock.set(date);
      if (typeof body.advanceMs === 'number') clock.advance(body.advanceMs);
      return { now: clock.now().toISOString() };
    });
  }, { prefix: TEST_HOOK_PREFIX });
}
