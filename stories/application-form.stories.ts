import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, waitFor } from 'storybook/test';
import type { CbApplicationForm } from '@citybrain/components';
import { filledHomestead } from '../packages/components/test-support/homestead-application.js';
import { fillForm, typeInto } from '../packages/components/test-support/fill-form.js';
import { chooseFiles, materialFile } from '../packages/components/test-support/material-files.js';
import { acceptingHandlers, refusingHandlers, unavailableHandlers } from './support/application-form-msw.js';

interface Args {
  'form-id': string;
  elderly?: boolean;
}

const render = (args: Args) => html`<cb-application-form
  base-url="/api/v1"
  process="homestead"
  form-id=${args['form-id']}
  ?elderly=${args.elderly ?? false}
>
  <a slot="confirmation" href="#progress">到“办件进度查询”查看办理进度</a>
</cb-application-form>`;

/** Each story has its own draft; this starts it empty (drafts would otherwise carry over between stories). */
function freshDraft(formId: string): void {
  localStorage.removeItem(`cb-application-form:homestead:${formId}`);
}

const meta: Meta<Args> = {
  title: 'Components/cb-application-form',
  component: 'cb-application-form',
  render,
  parameters: {
    msw: acceptingHandlers(),
    docs: {
      description: {
        component:
          'The online application (网上申请) of a rural homestead, built from the contract’s ApplicationCreate schema: inline checks as the server applies them, an error summary that links to each field, family members, a draft in localStorage, an idempotent submission and a confirmation with the tracking number and code. The stories answer through MSW with the domain package’s process definition.',
      },
    },
  },
};
export default meta;

type Story = StoryObj<Args>;

function form(canvas: HTMLElement): CbApplicationForm {
  return canvas.querySelector('cb-application-form')!;
}

const REQUIRED_MATERIALS = ['ID_CARD', 'HOUSEHOLD_REGISTER', 'COMMITMENT', 'RED_LINE_MAP'];

/** Waits for the material slots (from the process definition), then chooses a small PDF for each required one. */
async function attachRequired(element: CbApplicationForm): Promise<void> {
  await waitFor(() => expect(element.shadowRoot!.querySelector('#field-material-ID_CARD')).not.toBeNull(), { timeout: 5000 });
  for (const [index, kind] of REQUIRED_MATERIALS.entries()) {
    await chooseFiles(element, kind, [materialFile(`${kind}.pdf`, 'application/pdf', 30_000, index + 1)]);
  }
  await waitFor(() => expect(element.shadowRoot!.querySelectorAll('.file--complete').length).toBe(REQUIRED_MATERIALS.length), { timeout: 10_000 });
}

/** A story on a form whose draft starts empty. */
function story(formId: string, extra: Story = {}): Story {
  return {
    ...extra,
    args: { 'form-id': formId, ...extra.args },
    beforeEach: () => freshDraft(formId),
  };
}

/** The empty form, as a villager first sees it. */
export const Empty = story('story-empty');

/** Every answer given, ready to submit (filled as a person would, field by field). */
export const Filled = story('story-filled', {
  play: async ({ canvasElement }) => {
    await fillForm(form(canvasElement), filledHomestead());
    await attachRequired(form(canvasElement));
  },
});

/** Submitting the empty form: the error summary takes focus and links to each required answer. */
export const EveryRequiredAnswerMissing = story('story-required', {
  play: async ({ canvasElement }) => {
    const element = form(canvasElement);
    await element.updateComplete;
    element.shadowRoot!.querySelector<HTMLButtonElement>('[part~="submit-button"]')!.click();
    await waitFor(() => expect(element.shadowRoot!.activeElement?.getAttribute('part')).toBe('error-summary'));
  },
});

/** Every rule the server applies, broken once: shown inline as typed and listed on submit. */
export const EveryValidationError = story('story-invalid', {
  play: async ({ canvasElement }) => {
    const element = form(canvasElement);
    const filled = filledHomestead();
    await fillForm(element, filled);
    const broken: Record<string, string> = {
      villageCode: '44060512420', // 11 digits
      'jcxx.xm': '陈', // shorter than the schema's minLength
      'jcxx.xb': '女', // disagrees with the ID number's sex digit
      'jcxx.nl': '30', // disagrees with the ID number's birth date
      'jcxx.lxdh': '23926081234', // not a mobile number
      'jtcy.0.sfzh': '440605198508212623', // GB 11643 check character wrong
      'jtcy.1.sfzh': '440605198203151312', // the applicant's own number again
      'jtcy.1.nl': '131', // above the schema's maximum
      'nzjdqk.zjdmj': '95', // above the town's cap (80 ㎡ on the plain)
      'nzjdqk.jzcs': '2.5', // not an integer
      'nzjdqk.dl': '农用地', // needs a farmland type, left empty
      'qt.sqrrq': '2099-01-01', // after today
    };
    for (const [path, value] of Object.entries(broken)) await typeInto(element, path, value);
    element.shadowRoot!.querySelector<HTMLButtonElement>('[part~="submit-button"]')!.click();
    await waitFor(() => expect(element.shadowRoot!.querySelectorAll('[part~="error-summary"] li').length).toBeGreaterThanOrEqual(12));
  },
});

/** What only the server knows (the village is not in the district, the point is outside it) is shown at those fields. */
export const RefusedByTheServer = story('story-refused', {
  parameters: { msw: refusingHandlers() },
  play: async ({ canvasElement }) => {
    const element = form(canvasElement);
    await fillForm(element, filledHomestead());
    await attachRequired(element);
    await element.submit();
    await waitFor(() => expect(element.shadowRoot!.querySelector('[name="villageCode"]')!.getAttribute('aria-invalid')).toBe('true'));
  },
});

/** The service is down: the problem is said at the top; the answers and the draft stay for a retry. */
export const SubmissionFails = story('story-unavailable', {
  parameters: { msw: unavailableHandlers() },
  play: async ({ canvasElement }) => {
    const element = form(canvasElement);
    await fillForm(element, filledHomestead());
    await attachRequired(element);
    await element.submit();
    await waitFor(() => expect(element.shadowRoot!.querySelector('[part~="error-summary"]')!.textContent).toMatch(/服务暂时不可用/));
  },
});

/** Accepted: the confirmation with the tracking number and the verification code takes focus. */
export const Submitted = story('story-success', {
  play: async ({ canvasElement }) => {
    const element = form(canvasElement);
    await fillForm(element, filledHomestead());
    await attachRequired(element);
    await element.submit();
    await waitFor(() => expect(element.shadowRoot!.querySelector('[part~="tracking-number"]')).not.toBeNull());
  },
});

/** A 4 MB red-line map on a slow connection: progress per file, with cancel while it runs. */
export const UploadProgress = story('story-upload-progress', {
  parameters: { msw: acceptingHandlers(800, { chunkDelay: 900 }) },
  play: async ({ canvasElement }) => {
    const element = form(canvasElement);
    await waitFor(() => expect(element.shadowRoot!.querySelector('#field-material-RED_LINE_MAP')).not.toBeNull(), { timeout: 5000 });
    await chooseFiles(element, 'RED_LINE_MAP', [materialFile('规划红线图.jpg', 'image/jpeg', 4 * 1024 * 1024)]);
    await waitFor(() => expect(element.shadowRoot!.querySelector<HTMLProgressElement>('[part~="progress"]')?.value).toBeGreaterThan(0), { timeout: 5000 });
  },
});

/** Files refused: one before sending (wrong type, too large), one by the server after upload (content not what it claims). */
export const UploadFailures = story('story-upload-failures', {
  parameters: { msw: acceptingHandlers(800, { refuse: true }) },
  play: async ({ canvasElement }) => {
    const element = form(canvasElement);
    await waitFor(() => expect(element.shadowRoot!.querySelector('#field-material-ID_CARD')).not.toBeNull(), { timeout: 5000 });
    await chooseFiles(element, 'ID_CARD', [
      materialFile('身份证.pdf', 'application/pdf', 40_000),
      new File(['x'], '安装程序.exe', { type: 'application/x-msdownload' }),
      materialFile('超大扫描件.pdf', 'application/pdf', 11 * 1024 * 1024, 2),
    ]);
    await waitFor(() => expect(element.shadowRoot!.querySelector('.file--failed')).not.toBeNull(), { timeout: 5000 });
  },
});

/** 适老化: larger text and targets, stronger contrast. */
export const ElderlyMode = story('story-elderly', { globals: { elderly: 'on' } });

/** English: the element's words from its catalogue. */
export const English = story('story-english', { globals: { locale: 'en' } });
