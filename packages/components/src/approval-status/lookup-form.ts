/**
 * The citizen lookup form of `<cb-approval-status>` (办件进度查询): tracking number and
 * the 6-digit verification code handed out at submission. Validated in the page before
 * anything is sent, with messages tied to their fields for screen readers.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { RECORD_ID_PATTERN, VERIFICATION_CODE_PATTERN } from './model.js';

export interface LookupInput {
  trackingNo: string;
  verificationCode: string;
}

export interface LookupErrors {
  trackingNo?: string;
  verificationCode?: string;
}

export interface LookupFormContext {
  headingLevel: number;
  trackingNo: string;
  errors: LookupErrors;
  busy: boolean;
  /** Seconds until another lookup is allowed after a 429; 0 when allowed. */
  lockedSeconds: number;
  onSubmit: (event: SubmitEvent) => void;
  locale: string;
}

/** Tracking numbers are printed in capitals; people type them any way, with stray spaces. */
export function normalizeTrackingNo(value: string): string {
  return value.replace(/[\s\u3000]+/g, '').replace(/[－—–]/g, '-').toUpperCase();
}

/** Full-width digits (from Chinese IMEs) become ASCII; spaces are dropped. */
export function normalizeCode(value: string): string {
  return value.replace(/[\s\u3000]+/g, '').replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

export function validateLookup(input: LookupInput): LookupErrors {
  const errors: LookupErrors = {};
  if (input.trackingNo === '') {
    errors.trackingNo = msg('请输入受理编号。', { id: 'approval.lookup.tracking-required' });
  } else if (!RECORD_ID_PATTERN.test(input.trackingNo)) {
    errors.trackingNo = msg('受理编号格式不正确，应与受理回执上的编号一致，例如 ZJD-440605124-2026-000123。', {
      id: 'approval.lookup.tracking-invalid',
    });
  }
  if (input.verificationCode === '') {
    errors.verificationCode = msg('请输入查询码。', { id: 'approval.lookup.code-required' });
  } else if (!VERIFICATION_CODE_PATTERN.test(input.verificationCode)) {
    errors.verificationCode = msg('查询码为 6 位数字。', { id: 'approval.lookup.code-invalid' });
  }
  return errors;
}

export function renderLookupForm(ctx: LookupFormContext): TemplateResult {
  const { errors } = ctx;
  const locked = ctx.lockedSeconds > 0;
  return html`<form class="lookup" part="lookup-form" lang=${ctx.locale} novalidate aria-labelledby="lookup-title" @submit=${ctx.onSubmit}>
    <div class="heading" role="heading" aria-level=${Math.min(6, ctx.headingLevel)} id="lookup-title" part="title">
      ${msg('办件进度查询', { id: 'approval.lookup.title' })}
    </div>
    <p class="note" id="lookup-hint">
      ${msg('请输入受理回执上的受理编号和 6 位查询码。查询结果仅显示脱敏后的信息。', { id: 'approval.lookup.hint' })}
    </p>
    <div class="note" part="help"><slot name="help"></slot></div>
    <div class="lookup__fields">
      <div class="field">
        <label for="tracking-no">${msg('受理编号', { id: 'approval.field.tracking-no' })}</label>
        <input
          id="tracking-no"
          name="trackingNo"
          part="lookup-input"
          type="text"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck="false"
          maxlength="80"
          .value=${ctx.trackingNo}
          aria-invalid=${errors.trackingNo ? 'true' : 'false'}
          aria-describedby=${errors.trackingNo ? 'tracking-no-error' : nothing}
        />
        ${errors.trackingNo
          ? html`<p class="field__error" id="tracking-no-error" part="lookup-error">${errors.trackingNo}</p>`
          : nothing}
      </div>
      <div class="field field--code">
        <label for="verification-code">${msg('查询码', { id: 'approval.lookup.code' })}</label>
        <input
          id="verification-code"
          name="verificationCode"
          part="lookup-input"
          type="text"
          inputmode="numeric"
          autocomplete="off"
          maxlength="6"
          aria-invalid=${errors.verificationCode ? 'true' : 'false'}
          aria-describedby=${errors.verificationCode ? 'verification-code-error' : nothing}
        />
        ${errors.verificationCode
          ? html`<p class="field__error" id="verification-code-error" part="lookup-error">${errors.verificationCode}</p>`
          : nothing}
      </div>
      <button
        class="button-primary primary-button"
        part="lookup-button"
        type="submit"
        ?disabled=${locked}
        aria-disabled=${ctx.busy ? 'true' : nothing}
        aria-describedby=${locked ? 'lookup-locked' : nothing}
      >
        ${ctx.busy ? msg('查询中…', { id: 'approval.lookup.busy' }) : msg('查询', { id: 'approval.lookup.submit' })}
      </button>
    </div>
    ${locked
      ? html`<p class="field__error" id="lookup-locked" part="lookup-error" role="alert">
          ${msg(str`查询过于频繁，请在 ${ctx.lockedSeconds} 秒后再试。`, { id: 'approval.lookup.rate-limited' })}
        </p>`
      : nothing}
  </form>`;
}

/** The friendly answer to a wrong number or code (the server does not say which). */
export function renderNotFound(headingLevel: number): TemplateResult {
  return html`<section class="notice notice--neutral" part="not-found" role="alert" aria-labelledby="not-found-title">
    <div class="heading" role="heading" aria-level=${Math.min(6, headingLevel + 1)} id="not-found-title" part="notice-title">
      ${msg('没有查到这个办件', { id: 'approval.not-found.title' })}
    </div>
    <p>${msg('请核对受理编号和查询码是否与受理回执一致（查询码为 6 位数字）。', { id: 'approval.not-found.check' })}</p>
    <p class="note">
      ${msg('刚提交的申请可能需要几分钟才能查到；如仍有疑问，请联系村（居）委会或镇街便民服务中心。', {
        id: 'approval.not-found.help',
      })}
    </p>
  </section>`;
}
