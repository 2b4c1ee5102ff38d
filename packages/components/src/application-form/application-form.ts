import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { msg, str } from '@lit/localize';
import type { ApprovalsComponents, CityBrainClient } from '@citybrain/client';
import { CityBrainElement } from '../shared/city-brain-element.js';
import { ConfigurationError, describeError } from '../shared/status.js';
import { textOf } from '../shared/text.js';
import { toShanghaiDate } from '../shared/format.js';
import { ClientController, type TokenSupplier } from '../provider/client-context.js';
import { FORM_OPERATIONS, formOf, type FormProcess, type GroupNode, type ListNode } from './fields.js';
import { addRow, bodyOf, emptyValues, instancesOf, pathOfProblemField, removeRow, type FormValues } from './model.js';
import { draftKey, loadDraft, newSubmissionKey, removeDraft, saveDraft } from './draft-store.js';
import { validateForm, type FieldErrors, type ValidationContext } from './validation.js';
import { controlId, renderConfirmation, renderForm, type SummaryItem } from './templates.js';
import { LocalUploadStore, MaterialUploads, type MaterialRequirement, type MaterialUploader } from './materials.js';
import { materialPath, renderMaterials } from './material-templates.js';
import { applicationFormStyles } from './application-form.styles.js';

type ApplicationCreated = ApprovalsComponents['schemas']['ApplicationCreated'];
type ApplicationCreate = ApprovalsComponents['schemas']['ApplicationCreate'];
type ProcessConfig = ApprovalsComponents['schemas']['ProcessConfig'];

/** `detail` of `cb-application-submitted`. */
export interface ApplicationSubmittedDetail {
  process: FormProcess;
  /** Id of the new application (for staff pages and `cb-approval-status application-id`). */
  id: string;
  /** Tracking number for the applicant (受理编号): with the code, `cb-approval-status` looks it up. */
  trackingNo: string;
  /** 6-digit code of the public lookup; the only time it is shown. */
  verificationCode: string;
  status: string;
  submittedAt: string | null;
}

declare global {
  interface CityBrainEventMap {
    'cb-application-submitted': ApplicationSubmittedDetail;
  }
  interface HTMLElementTagNameMap {
    'cb-application-form': CbApplicationForm;
  }
}

const PROCESSES = Object.keys(FORM_OPERATIONS) as FormProcess[];
const FORM_ID_PATTERN = /^[\w-]{1,64}$/;

/** How long typing pauses before the draft is written (a write per key stroke would be wasteful on slow phones). */
const DRAFT_DELAY_MS = 400;

function problemCode(error: unknown): string | undefined {
  const code = (error as { problem?: { code?: unknown } } | null)?.problem?.code;
  return typeof code === 'string' ? code : undefined;
}

function fieldErrorsOf(error: unknown): { name: string; reason: string }[] {
  const list = (error as { fieldErrors?: unknown } | null)?.fieldErrors;
  return Array.isArray(list)
    ? list.filter((item): item is { name: string; reason: string } => typeof item?.name === 'string' && typeof item?.reason === 'string')
    : [];
}

/** The area cap of a town from the process definition's configuration, as the server picks it (`areaCapOf`). */
function areaCapFrom(config: ProcessConfig | undefined): ValidationContext['areaCapOf'] {
  const caps = config?.areaCapSqm;
  if (!caps) return undefined;
  return (townCode) => {
    const terrain = config.terrainByTown?.[townCode] ?? config.defaultTerrain ?? '';
    return caps[terrain] ?? (config.defaultTerrain ? caps[config.defaultTerrain] : undefined);
  };
}

/**
 * The online application form of a process (网上申请): for `process="homestead"`, the
 * 《农村宅基地和建房（规划许可）申请表》 with the household's family members, built from the
 * contract's request schema (`ApplicationCreate`), so its questions, required answers, choices and
 * limits are the API's.
 *
 * The materials the process definition lists (ID card, household register, red-line map…) are
 * upload slots with their type, size and count limits; each file is uploaded at once, resumably
 * (tus, through the client), with its own progress, cancel and retry, and attached by `uploadId`.
 *
 * ```html
 * <cb-provider base-url="https://citybrain.example.gov.cn/api/v1" .getToken=${…}>
 *   <cb-application-form process="homestead"></cb-application-form>
 * </cb-provider>
 * ```
 *
 * Answers are checked as the applicant types (after leaving a field, or after a first submit):
 * the schema's rules and the server's domain rules (GB 11643 ID numbers agreeing with age and
 * sex, mobile numbers, village codes, the town's homestead area cap). On submit, problems are
 * listed in an error summary at the top that takes focus and links to each field (GOV.UK's
 * pattern). What is typed is kept as a draft in `localStorage` (key
 * `cb-application-form:<process>:<form-id>`) until the application is accepted. Submitting sends
 * one `Idempotency-Key` per application, kept with the draft: a double click, a retry or a reload
 * after a lost answer never creates a second application. The confirmation shows the tracking
 * number and the verification code, which `<cb-approval-status>` looks the application up with.
 *
 * Creating an application needs a token allowed to (`approvals:create`): the town's window, or
 * a host page whose token service issues one to a signed-in villager. Bad attributes never throw:
 * the element warns once in the console and says what is wrong.
 *
 * @summary Online application form (网上申请) of a homestead application, from the contract's schema.
 * @tagname cb-application-form
 *
 * @slot confirmation - Shown in the confirmation under the tracking number, e.g. a link to the page with `<cb-approval-status>`.
 *
 * @fires cb-application-submitted - The application was accepted; `detail`: `{ process, id, trackingNo, verificationCode, status, submittedAt }`.
 * @fires cb-error - The submission failed for a reason other than the answers (network, permission, server), or an attribute is invalid; `detail`: `{ error, message }`.
 *
 * @csspart form - The form.
 * @csspart title - Its title.
 * @csspart error-summary - The list of problems at the top after a submit; also `error-summary-title`.
 * @csspart section - A group of questions (a `fieldset`); also `section-title`.
 * @csspart row - One family member; also `add-button`, `remove-button`.
 * @csspart field - One question with its label, hint and error.
 * @csspart hint - A question's hint.
 * @csspart field-error - A question's error message.
 * @csspart input - Every text box, drop-down and radio button.
 * @csspart materials - The materials section (申请材料); also `material` (one material's slot), `file-input`, `material-file` (one file), `progress`, `cancel-button`, `retry-button`, `remove-file-button`.
 * @csspart announcer - The visually hidden live region announcing finished and failed uploads.
 * @csspart draft-notice - The notice that a draft was restored; also `discard-button`.
 * @csspart submit-button - The submit button.
 * @csspart confirmation - The confirmation panel; also `confirmation-title`, `receipt`, `tracking-number`, `verification-code`, `start-again-button`.
 * @csspart error - Configuration problems (an invalid `process`).
 *
 * @cssprop --cb-form-max-inline-size - Widest the form grows (40rem).
 */
export class CbApplicationForm extends CityBrainElement {
  static override styles = applicationFormStyles;

  /** The process to apply for; `homestead` (宅基地和建房) is the one the API offers. */
  @property() process: string = 'homestead';

  /**
   * Names this form's draft (`cb-application-form:<process>:<form-id>` in `localStorage`), for a
   * page with more than one form of a process; letters, digits, `_` and `-`.
   */
  @property({ attribute: 'form-id' }) formId: string = 'default';

  /** The platform's API root for use without `<cb-provider>`; wins over a provider's. */
  @property({ attribute: 'base-url' }) baseUrl?: string;

  /** Bearer token for use without `<cb-provider>`. */
  @property() token?: string;

  /** Region code narrowing requests (6, 9 or 12 digits), for use without `<cb-provider>`. */
  @property() region?: string;

  /** Supplies short-lived tokens; wins over `token`. */
  @property({ attribute: false }) getToken?: TokenSupplier;

  /** Heading level of the title (1–6, default 2). */
  @property({ attribute: 'heading-level', type: Number }) headingLevel = 2;

  @state() private values: FormValues = emptyValues();
  @state() private touched = new Set<string>();
  @state() private attempted = false;
  @state() private serverErrors: FieldErrors = {};
  @state() private submitProblem?: string;
  @state() private busy = false;
  @state() private restored = false;
  @state() private created?: ApplicationCreated;
  @state() private processConfig?: ProcessConfig;
  /** The materials of the process definition, one upload slot each. */
  @state() private materials: MaterialRequirement[] = [];
  @state() private announcement = '';

  private readonly clients = new ClientController(this);
  private form?: GroupNode;
  private resolvedProcess?: FormProcess | ConfigurationError;
  private storageKey?: string;
  private submissionKey = newSubmissionKey();
  private draftTimer?: ReturnType<typeof setTimeout>;
  private loadedDefinitionWith?: CityBrainClient;
  private focusAfterRender?: 'summary' | 'confirmation';
  private announceToken = 0;
  private readonly uploads = new MaterialUploads(
    {
      changed: () => {
        this.requestUpdate();
        this.scheduleDraft();
      },
      announce: (text) => void this.announce(text),
      uploader: () => this.uploader(),
    },
    new LocalUploadStore('cb-application-form-upload:'),
  );

  /** The answers as the request body they would be submitted as (without validation). */
  get value(): Partial<ApplicationCreate> {
    return this.form ? (bodyOf(this.form, this.values) as Partial<ApplicationCreate>) : {};
  }

  /** The application this form created, once accepted. */
  get result(): ApplicationSubmittedDetail | undefined {
    return this.created && this.detailOf(this.created);
  }

  /** Empties the form and forgets its draft (a new application gets a new idempotency key). */
  reset(): void {
    if (this.storageKey) removeDraft(this.storageKey);
    this.values = emptyValues();
    this.touched = new Set();
    this.attempted = false;
    this.serverErrors = {};
    this.submitProblem = undefined;
    this.restored = false;
    this.created = undefined;
    this.uploads.clear();
    this.submissionKey = newSubmissionKey();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // What the server acknowledged stays resumable: choosing the same file again continues it.
    this.uploads.cancelAll();
    // Whatever was typed in the last moments is kept.
    if (this.draftTimer !== undefined) this.writeDraft();
  }

  // ---------------------------------------------------------------------------- configuration

  private resolveProcess(): FormProcess | ConfigurationError {
    const process = textOf(this.process)?.trim() || 'homestead';
    if (PROCESSES.includes(process as FormProcess)) return process as FormProcess;
    const warning = `process="${process}" is not one of ${PROCESSES.join(', ')}.`;
    this.warnOnce(`process:${process}`, warning);
    return new ConfigurationError(`<${this.localName}> ${warning}`, () =>
      msg(str`process 属性值“${process}”无效：目前只能在线申请 homestead（宅基地和建房）。`, { id: 'form.config.process-invalid' }),
    );
  }

  private resolveFormId(): string {
    const formId = textOf(this.formId)?.trim() || 'default';
    if (FORM_ID_PATTERN.test(formId)) return formId;
    this.warnOnce(`form-id:${formId}`, `form-id="${formId}" may hold only letters, digits, _ and - (1–64); using "default".`);
    return 'default';
  }

  private resolvedHeadingLevel(): number {
    const level = this.headingLevel;
    if (typeof level === 'number' && Number.isInteger(level) && level >= 1 && level <= 6) return level;
    this.warnOnce(`heading:${String(level)}`, `heading-level="${String(level)}" is not 1–6; using 2.`);
    return 2;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('process') || changed.has('formId') || this.resolvedProcess === undefined) {
      const process = this.resolveProcess();
      const key = process instanceof Error ? undefined : draftKey(process, this.resolveFormId());
      if (key !== this.storageKey || process !== this.resolvedProcess) {
        if (this.draftTimer !== undefined) this.writeDraft();
        this.resolvedProcess = process;
        this.form = process instanceof Error ? undefined : formOf(process);
        this.storageKey = key;
        this.restoreDraft();
      }
    }
    const client = this.clients.client;
    if (!(client instanceof Error) && client !== this.loadedDefinitionWith && this.form) {
      this.loadedDefinitionWith = client;
      void this.loadProcessConfig(client);
    }
  }

  /**
   * The deployment's area caps, for checking the proposed area while typing (without them the
   * server checks alone), and the materials the process takes.
   */
  private async loadProcessConfig(client: CityBrainClient): Promise<void> {
    try {
      const data = await client.approvals.processDefinition('homestead');
      if (this.loadedDefinitionWith !== client) return;
      this.processConfig = data.config;
      this.materials = Array.isArray(data.materials) ? data.materials : [];
    } catch {
      // Anonymous callers may not read definitions: the server still applies the cap on submit.
    }
  }

  // ---------------------------------------------------------------------------- drafts

  private restoreDraft(): void {
    const draft = this.storageKey ? loadDraft(this.storageKey) : undefined;
    this.values = draft ? { values: draft.values, rows: draft.rows } : emptyValues();
    this.submissionKey = draft?.submissionKey ?? newSubmissionKey();
    this.restored = draft !== undefined && Object.keys(draft.values).length > 0;
    this.touched = new Set(draft ? Object.keys(draft.values) : []);
    this.attempted = false;
    this.serverErrors = {};
    this.created = undefined;
    this.uploads.restore(draft?.materials ?? []);
  }

  private scheduleDraft(): void {
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.writeDraft(), DRAFT_DELAY_MS);
  }

  private writeDraft(): void {
    clearTimeout(this.draftTimer);
    this.draftTimer = undefined;
    if (!this.storageKey || this.created) return;
    saveDraft(this.storageKey, { ...this.values, submissionKey: this.submissionKey, savedAt: Date.now(), materials: this.uploads.saved() });
  }

  // ---------------------------------------------------------------------------- materials

  private uploader(): MaterialUploader | Error {
    const client = this.clients.client;
    if (client instanceof Error) return client;
    return {
      uploadMaterial: (file, options) => client.approvals.uploadMaterial(file, options),
      deleteUpload: (uploadId) => client.approvals.deleteUpload(uploadId),
    };
  }

  /** Sets the live region's text; clearing it first makes a repeated message heard again. */
  private async announce(text: string): Promise<void> {
    const token = ++this.announceToken;
    this.announcement = '';
    await this.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (token === this.announceToken) this.announcement = text;
  }

  /** Problems of the materials that stop a submission, by slot path (`material.ID_CARD`). */
  private materialErrors(): FieldErrors {
    const errors: FieldErrors = {};
    for (const [kind, message] of this.uploads.problems(this.materials)) errors[materialPath(kind)] = message;
    return errors;
  }

  // ---------------------------------------------------------------------------- answers

  private validationContext(): ValidationContext {
    return { today: toShanghaiDate(new Date()) ?? '', areaCapOf: areaCapFrom(this.processConfig) };
  }

  private readonly onInput = (path: string, value: string): void => {
    this.values = { values: { ...this.values.values, [path]: value }, rows: this.values.rows };
    if (path in this.serverErrors) {
      const { [path]: _answered, ...rest } = this.serverErrors;
      this.serverErrors = rest;
    }
    this.submitProblem = undefined;
    this.scheduleDraft();
  };

  private readonly onLeave = (path: string): void => {
    if (!this.touched.has(path)) this.touched = new Set([...this.touched, path]);
  };

  private readonly onAddRow = (list: ListNode): void => {
    this.values = addRow(this.values, list);
    this.scheduleDraft();
    const row = this.values.rows[list.path]! - 1;
    // The new row's first question takes focus, so keyboard users land where they type next.
    const first = list.item.children[0];
    if (first) void this.focusControl(first.path.replace('#', String(row)));
  };

  private readonly onRemoveRow = (list: ListNode, row: number): void => {
    this.values = removeRow(this.values, list, row);
    // Rows after it moved up: their server errors no longer name the right row.
    this.serverErrors = Object.fromEntries(Object.entries(this.serverErrors).filter(([path]) => !path.startsWith(`${list.path}.`)));
    this.scheduleDraft();
    // Focus would be lost with the removed button: the list's add button is the nearest stable place.
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part~="add-button"]')?.focus());
  };

  private readonly onDiscard = (): void => {
    this.reset();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#form-title')?.scrollIntoView?.());
  };

  private async focusControl(path: string): Promise<void> {
    await this.updateComplete;
    const control = this.renderRoot.querySelector<HTMLElement>(`#${controlId(path)}`);
    control?.focus();
    control?.scrollIntoView?.({ block: 'center' });
  }

  private readonly onSummaryLink = (path: string, event: Event): void => {
    // In a shadow root the fragment would not reach the field: focus it directly.
    event.preventDefault();
    void this.focusControl(path);
  };

  /** Errors to show: a field's once it was left (or after a submit attempt); the server's always. */
  private visibleErrors(all: FieldErrors): FieldErrors {
    const shown: FieldErrors = {};
    for (const [path, message] of Object.entries(all)) if (this.attempted || this.touched.has(path)) shown[path] = message;
    return { ...shown, ...this.serverErrors };
  }

  // ---------------------------------------------------------------------------- submitting

  private readonly onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    void this.submit();
  };

  /** Validates and submits; resolves when done (also on failure, which the form shows). Never rejects. */
  async submit(): Promise<void> {
    const form = this.form;
    if (!form || this.busy || this.created) return; // a second click while the first is in flight does nothing
    this.attempted = true;
    this.submitProblem = undefined;
    const errors = { ...validateForm(form, this.values, this.validationContext()), ...this.materialErrors() };
    if (Object.keys(errors).length > 0 || Object.keys(this.serverErrors).length > 0) {
      this.focusAfterRender = 'summary';
      return;
    }
    const client = this.clients.client;
    if (client instanceof Error) {
      this.submitProblem = describeError(client);
      this.focusAfterRender = 'summary';
      this.emit('cb-error', { error: client, message: this.submitProblem });
      return;
    }
    this.writeDraft();
    this.busy = true;
    try {
      const attachments = this.uploads.attachments();
      const body = { ...(bodyOf(form, this.values) as ApplicationCreate), ...(attachments.length ? { attachments } : {}) };
      const created = await client.approvals.create(body, { idempotencyKey: this.submissionKey });
      this.created = created;
      this.uploads.clear();
      if (this.storageKey) removeDraft(this.storageKey);
      this.focusAfterRender = 'confirmation';
      this.emit('cb-application-submitted', this.detailOf(created));
    } catch (error) {
      this.showSubmitError(error);
    } finally {
      this.busy = false;
    }
  }

  private showSubmitError(error: unknown): void {
    const fields = fieldErrorsOf(error);
    const shown = this.form ? instancesOf(this.form, this.values).map((instance) => instance.path) : [];
    const serverErrors: FieldErrors = {};
    for (const { name, reason } of fields) {
      const path = pathOfProblemField(name);
      if (path === undefined) continue;
      // A problem with a whole group (`body/location`: the point is outside the village) goes to its first field.
      const field = shown.find((candidate) => candidate === path) ?? shown.find((candidate) => candidate.startsWith(`${path}.`));
      if (field) serverErrors[field] ??= reason;
    }
    this.serverErrors = serverErrors;
    if (Object.keys(serverErrors).length === 0) {
      this.submitProblem =
        problemCode(error) === 'idempotency-key-reused'
          ? msg('这份申请此前可能已经提交成功，之后又改动过内容。请先用受理回执上的编号查询进度；如需重新申请，请点“清空重填”。', {
              id: 'form.error.already-submitted',
            })
          : fields.length > 0
            ? fields.map((field) => field.reason).join('；')
            : describeError(error);
      this.emit('cb-error', { error, message: this.submitProblem });
    }
    this.focusAfterRender = 'summary';
  }

  private detailOf(created: ApplicationCreated): ApplicationSubmittedDetail {
    return {
      process: this.resolvedProcess instanceof Error || this.resolvedProcess === undefined ? 'homestead' : this.resolvedProcess,
      id: created.id,
      trackingNo: created.trackingNo,
      verificationCode: created.verificationCode,
      status: created.status,
      submittedAt: created.submittedAt,
    };
  }

  protected override updated(): void {
    const target = this.focusAfterRender;
    this.focusAfterRender = undefined;
    if (target === 'summary') this.renderRoot.querySelector<HTMLElement>('[part~="error-summary"]')?.focus();
    if (target === 'confirmation') this.renderRoot.querySelector<HTMLElement>('[part~="confirmation"]')?.focus();
  }

  // ---------------------------------------------------------------------------- rendering

  protected override render(): TemplateResult {
    const headingLevel = this.resolvedHeadingLevel();
    const process = this.resolvedProcess;
    if (process instanceof Error || !this.form) {
      return html`<div class="config-error" part="error" role="alert">${process instanceof Error ? process.describe() : nothing}</div>`;
    }
    if (this.created) {
      return renderConfirmation({
        headingLevel,
        trackingNo: this.created.trackingNo,
        verificationCode: this.created.verificationCode,
        onStartAgain: () => this.reset(),
      });
    }
    const all = validateForm(this.form, this.values, this.validationContext());
    const errors = this.visibleErrors(all);
    const materialErrors = this.attempted ? this.materialErrors() : {};
    const summary: SummaryItem[] | undefined = this.attempted
      ? [
          ...instancesOf(this.form, this.values)
            .filter((instance) => errors[instance.path])
            .map((instance) => ({ path: instance.path, message: errors[instance.path]! })),
          ...Object.entries(materialErrors).map(([path, message]) => ({ path, message })),
        ]
      : undefined;
    const slotErrors = new Map(this.uploads.slotErrors);
    for (const material of this.materials) {
      const problem = materialErrors[materialPath(material.kind)];
      if (problem && !slotErrors.has(material.kind)) slotErrors.set(material.kind, problem);
    }
    const village = this.values.values.villageCode ?? '';
    const cap = /^\d{12}$/.test(village) ? areaCapFrom(this.processConfig)?.(village.slice(0, 9)) : undefined;
    return html`${renderForm({
      form: this.form,
      state: this.values,
      errors,
      summary,
      submitProblem: this.submitProblem,
      headingLevel,
      busy: this.busy,
      extraHints:
        cap === undefined
          ? {}
          : { 'nzjdqk.zjdmj': msg(str`本镇宅基地面积上限为 ${cap} 平方米。`, { id: 'form.hint.area-cap' }) },
      beforeSubmit: renderMaterials({
        materials: this.materials,
        files: (kind) => this.uploads.list(kind),
        errors: slotErrors,
        canRetry: (id) => this.uploads.canRetry(id),
        onChoose: (material, files) => this.uploads.add(material, files),
        onRetry: (id) => this.uploads.retry(id),
        onRemove: (id) => this.uploads.remove(id),
      }),
      restored: this.restored,
      onInput: this.onInput,
      onLeave: this.onLeave,
      onAddRow: this.onAddRow,
      onRemoveRow: this.onRemoveRow,
      onSubmit: this.onSubmit,
      onSummaryLink: this.onSummaryLink,
      onDiscard: this.onDiscard,
    })}
      <div class="visually-hidden" part="announcer" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>`;
  }
}
