/**
 * Requests to the server under test, by operationId: the URL comes from the contract's path template,
 * every response is checked against the contract, and tokens are fetched once per role.
 */
import { Contracts } from './contracts.mjs';

/** Thrown by a check that found the server at fault. */
export class CheckFailure extends Error {}
/** Thrown by a check that cannot run against this server or configuration; not a failure. */
export class CheckSkipped extends Error {}

/**
 * @typedef {{ clientId: string, secret: string }} Credentials
 * @typedef {{ status: number, headers: Headers, text: string, body: any, violation: string | null, operationId: string }} Answer
 * @typedef {{ as?: string, params?: Record<string, string>, query?: Record<string, string | number>, headers?: Record<string, string>,
 *   json?: unknown, form?: Record<string, string>, url?: string, stream?: boolean }} CallOptions
 *   `as`: a role of the configuration, or `public` (no token); `url`: a full URL the server gave (a `next` link);
 *   `stream`: an answer that is an event stream is closed after its headers (it never ends)
 */

export class Session {
  /**
   * @param {{ baseUrl: string, contracts: Contracts, roles: Record<string, Credentials>, timeoutMs?: number }} options
   */
  constructor({ baseUrl, contracts, roles, timeoutMs = 15_000 }) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.contracts = contracts;
    this.roles = roles;
    this.timeoutMs = timeoutMs;
    /** @type {Map<string, Promise<string>>} */
    this.tokens = new Map();
  }

  hasRole(role) {
    return role === 'public' || role in this.roles;
  }

  /** The credentials of a role, or a skip when the configuration maps no client to it. */
  credentials(role) {
    const credentials = this.roles[role];
    if (!credentials) throw new CheckSkipped(`no client is configured for the ${role} role`);
    return credentials;
  }

  /** A bearer token for a configured role (null for `public`), issued once. */
  token(role) {
    if (role === 'public') return Promise.resolve(null);
    const { clientId, secret } = this.credentials(role);
    if (!this.tokens.has(role)) {
      this.tokens.set(role, this.send('issueToken', { as: 'public', form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret } })
        .then((answer) => {
          if (answer.status !== 200 || typeof answer.body?.access_token !== 'string') {
            throw new CheckFailure(`issueToken for the ${role} role (${clientId}) answered ${answer.status}: ${answer.text.slice(0, 200)}`);
          }
          return answer.body.access_token;
        }));
    }
    return this.tokens.get(role);
  }

  /** @param {string} operationId @param {CallOptions} options @returns {Promise<Answer>} */
  async send(operationId, options = {}) {
    const op = this.contracts.operation(operationId);
    const url = options.url ? new URL(options.url, this.baseUrl) : new URL(this.baseUrl + expand(op.path, options.params ?? {}));
    for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, String(value));
    const headers = new Headers(options.headers);
    const token = await this.token(options.as ?? 'district');
    if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
    let body;
    if (options.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = new URLSearchParams(options.form);
    } else if (options.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(options.json);
    }
    const response = await fetch(url, { method: op.method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    const contentType = response.headers.get('content-type') ?? '';
    let text = '';
    if (options.stream && contentType.startsWith('text/event-stream')) await response.body?.cancel();
    else if (/json|text|csv|xml/.test(contentType)) text = await response.text();
    else await response.arrayBuffer();
    let parsed = null;
    if (/json/.test(contentType)) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // the violation below names it
      }
    }
    const violation = this.contracts.violation(op, { status: response.status, contentType, text });
    return { status: response.status, headers: response.headers, text, body: parsed, violation, operationId };
  }
}

function expand(template, params) {
  return template.replace(/\{([^}]+)\}/g, (_, name) => {
    if (!(name in params)) throw new Error(`no value for the path parameter ${name} of ${template}`);
    return encodeURIComponent(params[name]);
  });
}

/**
 * What one check sees of the session: every answer that breaks the contract is recorded against
 * the check (a check with a violation fails, whatever else it asserted).
 */
export class CheckContext {
  /** @param {Session} session */
  constructor(session) {
    this.session = session;
    /** @type {string[]} */
    this.violations = [];
    /** operationIds this check called */
    this.operations = new Set();
    /** Short facts for the report line of a passing check. */
    this.notes = [];
  }

  /** @param {string} operationId @param {CallOptions} [options] */
  async call(operationId, options = {}) {
    this.operations.add(operationId);
    const answer = await this.session.send(operationId, options);
    if (answer.violation) this.violations.push(`${operationId} → ${answer.status}: ${answer.violation}`);
    return answer;
  }

  /** Fails the check with `reason` unless `condition` holds. */
  expect(condition, reason) {
    if (!condition) throw new CheckFailure(reason);
  }

  /** A 200 answer's body, or a failure naming what came instead. */
  async ok(operationId, options = {}) {
    const answer = await this.call(operationId, options);
    this.expect(answer.status >= 200 && answer.status < 300, `${operationId} answered ${answer.status}: ${answer.text.slice(0, 160)}`);
    return answer.body;
  }

  /** The caller's principal (`getPrincipal`) for a role. */
  async principal(role) {
    return this.ok('getPrincipal', { as: role });
  }

  skip(reason) {
    throw new CheckSkipped(reason);
  }

  note(text) {
    this.notes.push(text);
  }
}
