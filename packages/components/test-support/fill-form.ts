/**
 * Fills `<cb-application-form>` the way a person does: adds the rows, types into each text box
 * (an `input` event per field) and clicks radios and drop-downs (`change`), then leaves the field.
 */
import type { FilledForm } from './homestead-application.js';

interface FormLike extends HTMLElement {
  readonly shadowRoot: ShadowRoot | null;
  updateComplete: Promise<boolean>;
}

export async function addRows(form: FormLike, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    form.shadowRoot!.querySelector<HTMLButtonElement>('[part~="add-button"]')!.click();
    await form.updateComplete;
  }
}

export async function typeInto(form: FormLike, path: string, value: string): Promise<void> {
  const controls = [...form.shadowRoot!.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(`[name="${path}"]`)];
  if (controls.length === 0) throw new Error(`no control named ${path}`);
  const radio = controls.find((control) => control instanceof HTMLInputElement && control.type === 'radio' && control.value === value) as HTMLInputElement | undefined;
  if (radio) {
    radio.checked = true;
    radio.dispatchEvent(new Event('change', { bubbles: true }));
  } else {
    const control = controls[0]!;
    control.value = value;
    control.dispatchEvent(new Event(control instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
    control.dispatchEvent(new FocusEvent('blur'));
  }
  await form.updateComplete;
}

export async function fillForm(form: FormLike, filled: FilledForm): Promise<void> {
  await addRows(form, filled.rows.jtcy ?? 0);
  // In the order shown: a choice may reveal a field (农用地 → 细类).
  for (const [path, value] of Object.entries(filled.values)) await typeInto(form, path, value);
}
