/**
 * `citybrain-conformance --base-url URL [--client-id ID --secret S] [--config roles.json] [--read-only]`:
 * checks a server against the City Brain contracts and prints one line per check; exits 1 when a check
 * fails, 2 on a usage error.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatResult, formatSummary, runConformance } from './runner.mjs';

export const USAGE = `Usage: citybrain-conformance --base-url URL [options]

  --base-url URL      the API root of the server under test (http://host:8080/api/v1; a URL
                      without a path gets the contracts' /api/v1)
  --client-id ID      client credentials of the district role (full access)
  --secret SECRET
  --config FILE       JSON mapping the roles to clients of the server:
                      { "roles": { "district": { "clientId": "…", "secret": "…" },
                                   "town": {…}, "otherTown": {…}, "village": {…} },
                        "masked": ["village", "public"] }
                      (--client-id/--secret override its district role)
  --read-only         no writes (skips the idempotency check, which creates one test work order)
  --timeout MS        per request (default 15000)

Roles: district (full access), town and otherTown (two towns, to prove one cannot see the other),
village; "masked" names the roles whose personal data must arrive masked ("public" = no token).
A check whose role is not configured is skipped, not failed.`;

export class UsageError extends Error {}

/** @param {string[]} argv @returns {import('./runner.mjs').ConformanceOptions} */
export function parseArguments(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      'base-url': { type: 'string' },
      'client-id': { type: 'string' },
      secret: { type: 'string' },
      config: { type: 'string' },
      'read-only': { type: 'boolean', default: false },
      timeout: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new UsageError('');
  const config = values.config ? JSON.parse(readFileSync(values.config, 'utf8')) : {};
  const baseUrl = values['base-url'] ?? config.baseUrl;
  if (!baseUrl) throw new UsageError('--base-url is required');
  if (!/^https?:\/\//.test(baseUrl)) throw new UsageError(`--base-url must be an http(s) URL, not ${baseUrl}`);
  const roles = { ...config.roles };
  if (values['client-id'] || values.secret) {
    if (!values['client-id'] || !values.secret) throw new UsageError('--client-id and --secret go together');
    roles.district = { clientId: values['client-id'], secret: values.secret };
  }
  for (const [role, credentials] of Object.entries(roles)) {
    if (typeof credentials?.clientId !== 'string' || typeof credentials?.secret !== 'string') {
      throw new UsageError(`role ${role}: needs "clientId" and "secret"`);
    }
  }
  const timeoutMs = values.timeout ? Number(values.timeout) : undefined;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError(`--timeout must be a positive number of milliseconds`);
  return { baseUrl, roles, maskedRoles: [config.masked ?? []].flat(), readOnly: values['read-only'] || config.readOnly === true, timeoutMs };
}

export async function main(argv = process.argv.slice(2)) {
  let options;
  try {
    options = parseArguments(argv);
  } catch (error) {
    const message = error instanceof UsageError || error?.code?.startsWith?.('ERR_PARSE_ARGS') ? error.message : `cannot read the configuration: ${error.message}`;
    if (message) console.error(`citybrain-conformance: ${message}\n`);
    console.error(USAGE);
    return message ? 2 : 0;
  }
  console.log(`City Brain conformance: ${options.baseUrl} (roles: ${Object.keys(options.roles).join(', ') || 'none'}${options.readOnly ? '; read-only' : ''})\n`);
  const results = await runConformance({ ...options, onResult: (result) => console.log(formatResult(result)) });
  console.log(`\n${formatSummary(results)}`);
  return results.some((r) => r.outcome === 'fail') ? 1 : 0;
}
