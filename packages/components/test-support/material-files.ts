/** Files for upload tests in the browser: the magic bytes of a type, then filler of any size. */
const MAGIC: Record<string, number[]> = {
  'application/pdf': [...'%PDF-1.7\n'].map((c) => c.charCodeAt(0)),
  'image/jpeg': [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00],
};

/** A `File` of `size` bytes that reads as `type` by its magic bytes; `seed` varies the content. */
export function materialFile(name: string, type: 'application/pdf' | 'image/jpeg', size: number, seed = 1): File {
  const bytes = new Uint8Array(size);
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i < size; i += 1) {
    x = (x * 1664525 + 1013904223) >>> 0;
    bytes[i] = x >>> 24;
  }
  bytes.set(MAGIC[type]!.slice(0, size));
  return new File([bytes], name, { type, lastModified: 1_760_000_000_000 + seed });
}

interface FormLike extends HTMLElement {
  readonly shadowRoot: ShadowRoot | null;
  updateComplete: Promise<boolean>;
}

/** Chooses files in a material's file input, as the picker does. */
export async function chooseFiles(form: FormLike, kind: string, files: File[]): Promise<void> {
  const input = form.shadowRoot!.querySelector<HTMLInputElement>(`#field-material-${kind}`);
  if (!input) throw new Error(`no file input for ${kind}`);
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await form.updateComplete;
}
