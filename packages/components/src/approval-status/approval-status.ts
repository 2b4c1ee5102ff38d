import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import type { CityBrainClient } from '@citybrain/client';
import { CityBrainElement } from '../shared/city-brain-element.js';
import { getLocale } from '../shared/localization.js';
import { ConfigurationError, LoadController, renderLoadStatus } from '../shared/status.js';
import { textOf } from '../shared/text.js';
import { ClientController, type TokenSupplier } from '../provider/client-context.js';
import { LiveController, type LiveSource } from './live-controller.js';
import {
  citizenView,
  lastEventId,
  newEvents,
  normalizeTimeline,
  pick,
  PROCESS_KINDS,
  RECORD_ID_PATTERN,
  VERIFICATION_CODE_PATTERN,
  type ProcessKind,
  type Timeline,
  type TimelineEvent,
} from './model.js';
import {
  normalizeCode,
  normalizeTrackingNo,
  renderLookupForm,
  renderNotFound,
  validateLookup,
  type LookupErrors,
} from './lookup-form.js';
import { renderCompact, renderFull, type ResolvedLayout, type ViewContext } from './templates.js';
import { approvalStatusStyles } from './approval-status.styles.js';
import { roleLabel } from './texts.js';

export type ApprovalStatusLayout = 'auto' | ResolvedLayout;
export type ApprovalStatusMode = 'auto' | 'staff' | 'citizen';
export type ApprovalStatusLive = 'auto' | 'poll' | 'off';

/** `detail` of `cb-status-change`. */
export interface ApprovalStatusChangeDetail {
  /** Application or work-order id. */
  id: string;
  kind: ProcessKind;
  referenceNo: string;
  /** The status before the update (`JOINT_REVIEW`). */
  previousStatus: string;
  /** The status now (`TOWN_DECISION`); equal to `previousStatus` when only a new action was recorded. */
  status: string;
  stage: string | null;
  /** The new status in plain words, in the current locale. */
  label: string;
  /** Actions recorded since the previous view, oldest first. */
  events: TimelineEvent[];
  /** How the update arrived: the event stream or a poll. */
  source: 'stream' | 'poll';
  /** The whole new timeline (masked for citizens). */
  timeline: Timeline;
}

/** `detail` of `cb-lookup`. The verification code is never included. */
export interface ApprovalLookupDetail {
  trackingNo: string;
  result: 'found' | 'not-found' | 'rate-limited' | 'error';
}

declare global {
  interface CityBrainEventMap {
    'cb-status-change': ApprovalStatusChangeDetail;
    'cb-lookup': ApprovalLookupDetail;
  }
  interface HTMLElementTagNameMap {
    'cb-approval-status': CbApprovalStatus;
  }
}

/** Below these widths (px at 14 px text; scaled with larger text) `layout="auto"` switches to the vertical timeline, then to the badge. */
export const AUTO_LAYOUT_BREAKPOINTS = { vertical: 640, compact: 300 } as const;

const LAYOUTS: readonly ApprovalStatusLayout[] = ['auto', 'horizontal', 'vertical', 'compact'];
const MODES: readonly ApprovalStatusMode[] = ['auto', 'staff', 'citizen'];
const LIVE_MODES: readonly ApprovalStatusLive[] = ['auto', 'poll', 'off'];
const DEFAULT_POLL_SECONDS = 30;
/** The public lookup is polled gently: it is shared by every citizen of the district. */
const MIN_CITIZEN_POLL_SECONDS = 60;

type Target =
  | { mode: 'staff'; process: ProcessKind; id: string }
  | { mode: 'citizen' }
  | { mode: 'data'; timeline: Timeline }
  | { mode: 'error'; error: ConfigurationError };

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function retryAfterOf(error: unknown): number | undefined {
  const value = (error as { retryAfter?: unknown } | null)?.retryAfter;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * A 200 answer that is not a timeline (e.g. a gateway's JSON envelope). Named like the
 * client's error for answers that are not the API's, so the error state says the same;
 * retrying may help, so it is not a ConfigurationError.
 */
class InvalidTimelineError extends Error {
  override name = 'ResponseFormatError';
}

function invalidDataError(): InvalidTimelineError {
  return new InvalidTimelineError('The answer is not a ProcessTimeline.');
}

/**
 * Where a homestead (宅基地) application or a 12345 work order stands, live: the current
 * stage in plain words, a stepper of every stage with the parallel department reviews,
 * the time limits in working days with what is overdue, the reason for a return or a
 * rejection and what the applicant must do next, side states (withdrawn, suspended),
 * the documents issued, and the history of every action.
 *
 * Staff pages give an id and get the full view (personal data masked by the caller's
 * role, through the token of `<cb-provider>` or the element's own `token`):
 *
 * ```html
 * <cb-provider base-url="https://citybrain.example.gov.cn/api/v1" token="…">
 *   <cb-approval-status application-id="ZJD-440605124-2026-000123"></cb-approval-status>
 *   <cb-approval-status workorder-id="GD-20261118-000123" layout="compact"></cb-approval-status>
 * </cb-provider>
 * ```
 *
 * Without an id the element is the citizens' lookup form (办件进度查询): tracking number
 * and 6-digit verification code against the public endpoint, which answers with masked
 * data only (the element masks again, as a second line of defence):
 *
 * ```html
 * <cb-approval-status base-url="https://citybrain.example.gov.cn/api/v1"></cb-approval-status>
 * ```
 *
 * Updates arrive over the record's event stream (falling back to polling with backoff),
 * are announced in a polite live region and fire `cb-status-change`. Bad attributes never
 * throw: the element warns once in the console and shows what is wrong.
 *
 * @summary Live status timeline of a homestead application or a work order, for staff and citizens.
 * @tagname cb-approval-status
 *
 * @slot help - Citizen mode: contact details shown with the lookup form, e.g. the town service centre's phone (咨询电话).
 *
 * @fires cb-status-change - A live update brought a new status or a newly recorded action; `detail`: `{ id, kind, referenceNo, previousStatus, status, stage, label, events, source, timeline }`.
 * @fires cb-lookup - A citizen lookup finished; `detail`: `{ trackingNo, result: 'found' | 'not-found' | 'rate-limited' | 'error' }` (never the code).
 * @fires cb-error - Loading failed or an attribute is invalid; `detail`: `{ error, message }`.
 *
 * @csspart base - The whole status view (or the compact badge row).
 * @csspart header - Title row with the process name, title and badges.
 * @csspart process - The process name above the title (宅基地审批 / 12345 工单).
 * @csspart title - The title (also of the lookup form).
 * @csspart badge - Every status badge; also `badge-progress`, `badge-success`, `badge-warning`, `badge-danger`, `badge-neutral`, `badge-overdue`, `badge-flag`.
 * @csspart description - The current status in plain words.
 * @csspart summary - Reference number, applicant, place, current stage.
 * @csspart reference - The tracking or work-order number.
 * @csspart applicant - The applicant or reporter (masked per role).
 * @csspart current-step - The current stage in the summary.
 * @csspart notice - Boxes for rejection, return, side states, completion; also `notice-rejected`, `notice-returned`, `notice-withdrawn`, `notice-suspended`, `notice-completion`.
 * @csspart notice-title - Title of a notice.
 * @csspart materials - The list of documents to supplement.
 * @csspart applicant-action - What the applicant must do after a return.
 * @csspart completion - Documents and dates of the result (批准书号, 不动产权证书号 …).
 * @csspart next-action - What happens next and by when.
 * @csspart deadline - The time limits; also `deadline-stage`, `deadline-total`.
 * @csspart section-title - Titles of the progress and history sections.
 * @csspart position - "第 N 步，共 M 步".
 * @csspart stepper - The ordered list of stages.
 * @csspart step - One stage; also `step-done`, `step-active`, `step-pending`, `step-returned`, `step-rejected`, `step-skipped`, `step-current`.
 * @csspart current-stage - Details of the current stage under a horizontal stepper.
 * @csspart substeps - The parallel department reviews of a stage.
 * @csspart substep - One department's review; also `substep-<state>`.
 * @csspart timeline - The list of recorded actions.
 * @csspart event - One recorded action.
 * @csspart event-time - Its time.
 * @csspart event-action - What was done.
 * @csspart event-actor - Who did it (department / office).
 * @csspart event-remark - The remark or opinion given.
 * @csspart timeline-toggle - The button that shows all records.
 * @csspart lookup-form - The citizen lookup form.
 * @csspart lookup-input - Its inputs.
 * @csspart lookup-button - Its submit button.
 * @csspart lookup-error - Validation and rate-limit messages.
 * @csspart not-found - The friendly "not found" answer of a lookup.
 * @csspart help - Where the `help` slot is shown in the lookup form.
 * @csspart status - Loading state (polite live region); also `status-message`.
 * @csspart error - Error state; also `error-message`, `error-detail`, `retry-button`.
 * @csspart announcer - The visually hidden live region announcing updates.
 *
 * @cssprop --cb-approval-marker-size - Diameter of the stepper's stage markers (1.75em).
 * @cssprop --cb-approval-max-inline-size - Widest the element grows (none).
 */
export class CbApprovalStatus extends CityBrainElement {
  static override styles = approvalStatusStyles;

  /** The platform's API root for use without `<cb-provider>`; wins over a provider's. */
  @property({ attribute: 'base-url' }) baseUrl?: string;

  /** Bearer token for use without `<cb-provider>` (staff mode). */
  @property() token?: string;

  /** Region code narrowing requests (6, 9 or 12 digits), for use without `<cb-provider>`. */
  @property() region?: string;

  /** Supplies short-lived tokens; wins over `token`. */
  @property({ attribute: false }) getToken?: TokenSupplier;

  /** Staff mode: id (tracking number) of a homestead application, `ZJD-440605124-2026-000123`. */
  @property({ attribute: 'application-id' }) applicationId?: string;

  /** Staff mode: id (order number) of a 12345 work order, `GD-20261118-000123`. */
  @property({ attribute: 'workorder-id' }) workorderId?: string;

  /**
   * The process of `application-id`: `homestead` (default) or `workorder`, for pages that
   * pass any record id through one attribute.
   */
  @property() process?: string;

  /**
   * `staff` (an id is required), `citizen` (the public lookup form), or `auto` (default):
   * staff when an id is set, citizen otherwise.
   */
  @property() mode: string = 'auto';

  /** Citizen mode: tracking number to prefill the lookup form with. */
  @property({ attribute: 'tracking-number' }) trackingNumber?: string;

  /**
   * Citizen mode: verification code; with `tracking-number` the lookup runs at once (e.g.
   * from a link in the acceptance SMS). Not reflected, never sent anywhere but the lookup.
   */
  @property({ attribute: 'verification-code' }) verificationCode?: string;

  /**
   * `horizontal` stepper, `vertical` timeline, `compact` badge, or `auto` (default):
   * chosen from the element's width and updated as it changes.
   */
  @property() layout: string = 'auto';

  /**
   * Live updates: `auto` (default; the event stream, falling back to polling), `poll`
   * (polling only), `off`.
   */
  @property() live: string = 'auto';

  /** Seconds between polls when polling (default 30; citizens at least 60). */
  @property({ attribute: 'poll-interval', type: Number }) pollInterval = DEFAULT_POLL_SECONDS;

  /** Heading level of the title (1–6, default 2); section titles use the next level. */
  @property({ attribute: 'heading-level', type: Number }) headingLevel = 2;

  /**
   * A timeline to show as is (e.g. fetched by the page itself), instead of loading one.
   * Same shape as the API's `ProcessTimeline`.
   */
  @property({ attribute: false }) timeline?: unknown;

  /** The timeline on screen (masked for citizens), or undefined. */
  @state() private current?: Timeline;
  @state() private announcement = '';
  @state() private autoLayout: ResolvedLayout = 'vertical';
  @state() private showAllEvents = false;
  @state() private lookupErrors: LookupErrors = {};
  @state() private lookupTrackingNo = '';
  @state() private rateLimitedUntil = 0;

  private readonly clients = new ClientController(this);
  private readonly load = new LoadController<Timeline>(this, {
    isEmpty: () => false,
    onError: (error, message) => this.onLoadError(error, message),
  });
  private readonly liveUpdates = new LiveController(this);
  private resizeObserver?: ResizeObserver;
  private target?: Target;
  private loadedWith?: readonly unknown[];
  private lastLookup?: { trackingNo: string; verificationCode: string };
  private rateLimitTimer?: ReturnType<typeof setTimeout>;
  private announceToken = 0;

  /** The timeline on screen, or undefined while loading, after an error or before a lookup. */
  get currentTimeline(): Timeline | undefined {
    return this.current;
  }

  /** How updates arrive right now: `streaming`, `polling` or `off`. */
  get liveMode(): LiveController['mode'] {
    return this.liveUpdates.mode;
  }

  /** Loads again (staff mode) or repeats the last lookup (citizen mode). */
  reload(): void {
    if (this.target?.mode === 'citizen') {
      if (this.lastLookup) this.lookup(this.clients.client, this.lastLookup.trackingNo, this.lastLookup.verificationCode);
      return;
    }
    this.loadedWith = undefined;
    this.requestUpdate();
  }

  /** The layout `auto` picks for a width; breakpoints are for 14 px text and grow with larger text (elderly mode). */
  private layoutForWidth(width: number): ResolvedLayout {
    const scale = Math.max(1, (parseFloat(getComputedStyle(this).fontSize) || 14) / 14);
    if (width < AUTO_LAYOUT_BREAKPOINTS.compact * scale) return 'compact';
    return width < AUTO_LAYOUT_BREAKPOINTS.vertical * scale ? 'vertical' : 'horizontal';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Measured once now so the first render already has the right layout (no flash of another).
    const width = this.getBoundingClientRect().width;
    if (width > 0) this.autoLayout = this.layoutForWidth(width);
    if (typeof ResizeObserver !== 'undefined') {
      this.resizeObserver ??= new ResizeObserver((entries) => {
        const observed = entries[entries.length - 1]?.contentRect.width ?? 0;
        if (observed <= 0) return;
        const layout = this.layoutForWidth(observed);
        if (layout !== this.autoLayout) this.autoLayout = layout;
      });
      this.resizeObserver.observe(this);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    clearTimeout(this.rateLimitTimer);
  }

  // ---------------------------------------------------------------------------- configuration

  /** Warns once (English, for developers) and returns the error state (localized when shown). */
  private configError(key: string, warning: string, describe: () => string): Target {
    this.warnOnce(key, warning);
    return { mode: 'error', error: new ConfigurationError(`<${this.localName}> ${warning}`, describe) };
  }

  /** Reads the attributes into what to show; warns once about each problem. */
  private resolveTarget(): Target {
    if (this.timeline !== undefined && this.timeline !== null) {
      const timeline = normalizeTimeline(this.timeline);
      if (timeline === undefined) {
        return this.configError(
          'timeline-invalid',
          'the `timeline` property is not a ProcessTimeline (it needs at least `id` and `status`).',
          () => msg('办理进度数据无法识别，请稍后重试或联系管理员。', { id: 'approval.error.invalid-data' }),
        );
      }
      return { mode: 'data', timeline: this.mode === 'citizen' ? citizenView(timeline) : timeline };
    }
    const mode = textOf(this.mode)?.trim() || 'auto';
    if (!MODES.includes(mode as ApprovalStatusMode)) {
      return this.configError(
        `mode:${mode}`,
        `mode="${mode}" is not one of ${MODES.join(', ')}.`,
        () => msg(str`mode 属性值“${mode}”无效，应为 auto、staff 或 citizen。`, { id: 'approval.config.mode-invalid' }),
      );
    }
    const process = textOf(this.process)?.trim();
    if (process && !PROCESS_KINDS.includes(process as ProcessKind)) {
      return this.configError(
        `process:${process}`,
        `process="${process}" is not one of ${PROCESS_KINDS.join(', ')}.`,
        () => msg(str`process 属性值“${process}”无效，应为 homestead 或 workorder。`, { id: 'approval.config.process-invalid' }),
      );
    }
    const applicationId = textOf(this.applicationId)?.trim();
    const workorderId = textOf(this.workorderId)?.trim();
    if (applicationId && workorderId) {
      return this.configError(
        'id-conflict',
        'both application-id and workorder-id are set; set only one.',
        () => msg('同时设置了 application-id 和 workorder-id，请只设置其中一个。', { id: 'approval.config.id-conflict' }),
      );
    }
    if (workorderId && process === 'homestead') {
      return this.configError(
        'process-conflict',
        'workorder-id is set with process="homestead"; use application-id for applications.',
        () => msg('workorder-id 与 process="homestead" 相矛盾，请检查属性。', { id: 'approval.config.process-conflict' }),
      );
    }
    const id = applicationId || workorderId;
    const kind: ProcessKind = workorderId ? 'workorder' : ((process as ProcessKind | undefined) ?? 'homestead');
    if (mode === 'citizen' || (mode === 'auto' && !id)) {
      if (kind === 'workorder') {
        return this.configError(
          'citizen-workorder',
          'the public lookup exists for homestead applications only; work orders need staff mode (an id and a token).',
          () => msg('公众查询仅支持宅基地申请，工单请在工作人员页面查看。', { id: 'approval.config.citizen-workorder' }),
        );
      }
      return { mode: 'citizen' };
    }
    if (!id) {
      return this.configError(
        'id-missing',
        'mode="staff" needs application-id or workorder-id.',
        () => msg('缺少要查看的编号：请设置 application-id 或 workorder-id。', { id: 'approval.config.id-missing' }),
      );
    }
    if (!RECORD_ID_PATTERN.test(id)) {
      return this.configError(
        `id:${id}`,
        `"${id}" is not a valid ${kind === 'workorder' ? 'work-order' : 'application'} id (4–64 letters, digits or hyphens).`,
        () => msg(str`编号“${id}”无效：应为 4–64 位字母、数字或连字符。`, { id: 'approval.config.id-invalid' }),
      );
    }
    return { mode: 'staff', process: kind, id };
  }

  /** Presentation attributes fall back to their default with a warning (the data still shows). */
  private resolvedLayout(): ResolvedLayout {
    const layout = textOf(this.layout)?.trim() || 'auto';
    if (!LAYOUTS.includes(layout as ApprovalStatusLayout)) {
      this.warnOnce(`layout:${layout}`, `layout="${layout}" is not one of ${LAYOUTS.join(', ')}; using auto.`);
      return this.autoLayout;
    }
    return layout === 'auto' ? this.autoLayout : (layout as ResolvedLayout);
  }

  private resolvedLive(): ApprovalStatusLive {
    const live = textOf(this.live)?.trim() || 'auto';
    if (!LIVE_MODES.includes(live as ApprovalStatusLive)) {
      this.warnOnce(`live:${live}`, `live="${live}" is not one of ${LIVE_MODES.join(', ')}; using auto.`);
      return 'auto';
    }
    return live as ApprovalStatusLive;
  }

  private resolvedPollMs(citizen: boolean): number {
    let seconds = this.pollInterval;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 1) {
      this.warnOnce(`poll:${String(seconds)}`, `poll-interval="${String(seconds)}" is not a number of seconds ≥ 1; using ${DEFAULT_POLL_SECONDS}.`);
      seconds = DEFAULT_POLL_SECONDS;
    }
    return Math.max(seconds, citizen ? MIN_CITIZEN_POLL_SECONDS : 0) * 1000;
  }

  private resolvedHeadingLevel(): number {
    const level = this.headingLevel;
    if (typeof level !== 'number' || !Number.isInteger(level) || level < 1 || level > 6) {
      this.warnOnce(`heading:${String(level)}`, `heading-level="${String(level)}" is not 1–6; using 2.`);
      return 2;
    }
    return level;
  }

  // ---------------------------------------------------------------------------- loading

  protected override willUpdate(changed: PropertyValues<this>): void {
    const client = this.clients.client;
    const key = [
      client,
      this.timeline,
      this.mode,
      this.process,
      this.applicationId,
      this.workorderId,
      this.live,
      this.pollInterval,
    ] as const;
    const previous = this.loadedWith;
    const sameSource = previous !== undefined && key.every((value, index) => value === previous[index]);
    const prefillChanged = changed.has('trackingNumber') || changed.has('verificationCode');
    if (sameSource && !prefillChanged) return;
    const onlyLiveChanged =
      sameSource === false && previous !== undefined && key.slice(0, 6).every((value, index) => value === previous[index]);
    this.loadedWith = key;

    if (onlyLiveChanged && (this.target?.mode === 'staff' || this.target?.mode === 'citizen') && this.current !== undefined) {
      this.startLive(client, this.target);
      return;
    }
    if (sameSource && prefillChanged) {
      this.applyPrefill(client);
      return;
    }
    this.start(client);
  }

  private start(client: CityBrainClient | ConfigurationError): void {
    this.liveUpdates.stop();
    const previous = this.target;
    const target = this.resolveTarget();
    this.target = target;
    // Same record with a new client (e.g. a rotated token): keep showing it while it reloads.
    const sameRecord =
      previous?.mode === 'staff' && target.mode === 'staff' && previous.id === target.id && previous.process === target.process;
    if (!sameRecord) {
      this.current = undefined;
      this.announcement = '';
      this.showAllEvents = false;
    }
    switch (target.mode) {
      case 'error':
        void this.load.run(async () => {
          throw target.error;
        });
        return;
      case 'data':
        this.load.abort();
        this.current = target.timeline;
        void this.load.run(async () => target.timeline);
        return;
      case 'citizen':
        if (previous?.mode === 'citizen' && this.lastLookup !== undefined) {
          // A new client (e.g. the provider's settings changed): repeat the citizen's lookup with it.
          this.lookup(client, this.lastLookup.trackingNo, this.lastLookup.verificationCode);
          return;
        }
        this.load.abort();
        this.load.status = 'idle';
        this.lastLookup = undefined;
        this.applyPrefill(client);
        return;
      case 'staff':
        void this.load.run(async (signal) => {
          if (client instanceof Error) throw client;
          const timeline = await this.fetchTimeline(client, target, signal);
          this.current = timeline;
          // Also after the retry button, which re-runs this task.
          this.afterLoad(signal, () => this.startLive(client, target));
          return timeline;
        });
        return;
    }
  }

  /** Runs `then` once the load that owns `signal` has been shown, unless it was superseded. */
  private afterLoad(signal: AbortSignal, then: () => void): void {
    setTimeout(() => {
      if (!signal.aborted && this.load.status === 'ready') then();
    }, 0);
  }

  private async fetchTimeline(
    client: CityBrainClient,
    target: Extract<Target, { mode: 'staff' }>,
    signal: AbortSignal,
  ): Promise<Timeline> {
    const raw =
      target.process === 'workorder'
        ? await client.workorders.timeline(target.id, { signal })
        : await client.approvals.timeline(target.id, { signal });
    const timeline = normalizeTimeline(raw);
    if (timeline === undefined) throw invalidDataError();
    return timeline;
  }

  private startLive(client: CityBrainClient | ConfigurationError, target: Target): void {
    this.liveUpdates.stop();
    if (client instanceof Error || this.current?.terminal) return;
    const live = this.resolvedLive();
    if (live === 'off') return;
    if (target.mode === 'staff') {
      const source: LiveSource = {
        refresh: async (signal) => {
          const timeline = await this.fetchTimeline(client, target, signal);
          if (this.target === target && !signal.aborted) this.applyUpdate(timeline);
        },
        lastEventId: () => (this.current ? lastEventId(this.current) : undefined),
      };
      if (live === 'auto') {
        source.watch = (signal, last) => {
          // A few reconnections, then polling takes over (e.g. a proxy that blocks SSE).
          const options = { signal, lastEventId: last, maxReconnects: 3 };
          return target.process === 'workorder'
            ? client.workorders.watch(target.id, options)
            : client.approvals.watch(target.id, options);
        };
      }
      this.liveUpdates.start(source, { pollInterval: this.resolvedPollMs(false) });
    } else if (target.mode === 'citizen' && this.lastLookup !== undefined) {
      // The event stream needs a token: citizens are kept current by polling the lookup.
      const lookup = this.lastLookup;
      this.liveUpdates.start(
        {
          refresh: async (signal) => {
            const raw = await client.approvals.lookup(lookup, { signal });
            const timeline = normalizeTimeline(raw);
            if (timeline === undefined) throw invalidDataError();
            if (this.lastLookup === lookup && !signal.aborted) this.applyUpdate(citizenView(timeline));
          },
        },
        { pollInterval: this.resolvedPollMs(true) },
      );
    }
  }

  /** Shows a newer timeline; announces and reports what changed. */
  private applyUpdate(next: Timeline): void {
    const previous = this.current;
    // An answer older than what is shown (a slow poll overtaken by the stream) changes nothing.
    if (previous && Date.parse(next.generatedAt) < Date.parse(previous.generatedAt)) return;
    const masked = this.target?.mode === 'citizen' ? citizenView(next) : next;
    const source = this.liveUpdates.mode === 'streaming' ? 'stream' : 'poll';
    this.current = masked;
    // A finished process will not change again: stop listening.
    if (masked.terminal) this.liveUpdates.stop();
    if (previous === undefined) return;
    const added = newEvents(previous, masked);
    const statusChanged = previous.status !== masked.status || previous.stage !== masked.stage;
    if (!statusChanged && added.length === 0) return;
    const locale = getLocale();
    const label = pick(masked.label, locale) || masked.status;
    const latest = added[added.length - 1];
    const action = latest ? this.describeEvent(latest, locale) : '';
    const text = statusChanged
      ? action
        ? msg(str`办理状态已更新为“${label}”：${action}`, { id: 'approval.announce.status-action' })
        : msg(str`办理状态已更新为“${label}”`, { id: 'approval.announce.status' })
      : msg(str`新的办理记录：${action}`, { id: 'approval.announce.event' });
    void this.announce(text);
    this.emit('cb-status-change', {
      id: masked.id,
      kind: masked.kind,
      referenceNo: masked.referenceNo,
      previousStatus: previous.status,
      status: masked.status,
      stage: masked.stage,
      label,
      events: added,
      source,
      timeline: masked,
    });
  }

  private describeEvent(event: TimelineEvent, locale: string): string {
    const action = pick(event.actionLabel, locale) || event.action;
    const office = event.actor.deptName ?? roleLabel(event.actor.role);
    return office ? msg(str`${action}（${office}）`, { id: 'approval.announce.action-by' }) : action;
  }

  /** Sets the live region's text; clearing it first makes a repeated message heard again. */
  private async announce(text: string): Promise<void> {
    const token = ++this.announceToken;
    this.announcement = '';
    await this.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (token === this.announceToken) this.announcement = text;
  }

  private onLoadError(error: unknown, message: string): void {
    if (this.target?.mode === 'citizen') {
      const status = statusOf(error);
      const trackingNo = this.lastLookup?.trackingNo ?? '';
      if (status === 404) {
        this.emit('cb-lookup', { trackingNo, result: 'not-found' });
        return; // an expected answer, not an error of the page
      }
      if (status === 429) {
        this.lockLookups(retryAfterOf(error) ?? 60_000);
        this.emit('cb-lookup', { trackingNo, result: 'rate-limited' });
      } else {
        this.emit('cb-lookup', { trackingNo, result: 'error' });
      }
    }
    this.emit('cb-error', { error, message });
  }

  // ---------------------------------------------------------------------------- citizen lookup

  private applyPrefill(client: CityBrainClient | ConfigurationError): void {
    if (this.target?.mode !== 'citizen') return;
    const trackingNo = normalizeTrackingNo(textOf(this.trackingNumber) ?? '');
    if (trackingNo) this.lookupTrackingNo = trackingNo;
    const code = normalizeCode(textOf(this.verificationCode) ?? '');
    if (trackingNo && code) {
      if (RECORD_ID_PATTERN.test(trackingNo) && VERIFICATION_CODE_PATTERN.test(code)) {
        this.lookup(client, trackingNo, code);
      } else {
        this.lookupErrors = validateLookup({ trackingNo, verificationCode: code });
      }
    }
  }

  private lockLookups(ms: number): void {
    this.rateLimitedUntil = Date.now() + ms;
    clearTimeout(this.rateLimitTimer);
    const tick = () => {
      this.requestUpdate();
      if (Date.now() < this.rateLimitedUntil) this.rateLimitTimer = setTimeout(tick, 1000);
    };
    this.rateLimitTimer = setTimeout(tick, 1000);
  }

  private readonly onLookupSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const trackingInput = form.querySelector<HTMLInputElement>('#tracking-no');
    const codeInput = form.querySelector<HTMLInputElement>('#verification-code');
    const trackingNo = normalizeTrackingNo(trackingInput?.value ?? '');
    const verificationCode = normalizeCode(codeInput?.value ?? '');
    this.lookupTrackingNo = trackingNo;
    if (trackingInput) trackingInput.value = trackingNo;
    const errors = validateLookup({ trackingNo, verificationCode });
    this.lookupErrors = errors;
    if (errors.trackingNo || errors.verificationCode) {
      (errors.trackingNo ? trackingInput : codeInput)?.focus();
      return;
    }
    if (Date.now() < this.rateLimitedUntil || this.load.status === 'loading') return;
    this.lookup(this.clients.client, trackingNo, verificationCode);
  };

  private lookup(client: CityBrainClient | ConfigurationError, trackingNo: string, verificationCode: string): void {
    const target = this.target;
    if (target?.mode !== 'citizen') return;
    this.liveUpdates.stop();
    this.current = undefined;
    this.showAllEvents = false;
    this.lookupErrors = {};
    const request = { trackingNo, verificationCode };
    this.lastLookup = request;
    void this.load.run(async (signal) => {
      if (client instanceof Error) throw client;
      const timeline = normalizeTimeline(await client.approvals.lookup(request, { signal }));
      if (timeline === undefined) throw invalidDataError();
      const shown = citizenView(timeline);
      this.current = shown;
      this.afterLoad(signal, () => {
        if (this.lastLookup !== request) return;
        const label = pick(shown.label, getLocale()) || shown.status;
        void this.announce(msg(str`已查到办件 ${shown.referenceNo}，当前状态：${label}`, { id: 'approval.announce.found' }));
        this.emit('cb-lookup', { trackingNo, result: 'found' });
        this.startLive(client, target);
      });
      return shown;
    });
  }

  // ---------------------------------------------------------------------------- rendering

  private readonly toggleEvents = (): void => {
    this.showAllEvents = !this.showAllEvents;
  };

  private renderStatus(citizen: boolean): TemplateResult | typeof nothing {
    const { status, error } = this.load;
    if (citizen && status === 'idle') return nothing;
    if (citizen && status === 'error' && statusOf(error) === 404) {
      // Keep the polite region in place; the friendly notice is an alert of its own.
      return html`<div part="status" class="status status--quiet" role="status" aria-live="polite"></div>
        ${renderNotFound(this.resolvedHeadingLevel())}`;
    }
    if (citizen && status === 'error' && statusOf(error) === 429) {
      // The form says how long to wait; nothing else to show.
      return html`<div part="status" class="status status--quiet" role="status" aria-live="polite"></div>`;
    }
    // While a live refresh runs the last view stays; only the first load shows the spinner.
    if (status === 'loading' && this.current !== undefined) return nothing;
    return renderLoadStatus(this.load, {
      loading: citizen
        ? msg('正在查询…', { id: 'approval.lookup.loading' })
        : msg('正在加载办理进度…', { id: 'approval.loading' }),
    });
  }

  protected override render(): TemplateResult {
    const target = this.target;
    const citizen = target?.mode === 'citizen' || (target?.mode === 'data' && this.mode === 'citizen');
    const layout = this.resolvedLayout();
    const headingLevel = this.resolvedHeadingLevel();
    const ctx: ViewContext = {
      locale: getLocale(),
      layout,
      headingLevel: target?.mode === 'citizen' ? headingLevel + 1 : headingLevel,
      citizen,
      showAllEvents: this.showAllEvents,
      onToggleEvents: this.toggleEvents,
    };
    const lockedSeconds = Math.max(0, Math.ceil((this.rateLimitedUntil - Date.now()) / 1000));
    const timeline = this.current;
    return html`
      ${target?.mode === 'citizen'
        ? renderLookupForm({
            headingLevel,
            trackingNo: this.lookupTrackingNo,
            errors: this.lookupErrors,
            busy: this.load.status === 'loading',
            lockedSeconds,
            onSubmit: this.onLookupSubmit,
            locale: ctx.locale,
          })
        : nothing}
      ${this.renderStatus(target?.mode === 'citizen')}
      ${timeline !== undefined && (this.load.status === 'ready' || this.load.status === 'loading')
        ? layout === 'compact'
          ? renderCompact(timeline, ctx)
          : renderFull(timeline, ctx)
        : nothing}
      <div class="visually-hidden" part="announcer" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
    `;
  }
}
