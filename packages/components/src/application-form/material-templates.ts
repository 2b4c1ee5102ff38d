/**
 * The materials section of `<cb-application-form>`: per material a labelled file input with its
 * limits as the hint, its error tied by `aria-describedby`, and the list of its files, each with a
 * progress bar, what happened in words, and cancel, retry or remove.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';
import { formatBytes, materialHint, materialLabel, type MaterialFile, type MaterialRequirement } from './materials.js';
import { controlId } from './templates.js';

export interface MaterialsViewContext {
  materials: readonly MaterialRequirement[];
  files: (kind: string) => readonly MaterialFile[];
  /** Error to show at each slot, by kind. */
  errors: ReadonlyMap<string, string>;
  canRetry: (id: string) => boolean;
  onChoose: (material: MaterialRequirement, files: File[]) => void;
  onRetry: (id: string) => void;
  onRemove: (id: string) => void;
}

/** The summary and focus key of a material's slot, `material.ID_CARD`. */
export function materialPath(kind: string): string {
  return `material.${kind}`;
}

function renderFile(file: MaterialFile, ctx: MaterialsViewContext): TemplateResult {
  const percent = file.sizeBytes > 0 ? Math.floor((file.sent / file.sizeBytes) * 100) : 0;
  const size = formatBytes(file.sizeBytes);
  const name = file.name;
  let state: TemplateResult;
  if (file.status === 'uploading') {
    state = html`<progress part="progress" max=${file.sizeBytes} .value=${file.sent} aria-label=${msg(str`${name} 上传进度`, { id: 'form.material.progress-label' })}></progress>
      <span class="file__state">${msg(str`正在上传 ${percent}%（${formatBytes(file.sent)} / ${size}）`, { id: 'form.material.uploading' })}</span>
      <button type="button" class="button-secondary" part="cancel-button" @click=${() => ctx.onRemove(file.id)}>
        ${msg('取消上传', { id: 'form.material.cancel' })}<span class="visually-hidden"> ${name}</span>
      </button>`;
  } else if (file.status === 'failed') {
    state = html`<span class="field__error file__state">${msg(str`上传失败：${file.error ?? ''}`, { id: 'form.material.failed-state' })}</span>
      ${ctx.canRetry(file.id)
        ? html`<button type="button" class="button-secondary" part="retry-button" @click=${() => ctx.onRetry(file.id)}>
            ${msg('重试', { id: 'form.material.retry' })}<span class="visually-hidden"> ${name}</span>
          </button>`
        : nothing}
      <button type="button" class="button-secondary" part="remove-file-button" @click=${() => ctx.onRemove(file.id)}>
        ${msg('删除', { id: 'form.material.remove' })}<span class="visually-hidden"> ${name}</span>
      </button>`;
  } else {
    state = html`<span class="file__state file__state--done">${msg('已上传', { id: 'form.material.complete' })}</span>
      <button type="button" class="button-secondary" part="remove-file-button" @click=${() => ctx.onRemove(file.id)}>
        ${msg('删除', { id: 'form.material.remove' })}<span class="visually-hidden"> ${name}</span>
      </button>`;
  }
  return html`<li class="file file--${file.status}" part="material-file">
    <span class="file__name">${name}</span> <span class="note">${size}</span>
    <div class="file__actions">${state}</div>
  </li>`;
}

function renderMaterial(material: MaterialRequirement, ctx: MaterialsViewContext): TemplateResult {
  const id = controlId(materialPath(material.kind));
  const error = ctx.errors.get(material.kind);
  const files = ctx.files(material.kind);
  const onChange = (event: Event) => {
    const input = event.target as HTMLInputElement;
    const chosen = [...(input.files ?? [])];
    // Emptied, so choosing the same file again (to resume it after a reload) is a change again.
    input.value = '';
    if (chosen.length) ctx.onChoose(material, chosen);
  };
  return html`<div class=${`field material${error ? ' field--error' : ''}`} part="material">
    <label class="field__label" for=${id}>
      ${materialLabel(material)}${material.required ? nothing : html`<span class="optional">${msg('（选填）', { id: 'form.optional' })}</span>`}
    </label>
    <p class="hint" id=${`${id}-hint`} part="hint">${materialHint(material)}</p>
    ${error
      ? html`<p class="field__error" id=${`${id}-error`} part="field-error">
          <span class="visually-hidden">${msg('错误：', { id: 'form.error-prefix' })}</span>${error}
        </p>`
      : nothing}
    <input
      type="file"
      id=${id}
      part="file-input"
      ?multiple=${material.maxFiles > 1}
      accept=${material.mediaTypes.join(',')}
      aria-describedby=${error ? `${id}-hint ${id}-error` : `${id}-hint`}
      aria-invalid=${error ? 'true' : 'false'}
      @change=${onChange}
    />
    ${files.length ? html`<ul class="files" aria-label=${msg(str`${materialLabel(material)}的文件`, { id: 'form.material.files' })}>${files.map((file) => renderFile(file, ctx))}</ul>` : nothing}
  </div>`;
}

export function renderMaterials(ctx: MaterialsViewContext): TemplateResult | typeof nothing {
  if (ctx.materials.length === 0) return nothing;
  return html`<fieldset class="section" part="section materials">
    <legend class="section__title" part="section-title">${msg('申请材料', { id: 'form.section.materials' })}</legend>
    <p class="hint">
      ${msg('拍照或扫描后上传。网络不好时上传会自动续传；中断后重新选择同一个文件，会从断点继续。', { id: 'form.materials.intro' })}
    </p>
    ${ctx.materials.map((material) => renderMaterial(material, ctx))}
  </fieldset>`;
}
