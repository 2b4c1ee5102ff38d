/**
 * Applying for a 有条件共享 dataset from `<cb-data-table>`: where the caller may not read the dataset but
 * may apply (`access.canApply`), the denied state offers "申请使用" with a small form (purpose and period)
 * and afterwards shows the state of the caller's latest application — pending, returned with the
 * steward's reason, or approved for a period — through the client's `data.shares` helpers.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import type { CityBrainClient, ShareApplication } from '@citybrain/client';
import { formatDate, toShanghaiDate } from '../shared/format.js';

/** The period a new form suggests: from today, three months (the steward may shorten it). */
const SUGGESTED_DAYS = 90;
/** What the server accepts: at most a year, leap day included. */
const MAX_PERIOD_DAYS = 366;
const PURPOSE_MIN = 10;
const PURPOSE_MAX = 500;

/** `YYYY-MM-DD` plus `days` calendar days. */
function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A calendar day (`YYYY-MM-DD`) as the active locale writes it. */
function formatDay(day: string): string {
  return formatDate(`${day}T12:00:00+08:00`);
}

/** The problem's detail of a failed call, or a generic sentence. */
function failureText(error: unknown): string {
  const detail = (error as { problem?: { detail?: unknown } } | undefined)?.problem?.detail;
  return typeof detail === 'string' && detail ? detail : msg('提交失败，请重试。', { id: 'data-table.share-failed' });
}

/** What the form needs of the element: to render again, and where its form is once rendered. */
export interface ShareAccessHost {
  requestUpdate(): void;
  readonly updateComplete: Promise<boolean>;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/** The caller's application for one dataset, and the form to file one. */
export class ShareAccess {
  /** The latest application for the dataset: undefined until loaded, null when there is none. */
  application: ShareApplication | null | undefined;
  private client?: CityBrainClient;
  private datasetId?: string;
  private formOpen = false;
  private submitting = false;
  private loadFailed = false;
  private submitError?: string;
  private abort?: AbortController;

  constructor(private readonly host: ShareAccessHost) {}

  /** Follows the dataset the table shows; loads the caller's latest application for it once. */
  follow(client: CityBrainClient, datasetId: string): void {
    if (this.datasetId === datasetId && this.client === client) return;
    this.abort?.abort();
    Object.assign(this, { client, datasetId, application: undefined, formOpen: false, submitting: false, loadFailed: false, submitError: undefined });
    const abort = (this.abort = new AbortController());
    void client.data.shares
      .list({ datasetId, limit: 1 }, { signal: abort.signal })
      .first()
      .then(
        (page) => {
          if (abort.signal.aborted) return;
          this.application = page.items[0] ?? null;
          this.host.requestUpdate();
        },
        () => {
          if (abort.signal.aborted) return;
          this.loadFailed = true;
          this.host.requestUpdate();
        },
      );
  }

  /** Stops a load in flight (the element left the page or shows another dataset). */
  stop(): void {
    this.abort?.abort();
    this.client = undefined;
    this.datasetId = undefined;
  }

  /** Opens the form and moves focus to its first field, or closes it and returns focus to the button. */
  private async open(open: boolean): Promise<void> {
    this.formOpen = open;
    this.submitError = undefined;
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>(open ? '.share-form textarea' : '.share-open')?.focus();
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    if (!form.reportValidity() || !this.client || !this.datasetId) return;
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement).value.trim();
    this.submitting = true;
    this.submitError = undefined;
    this.host.requestUpdate();
    try {
      this.application = await this.client.data.shares.apply({
        datasetId: this.datasetId,
        purpose: field('purpose'),
        validFrom: field('validFrom'),
        validTo: field('validTo'),
      });
      this.formOpen = false;
    } catch (error) {
      this.submitError = failureText(error);
    }
    this.submitting = false;
    this.host.requestUpdate();
  }

  /** The end of the period may not precede its start, nor lie more than a year after it. */
  private periodChanged = (event: Event): void => {
    const form = (event.currentTarget as HTMLInputElement).form!;
    const from = form.elements.namedItem('validFrom') as HTMLInputElement;
    const to = form.elements.namedItem('validTo') as HTMLInputElement;
    if (from.value) {
      to.min = from.value;
      to.max = addDays(from.value, MAX_PERIOD_DAYS - 1);
    }
  };

  /** The application's state and the way to apply (again), for the denied state of the table. */
  render(ownerName: string | undefined): TemplateResult | typeof nothing {
    if (this.loadFailed) return nothing;
    if (this.application === undefined) return html`<p class="state share-state">${msg('正在查询申请状态…', { id: 'data-table.share-loading' })}</p>`;
    const application = this.application;
    const canApplyAgain = !application || application.status === 'returned' || application.status === 'withdrawn' || expired(application);
    return html`<div class="state share" part="share">
      ${application ? renderApplicationState(application) : nothing}
      ${canApplyAgain && !this.formOpen
        ? html`<button type="button" class="share-open" part="button share-button" @click=${() => void this.open(true)}>
            ${application ? msg('重新申请', { id: 'data-table.share-reapply' }) : msg('申请使用', { id: 'data-table.share-apply' })}
          </button>`
        : nothing}
      ${this.formOpen ? this.renderForm(ownerName) : nothing}
    </div>`;
  }

  private renderForm(ownerName: string | undefined): TemplateResult {
    const today = toShanghaiDate(Date.now())!;
    const title = msg('申请使用此数据', { id: 'data-table.share-form-title' });
    return html`<form class="share-form" part="share-form" aria-label=${title} @submit=${(e: SubmitEvent) => void this.submit(e)}>
      <p class="share-hint">
        ${ownerName
          ? msg(str`申请将提交${ownerName}的数据专员审核；获批后可在批准的期限内查看本辖区的数据。`, { id: 'data-table.share-hint' })
          : msg('获批后可在批准的期限内查看本辖区的数据。', { id: 'data-table.share-hint-generic' })}
      </p>
      <label class="f">
        ${msg('用途', { id: 'data-table.share-purpose' })}
        <textarea name="purpose" required minlength=${PURPOSE_MIN} maxlength=${PURPOSE_MAX} rows="3"
          aria-describedby="share-purpose-help"></textarea>
      </label>
      <span id="share-purpose-help" class="share-help">${msg(str`说明使用数据的事项，${PURPOSE_MIN}–${PURPOSE_MAX} 字。`, { id: 'data-table.share-purpose-help' })}</span>
      <div class="share-period">
        <label class="f">
          ${msg('开始日期', { id: 'data-table.share-from' })}
          <input type="date" name="validFrom" required min=${today} .value=${today} @change=${this.periodChanged} />
        </label>
        <label class="f">
          ${msg('结束日期', { id: 'data-table.share-to' })}
          <input type="date" name="validTo" required min=${today} max=${addDays(today, MAX_PERIOD_DAYS - 1)} .value=${addDays(today, SUGGESTED_DAYS - 1)} />
        </label>
      </div>
      ${this.submitError ? html`<p class="share-error" role="alert">${this.submitError}</p>` : nothing}
      <div class="share-actions">
        <button type="submit" part="button" ?disabled=${this.submitting}>${msg('提交申请', { id: 'data-table.share-submit' })}</button>
        <button type="button" part="button" @click=${() => void this.open(false)}>${msg('取消', { id: 'data-table.cancel' })}</button>
      </div>
    </form>`;
  }
}

/** An approved application whose grant has ended: the caller may apply again. */
function expired(application: ShareApplication): boolean {
  const grant = application.grant;
  return application.status === 'approved' && grant !== null && !grant.active && Date.parse(grant.expiresAt) <= Date.now();
}

function renderApplicationState(application: ShareApplication): TemplateResult {
  const period = (from: string, to: string) => msg(str`${formatDay(from)} 至 ${formatDay(to)}`, { id: 'data-table.share-period' });
  switch (application.status) {
    case 'pending':
      return html`<p class="share-state" role="status">
        ${msg(str`使用申请已提交，待${application.ownerDept.name}审核（申请期限 ${period(application.requested.validFrom, application.requested.validTo)}）。`, { id: 'data-table.share-pending' })}
      </p>`;
    case 'returned':
      return html`<p class="share-state" role="status">${msg('使用申请被退回。', { id: 'data-table.share-returned' })}</p>
        ${application.returnReason
          ? html`<p class="share-reason">${msg(str`退回理由：${application.returnReason}`, { id: 'data-table.share-return-reason' })}</p>`
          : nothing}`;
    case 'approved': {
      const grant = application.grant;
      if (!grant) return html`<p class="share-state" role="status">${msg('使用申请已批准。', { id: 'data-table.share-approved' })}</p>`;
      return html`<p class="share-state" role="status">
        ${expired(application)
          ? msg(str`使用授权已于 ${formatDay(grant.validTo)} 到期。`, { id: 'data-table.share-expired' })
          : msg(str`使用申请已批准，可用期限 ${period(grant.validFrom, grant.validTo)}。`, { id: 'data-table.share-approved-until' })}
      </p>`;
    }
    case 'withdrawn':
      return html`<p class="share-state" role="status">${msg('使用申请已撤回。', { id: 'data-table.share-withdrawn' })}</p>`;
  }
}

export const shareAccessStyles = css`
  .share {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: var(--_cb-space-s);
    color: var(--_cb-color-text);
  }
  .share-form {
    display: flex;
    flex-direction: column;
    gap: var(--_cb-space-s);
    inline-size: min(100%, 32em);
    text-align: start;
  }
  .share-form label.f {
    display: flex;
    flex-direction: column;
    gap: var(--_cb-space-xs);
  }
  .share-form textarea {
    font: inherit;
    padding: var(--_cb-space-xs) var(--_cb-space-s);
    border: 1px solid var(--_cb-color-border);
    border-radius: var(--_cb-radius);
    resize: vertical;
  }
  .share-help,
  .share-hint {
    font-size: var(--_cb-font-size-s);
    color: var(--_cb-color-text-muted);
    margin: 0;
  }
  .share-period,
  .share-actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_cb-space-s);
  }
  .share-error {
    color: var(--_cb-color-danger);
    margin: 0;
  }
`;
