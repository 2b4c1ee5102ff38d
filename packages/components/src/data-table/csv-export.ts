/**
 * CSV export of `<cb-data-table>`: the server writes the file (the whole query, with masking and
 * audit), the element reads the stream, counts its lines for the progress bar and hands the file
 * to the browser's download.
 *
 * An export may be a million rows (hundreds of MB), so the page never holds the file: every
 * {@link BLOB_PART_BYTES} of the stream become one Blob part as they arrive, and a Blob's bytes
 * live in the browser's blob storage (which spills to disk when large), outside the page's heap.
 * The finished file is a Blob of those parts (no copy). Saving straight to a file through the File
 * System Access API would spare even that, but only Chromium has it, it needs the file chosen before
 * the first byte, and `cb-export` promises a cancelable event with the file as a Blob.
 */
import type { CsvExport } from '@citybrain/client';

export type ExportState = 'running' | 'done' | 'cancelled' | 'error';

const NEWLINE = 10;
/** Bytes of the stream gathered in the page before they are handed to blob storage as one part. */
export const BLOB_PART_BYTES = 1 << 20;
/** Rows between two progress updates. */
const PROGRESS_STEP = 500;

/** One export, from the request to the finished file; `changed` re-renders its progress. */
export class CsvExportRun {
  /** Data lines read so far (the header line not counted). */
  rows = 0;
  state: ExportState = 'running';
  private readonly abortController = new AbortController();

  constructor(private readonly changed: () => void) {}

  cancel(): void {
    this.abortController.abort();
  }

  /**
   * Starts the export with `request` and reads it to the end. Resolves with the file; rejects when
   * the export failed or was cancelled (then `state` says which).
   */
  async read(request: (signal: AbortSignal) => Promise<CsvExport>, fallbackName: string): Promise<{ blob: Blob; filename: string }> {
    const signal = this.abortController.signal;
    try {
      const csv = await request(signal);
      const reader = csv.body.getReader();
      const parts: Blob[] = [];
      let chunks: Uint8Array[] = [];
      let buffered = 0;
      const handOver = () => {
        if (!chunks.length) return;
        parts.push(new Blob(chunks as BlobPart[]));
        chunks = [];
        buffered = 0;
      };
      let lines = 0;
      let shown = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        buffered += value.byteLength;
        if (buffered >= BLOB_PART_BYTES) handOver();
        for (let at = value.indexOf(NEWLINE); at >= 0; at = value.indexOf(NEWLINE, at + 1)) lines++;
        this.rows = Math.max(0, lines - 1);
        if (this.rows - shown >= PROGRESS_STEP) {
          shown = this.rows;
          this.changed();
        }
      }
      handOver();
      this.state = 'done';
      return { blob: new Blob(parts, { type: 'text/csv;charset=utf-8' }), filename: csv.filename ?? fallbackName };
    } catch (error) {
      this.state = signal.aborted ? 'cancelled' : 'error';
      throw error;
    }
  }
}

/** Lets the browser save `blob` as `filename` (a download the user sees in the browser's list). */
export function downloadBlob(blob: Blob, filename: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}
