/**
 * CSV export of `<cb-data-table>`: the server writes the file (the whole query, with masking and
 * audit), the element reads the stream, counts its lines for the progress bar and hands the file
 * to the browser's download.
 */
import type { CsvExport } from '@citybrain/client';

export type ExportState = 'running' | 'done' | 'cancelled' | 'error';

const NEWLINE = 10;
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
      const chunks: Uint8Array[] = [];
      let lines = 0;
      let shown = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        for (let at = value.indexOf(NEWLINE); at >= 0; at = value.indexOf(NEWLINE, at + 1)) lines++;
        this.rows = Math.max(0, lines - 1);
        if (this.rows - shown >= PROGRESS_STEP) {
          shown = this.rows;
          this.changed();
        }
      }
      this.state = 'done';
      return { blob: new Blob(chunks as BlobPart[], { type: 'text/csv;charset=utf-8' }), filename: csv.filename ?? fallbackName };
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
