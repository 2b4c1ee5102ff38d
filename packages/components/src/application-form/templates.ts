/**
 * The markup of `<cb-application-form>`, after GOV.UK's form patterns: one question per label,
 * hints and errors tied to their control with `aria-describedby`, related questions in a
 * `fieldset` with a `legend`, radios for a few choices, optional questions marked as such, an
 * error summary at the top whose links move focus to the field, and a confirmation panel.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { usesRadios, type FieldNode, type FormNode, type GroupNode, type ListNode } from './fields.js';
import { rowOf, rowsOf, type FormValues } from './model.js';
import { choiceLabel, fieldHint, fieldLabel, listTexts, noLabel, sectionLabel, yesLabel } from './texts.js';
import { isShown, type FieldErrors } from './validation.js';

export interface SummaryItem {
  path: string;
  message: string;
}

export interface FormViewContext {
  form: GroupNode;
  state: FormValues;
  /** The errors to show now (fields the applicant has left, or all after a submit attempt). */
  errors: FieldErrors;
  /** The error summary's entries; undefined hides it. */
  summary: SummaryItem[] | undefined;
  /** A problem with the submission itself (network, server), not with a field. */
  submitProblem: string | undefined;
  headingLevel: number;
  busy: boolean;
  /** Extra hint by template path (the town's area cap), added to the fixed ones. */
  extraHints: Record<string, string>;
  /** What goes between the questions and the submit button (the materials). */
  beforeSubmit: TemplateResult | typeof nothing;
  onInput: (path: string, value: string) => void;
  onLeave: (path: string) => void;
  onAddRow: (list: ListNode) => void;
  onRemoveRow: (list: ListNode, row: number) => void;
  onSubmit: (event: SubmitEvent) => void;
  onSummaryLink: (path: string, event: Event) => void;
  onDiscard: () => void;
  /** Whether a saved draft was restored (offers to start again). */
  restored: boolean;
}

/** The id of a field's control (its first radio for a radio group), unique within the shadow root. */
export function controlId(path: string): string {
  return `field-${path.replaceAll('.', '-')}`;
}

function heading(level: number, id: string, part: string, text: string): TemplateResult {
  return html`<div class="heading" role="heading" aria-level=${Math.min(6, level)} id=${id} part=${part}>${text}</div>`;
}

function describedBy(...ids: (string | false | undefined)[]): string | typeof nothing {
  const present = ids.filter(Boolean).join(' ');
  return present || nothing;
}

function optionalMark(field: FieldNode): TemplateResult | typeof nothing {
  return field.required ? nothing : html`<span class="optional">${msg('（选填）', { id: 'form.optional' })}</span>`;
}

function renderField(field: FieldNode, ctx: FormViewContext): TemplateResult | typeof nothing {
  if (!isShown(field, ctx.state.values)) return nothing;
  const id = controlId(field.path);
  const value = ctx.state.values[field.path] ?? '';
  const error = ctx.errors[field.path];
  const hintText = [fieldHint(field.template), ctx.extraHints[field.template]].filter(Boolean).join(' ');
  const hintId = hintText ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const label = fieldLabel(field);
  const hint = hintText ? html`<p class="hint" id=${hintId!} part="hint">${hintText}</p>` : nothing;
  const errorText = error
    ? html`<p class="field__error" id=${errorId!} part="field-error">
        <span class="visually-hidden">${msg('错误：', { id: 'form.error-prefix' })}</span>${error}
      </p>`
    : nothing;
  const onInput = (event: Event) => ctx.onInput(field.path, (event.target as HTMLInputElement).value);
  const onLeave = () => ctx.onLeave(field.path);
  const invalid = error ? 'true' : 'false';
  const fieldClass = `field${error ? ' field--error' : ''}`;

  if (field.control === 'boolean' || (field.control === 'choice' && usesRadios(field))) {
    const options =
      field.control === 'boolean'
        ? [
            { value: 'true', text: yesLabel() },
            { value: 'false', text: noLabel() },
          ]
        : field.choices.map((choice) => ({ value: choice, text: choiceLabel(choice) }));
    return html`<fieldset class=${fieldClass} part="field" aria-describedby=${describedBy(hintId, errorId)} @focusout=${onLeave}>
      <legend class="field__label">${label}${optionalMark(field)}</legend>
      ${hint}${errorText}
      <div class="radios">
        ${options.map(
          (option, index) => html`<label class="radio">
            <input
              type="radio"
              id=${index === 0 ? id : `${id}-${index}`}
              name=${field.path}
              part="input"
              .value=${option.value}
              .checked=${value === option.value}
              @change=${onInput}
            />
            <span>${option.text}</span>
          </label>`,
        )}
      </div>
    </fieldset>`;
  }

  let control: TemplateResult;
  const common = {
    id,
    describedBy: describedBy(hintId, errorId),
  };
  if (field.control === 'choice') {
    control = html`<select
      id=${common.id}
      name=${field.path}
      part="input"
      aria-invalid=${invalid}
      aria-describedby=${common.describedBy}
      @change=${onInput}
      @blur=${onLeave}
    >
      <option value="" ?selected=${value === ''}>${msg('请选择', { id: 'form.select-placeholder' })}</option>
      ${field.choices.map((choice) => html`<option value=${choice} ?selected=${value === choice}>${choiceLabel(choice)}</option>`)}
    </select>`;
  } else if (field.control === 'textarea') {
    control = html`<textarea
      id=${common.id}
      name=${field.path}
      part="input"
      rows="5"
      aria-invalid=${invalid}
      aria-describedby=${common.describedBy}
      .value=${value}
      @input=${onInput}
      @blur=${onLeave}
    ></textarea>`;
  } else {
    const numeric = field.control === 'number' || field.control === 'integer';
    control = html`<input
      id=${common.id}
      name=${field.path}
      part="input"
      class=${numeric ? 'input--short' : field.name === 'sfzh' || field.name === 'lxdh' || field.name === 'villageCode' ? 'input--code' : ''}
      type=${field.control === 'date' ? 'date' : field.name === 'lxdh' ? 'tel' : 'text'}
      inputmode=${field.control === 'integer' ? 'numeric' : field.control === 'number' ? 'decimal' : nothing}
      autocomplete=${field.template === 'jcxx.xm' ? 'name' : field.name === 'lxdh' ? 'tel-national' : 'off'}
      spellcheck=${numeric || field.name === 'sfzh' || field.name === 'villageCode' ? 'false' : nothing}
      aria-invalid=${invalid}
      aria-describedby=${common.describedBy}
      .value=${value}
      @input=${onInput}
      @blur=${onLeave}
    />`;
  }
  return html`<div class=${fieldClass} part="field">
    <label class="field__label" for=${id}>${label}${optionalMark(field)}</label>
    ${hint}${errorText}${control}
  </div>`;
}

function renderList(list: ListNode, ctx: FormViewContext, level: number): TemplateResult {
  const count = rowsOf(ctx.state, list);
  const name = sectionLabel(list.path);
  const texts = listTexts(list.path, name);
  return html`<fieldset class="section" part="section">
    <legend class="section__title" part="section-title">${name}</legend>
    ${count === 0 ? html`<p class="note">${texts.empty()}</p>` : nothing}
    ${Array.from({ length: count }, (_, row) => {
      const group = rowOf(list, row);
      const title = texts.row(row + 1);
      return html`<fieldset class="row" part="row">
        <legend class="row__title">${title}</legend>
        ${group.children.map((child) => renderNode(child, ctx, level + 1))}
        ${count > list.minItems
          ? html`<button type="button" class="button-secondary" part="remove-button" @click=${() => ctx.onRemoveRow(list, row)}>
              ${texts.remove(row + 1)}
            </button>`
          : nothing}
      </fieldset>`;
    })}
    ${count < list.maxItems
      ? html`<button type="button" class="button-secondary" part="add-button" @click=${() => ctx.onAddRow(list)}>
          ${texts.add()}
        </button>`
      : html`<p class="note">${msg(str`最多 ${list.maxItems} 项。`, { id: 'form.list.full' })}</p>`}
  </fieldset>`;
}

function renderNode(node: FormNode, ctx: FormViewContext, level: number): TemplateResult | typeof nothing {
  switch (node.kind) {
    case 'field':
      return renderField(node, ctx);
    case 'list':
      return renderList(node, ctx, level);
    case 'group': {
      const hint = fieldHint(node.template);
      const hintId = hint ? `${controlId(node.path)}-hint` : undefined;
      return html`<fieldset class="section" part="section" aria-describedby=${describedBy(hintId)}>
        <legend class="section__title" part="section-title">${sectionLabel(node.template)}</legend>
        ${hint ? html`<p class="hint" id=${hintId!} part="hint">${hint}</p>` : nothing}
        ${node.children.map((child) => renderNode(child, ctx, level + 1))}
      </fieldset>`;
    }
  }
}

function renderSummary(ctx: FormViewContext): TemplateResult | typeof nothing {
  if (!ctx.summary?.length && !ctx.submitProblem) return nothing;
  const items = ctx.summary ?? [];
  return html`<div class="error-summary" part="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
    ${heading(ctx.headingLevel + 1, 'error-summary-title', 'error-summary-title', msg('提交前请修改以下问题', { id: 'form.summary.title' }))}
    ${ctx.submitProblem ? html`<p>${ctx.submitProblem}</p>` : nothing}
    ${items.length
      ? html`<ul>
          ${items.map(
            (item) => html`<li>
              <a href=${`#${controlId(item.path)}`} @click=${(event: Event) => ctx.onSummaryLink(item.path, event)}>${item.message}</a>
            </li>`,
          )}
        </ul>`
      : nothing}
  </div>`;
}

export function renderForm(ctx: FormViewContext): TemplateResult {
  const rootFields = ctx.form.children.filter((child): child is FieldNode => child.kind === 'field');
  const sections = ctx.form.children.filter((child) => child.kind !== 'field');
  return html`<form class="form" part="form" novalidate aria-labelledby="form-title" @submit=${ctx.onSubmit}>
    ${heading(ctx.headingLevel, 'form-title', 'title', msg('农村宅基地和建房（规划许可）申请', { id: 'form.title' }))}
    ${renderSummary(ctx)}
    <p class="note">
      ${msg('填写内容会自动保存在本机浏览器中，提交后清除。标有“选填”的可以不填。', { id: 'form.intro' })}
    </p>
    ${ctx.restored
      ? html`<p class="note" part="draft-notice">
          ${msg('已恢复上次未提交的填写内容。', { id: 'form.draft.restored' })}
          <button type="button" class="button-link" part="discard-button" @click=${ctx.onDiscard}>
            ${msg('清空重填', { id: 'form.draft.discard' })}
          </button>
        </p>`
      : nothing}
    <fieldset class="section" part="section">
      <legend class="section__title" part="section-title">${msg('所在村（居）', { id: 'form.section.village' })}</legend>
      ${rootFields.map((field) => renderField(field, ctx))}
    </fieldset>
    ${sections.map((node) => renderNode(node, ctx, ctx.headingLevel + 1))}
    ${ctx.beforeSubmit}
    <div class="actions">
      <button class="button-primary" part="submit-button" type="submit" aria-disabled=${ctx.busy ? 'true' : nothing}>
        ${ctx.busy ? msg('正在提交…', { id: 'form.submitting' }) : msg('提交申请', { id: 'form.submit' })}
      </button>
    </div>
  </form>`;
}

export interface ConfirmationContext {
  headingLevel: number;
  trackingNo: string;
  verificationCode: string;
  onStartAgain: () => void;
}

export function renderConfirmation(ctx: ConfirmationContext): TemplateResult {
  return html`<section class="confirmation" part="confirmation" tabindex="-1" aria-labelledby="confirmation-title">
    ${heading(ctx.headingLevel, 'confirmation-title', 'confirmation-title', msg('申请已提交', { id: 'form.confirmation.title' }))}
    <dl class="receipt" part="receipt">
      <div>
        <dt>${msg('受理编号', { id: 'form.confirmation.tracking-no' })}</dt>
        <dd part="tracking-number">${ctx.trackingNo}</dd>
      </div>
      <div>
        <dt>${msg('查询码', { id: 'form.confirmation.code' })}</dt>
        <dd part="verification-code">${ctx.verificationCode}</dd>
      </div>
    </dl>
    <p>
      ${msg('请抄下或截图保存受理编号和查询码：查询码只显示这一次。凭这两项可以在“办件进度查询”中随时查看办理进度。', {
        id: 'form.confirmation.keep',
      })}
    </p>
    <slot name="confirmation"></slot>
    <button type="button" class="button-link" part="start-again-button" @click=${ctx.onStartAgain}>
      ${msg('再填写一份申请', { id: 'form.confirmation.start-again' })}
    </button>
  </section>`;
}
