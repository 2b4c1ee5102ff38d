import { css, html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';

/**
 * The loading / empty / error (with retry) lifecycle that every data element shares.
 *
 * `LoadController` runs one request at a time: starting a new one aborts the
 * previous request (its late answer can never overwrite newer data), and an
 * element removed from the page stops its request, resuming it if re-attached.
 * `renderLoadStatus()` draws the loading, empty and error states the same way in
 * every element, with parts for styling.
 */

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'empty' | 'error';

export type LoadTask<T> = (signal: AbortSignal) => Promise<T>;

/**
 * A problem with an element's own settings (a missing `base-url`, a malformed region
 * code), shown in its error state instead of data; retrying cannot help, so no retry
 * button is offered. `message` is for the developer console. `describe()` gives the
 * text for people in the active locale, evaluated at render time so that it follows
 * locale changes; without it, `message` is shown.
 */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
  readonly describe: () => string;

  constructor(message: string, describe?: () => string) {
    super(message);
    this.describe = describe ?? (() => message);
  }
}

export interface LoadControllerOptions<T> {
  /** Whether a loaded value counts as empty. Default: null, undefined, `[]`, or `{ items: [] }`. */
  isEmpty?: (value: T) => boolean;
  /** Called once per failed load (not for aborted ones), e.g. to emit `cb-error`. */
  onError?: (error: unknown, message: string) => void;
}

function isEmptyByDefault(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  const items = (value as { items?: unknown }).items;
  return Array.isArray(items) && items.length === 0;
}

function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}

export class LoadController<T> implements ReactiveController {
  status: LoadStatus = 'idle';
  /** The last successfully loaded value; kept while a reload is in progress. */
  value: T | undefined = undefined;
  error: unknown = undefined;

  private readonly host: ReactiveControllerHost;
  private readonly options: LoadControllerOptions<T>;
  private abortController: AbortController | undefined;
  private lastTask: LoadTask<T> | undefined;
  private interruptedByDisconnect = false;

  constructor(host: ReactiveControllerHost, options: LoadControllerOptions<T> = {}) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  /**
   * Runs `task`, aborting the one in flight. Resolves when this run settles or is
   * superseded; never rejects (failures become the `error` status).
   */
  async run(task: LoadTask<T>): Promise<void> {
    this.abortController?.abort();
    const abortController = new AbortController();
    this.abortController = abortController;
    this.lastTask = task;
    this.setStatus('loading');
    try {
      const value = await task(abortController.signal);
      if (abortController !== this.abortController || abortController.signal.aborted) return;
      this.value = value;
      this.error = undefined;
      this.setStatus((this.options.isEmpty ?? isEmptyByDefault)(value) ? 'empty' : 'ready');
    } catch (error) {
      if (abortController !== this.abortController || abortController.signal.aborted || isAbort(error)) return;
      this.error = error;
      this.setStatus('error');
      this.options.onError?.(error, describeError(error));
    }
  }

  /** Runs the last task again (the retry button). Arrow function so it can be passed as a handler. */
  retry = (): void => {
    if (this.lastTask !== undefined) void this.run(this.lastTask);
  };

  /** Aborts the request in flight, leaving the current status and value. */
  abort(): void {
    this.abortController?.abort();
    this.abortController = undefined;
  }

  hostConnected(): void {
    if (this.interruptedByDisconnect) {
      this.interruptedByDisconnect = false;
      this.retry();
    }
  }

  hostDisconnected(): void {
    if (this.status === 'loading') {
      this.interruptedByDisconnect = true;
      this.abort();
    }
  }

  private setStatus(status: LoadStatus): void {
    this.status = status;
    this.host.requestUpdate();
  }
}

/**
 * A short, localized explanation of a failure for people, not developers. Reads
 * the client's typed errors by shape (`status`, `name`), so errors from another
 * copy of the client are understood too.
 */
export function describeError(error: unknown): string {
  if (error instanceof ConfigurationError) return error.describe();
  const { name, status } = (error ?? {}) as { name?: unknown; status?: unknown };
  if (name === 'TimeoutError') return msg('请求超时，请检查网络后重试。', { id: 'error.timeout' });
  if (name === 'NetworkError' || error instanceof TypeError) {
    return msg('网络连接失败，请检查网络后重试。', { id: 'error.network' });
  }
  // A 200 answer that is not the API's: typically a gateway or WAF login page.
  if (name === 'ResponseFormatError') {
    return msg('服务返回了无法识别的内容，请稍后重试。', { id: 'error.unexpected-response' });
  }
  if (typeof status === 'number') {
    if (status === 401) return msg('登录已失效，请重新登录后重试。', { id: 'error.unauthorized' });
    if (status === 403) return msg('没有查看此内容的权限。', { id: 'error.forbidden' });
    if (status === 404) return msg('未找到要查看的内容。', { id: 'error.not-found' });
    if (status === 429) return msg('访问过于频繁，请稍后重试。', { id: 'error.rate-limited' });
    if (status >= 500) return msg('服务暂时不可用，请稍后重试。', { id: 'error.unavailable' });
  }
  return msg('加载失败，请重试。', { id: 'error.generic' });
}

/**
 * The server's own explanation (RFC 9457 `detail`, or a government gateway's
 * envelope message) and the request id to quote to support.
 */
function errorSupportDetails(error: unknown): { detail?: string; requestId?: string } {
  const { problem, gatewayMessage, requestId } = (error ?? {}) as {
    problem?: { detail?: unknown };
    gatewayMessage?: unknown;
    requestId?: unknown;
  };
  const detail = problem?.detail ?? gatewayMessage;
  return {
    detail: typeof detail === 'string' && detail !== '' ? detail : undefined,
    requestId: typeof requestId === 'string' && requestId !== '' ? requestId : undefined,
  };
}

export interface LoadStatusTexts {
  /** Shown when the loaded value is empty. */
  empty?: string;
  /** Shown while loading. */
  loading?: string;
}

/**
 * The loading, empty or error state of `controller`, or nothing when ready.
 * Loading and empty text sit in a polite live region that is always rendered
 * (regions created together with their text are not announced reliably); the
 * error is an alert with a retry button.
 *
 * Parts: `status`, `status-message`, `error`, `error-message`, `error-detail`, `retry-button`.
 */
export function renderLoadStatus<T>(controller: LoadController<T>, texts: LoadStatusTexts = {}): TemplateResult {
  const { status } = controller;
  let politeText: string | undefined;
  if (status === 'loading') politeText = texts.loading ?? msg('加载中…', { id: 'status.loading' });
  if (status === 'empty') politeText = texts.empty ?? msg('暂无数据', { id: 'status.empty' });
  const { detail, requestId } = status === 'error' ? errorSupportDetails(controller.error) : {};
  return html`
    <div
      part="status"
      class="status status--${status} ${politeText === undefined ? 'status--quiet' : ''}"
      role="status"
      aria-live="polite"
    >
      ${politeText === undefined
        ? nothing
        : html`${status === 'loading' ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}<span
              part="status-message"
              >${politeText}</span
            >`}
    </div>
    ${status === 'error'
      ? html`<div part="error" class="error" role="alert">
          <p part="error-message" class="error__message">${describeError(controller.error)}</p>
          ${detail !== undefined || requestId !== undefined
            ? html`<p part="error-detail" class="error__detail">
                ${detail ?? nothing}
                ${requestId !== undefined ? msg(str`请求编号：${requestId}`, { id: 'error.request-id' }) : nothing}
              </p>`
            : nothing}
          ${controller.error instanceof ConfigurationError
            ? nothing /* the same settings would fail again; changing them reloads */
            : html`<button part="retry-button" class="button-primary" type="button" @click=${controller.retry}>
                ${msg('重试', { id: 'status.retry' })}
              </button>`}
        </div>`
      : nothing}
  `;
}

/** Styles for {@link renderLoadStatus}; add to the element's `static styles`. */
export const loadStatusStyles = css`
  .status,
  .error {
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: var(--_cb-space-s);
    padding: var(--_cb-space-xl) var(--_cb-space-l);
    text-align: center;
    color: var(--_cb-color-text-muted);
  }
  .status--loading {
    flex-direction: row;
  }
  /* Kept in the page while silent so later text is announced, but takes no space. */
  .status--quiet {
    padding: 0;
  }
  .spinner {
    inline-size: 1em;
    block-size: 1em;
    border: 2px solid var(--_cb-color-divider);
    border-block-start-color: var(--_cb-color-primary);
    border-radius: 50%;
    animation: cb-spin 0.8s linear infinite;
  }
  @keyframes cb-spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 2.4s;
    }
  }
  .error__message {
    margin: 0;
    color: var(--_cb-color-danger);
    font-size: var(--_cb-font-size-l);
  }
  .error__detail {
    margin: 0;
    font-size: var(--_cb-font-size-s);
    overflow-wrap: anywhere;
  }
`;
