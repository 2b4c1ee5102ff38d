/**
 * Runs the checks one after another against one server and reports each: PASS, FAIL (with the
 * reason and the operations it called) or SKIP (the configuration or server does not allow it).
 */
import { buildChecks } from './checks.mjs';
import { Contracts } from './contracts.mjs';
import { loadBundledSpecs } from './bundle-specs.mjs';
import { CheckContext, CheckFailure, CheckSkipped, Session } from './session.mjs';

/**
 * @typedef {{ name: string, outcome: 'pass' | 'fail' | 'skip', reason: string, operations: string[] }} CheckResult
 * @typedef {{ baseUrl: string, roles: Record<string, { clientId: string, secret: string }>, maskedRoles?: string[],
 *   readOnly?: boolean, timeoutMs?: number, onResult?: (result: CheckResult) => void }} ConformanceOptions
 */

/** The API root: a URL given without a path gets the contracts' server path (`/api/v1`). */
export function apiRoot(baseUrl, contracts) {
  const url = new URL(baseUrl);
  return url.pathname === '/' ? `${url.origin}${contracts.serverPath}` : baseUrl.replace(/\/$/, '');
}

/** @param {ConformanceOptions} options @returns {Promise<CheckResult[]>} */
export async function runConformance(options) {
  const contracts = new Contracts(await loadBundledSpecs());
  const session = new Session({ baseUrl: apiRoot(options.baseUrl, contracts), contracts, roles: options.roles, timeoutMs: options.timeoutMs });
  const results = [];
  for (const check of buildChecks(contracts, { maskedRoles: options.maskedRoles ?? [], readOnly: options.readOnly ?? false })) {
    const t = new CheckContext(session);
    let outcome = 'pass';
    let reason = '';
    try {
      await check.run(t);
    } catch (error) {
      if (error instanceof CheckSkipped) outcome = 'skip';
      else outcome = 'fail';
      reason = error instanceof CheckFailure || error instanceof CheckSkipped ? error.message : `error: ${error?.message ?? error}`;
    }
    if (t.violations.length && outcome !== 'skip') {
      outcome = 'fail';
      reason = [reason, `contract: ${t.violations.slice(0, 3).join(' | ')}${t.violations.length > 3 ? ` (+${t.violations.length - 3} more)` : ''}`].filter(Boolean).join('; ');
    }
    if (outcome === 'pass') reason = t.notes.join('; ');
    const result = { name: check.name, outcome, reason, operations: [...t.operations] };
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

const MARKS = { pass: '✔ PASS', fail: '✖ FAIL', skip: '- SKIP' };

/** One report line (and its reason below it) per check. */
export function formatResult({ name, outcome, reason, operations }) {
  const calls = operations.length > 4 ? `${operations.slice(0, 4).join(', ')} +${operations.length - 4}` : operations.join(', ');
  const lines = [`${MARKS[outcome]}  ${name}${calls ? `  [${calls}]` : ''}`];
  if (reason) lines.push(`         ${reason}`);
  return lines.join('\n');
}

/** The closing line: `N passed, N failed, N skipped`. */
export function formatSummary(results) {
  const count = (outcome) => results.filter((r) => r.outcome === outcome).length;
  return `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`;
}
