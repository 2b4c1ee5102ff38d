import { expect } from '@open-wc/testing';
import type { CsvExport } from '@citybrain/client';
import { BLOB_PART_BYTES, CsvExportRun } from './csv-export.js';

/** A CSV export of `rows` lines of `lineBytes` bytes each (header included), streamed `perChunk` lines at a time. */
function fakeExport(rows: number, lineBytes: number, perChunk: number): { csv: CsvExport; chunks: () => number } {
  const line = new Uint8Array(lineBytes).fill(0x61);
  line[lineBytes - 2] = 13;
  line[lineBytes - 1] = 10;
  let sent = 0;
  let chunks = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent > rows) return controller.close();
      const lines = Math.min(perChunk, rows + 1 - sent);
      const chunk = new Uint8Array(lines * lineBytes);
      for (let i = 0; i < lines; i++) chunk.set(line, i * lineBytes);
      sent += lines;
      chunks++;
      controller.enqueue(chunk);
    },
  });
  return { csv: { body, filename: 'big.csv', maskedColumns: [], requestId: 'test' }, chunks: () => chunks };
}

describe('cb-data-table CSV export', () => {
  it('hands a large export to the browser as blob parts while it streams, never holding the file in the page', async () => {
    const rows = 60_000;
    const lineBytes = 100;
    const perChunk = 500;
    const chunkBytes = perChunk * lineBytes;
    const { csv, chunks } = fakeExport(rows, lineBytes, perChunk);
    // Every Blob made during the export: how many stream bytes went into it straight from the page.
    const made: { pageBytes: number; blobParts: number }[] = [];
    const NativeBlob = globalThis.Blob;
    globalThis.Blob = class extends NativeBlob {
      constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
        super(parts, options);
        made.push({
          pageBytes: (parts ?? []).reduce((sum, part) => sum + (part instanceof Uint8Array ? part.byteLength : 0), 0),
          blobParts: (parts ?? []).filter((part) => part instanceof NativeBlob).length,
        });
      }
    };
    let progress = 0;
    const run = new CsvExportRun(() => progress++);
    let result: { blob: Blob; filename: string };
    try {
      result = await run.read(async () => csv, 'fallback.csv');
    } finally {
      globalThis.Blob = NativeBlob;
    }
    const { blob, filename } = result;
    const total = (rows + 1) * lineBytes;
    expect(filename).to.equal('big.csv');
    expect(run.rows).to.equal(rows);
    expect(blob.size).to.equal(total);
    expect(blob.type).to.equal('text/csv;charset=utf-8');
    expect(chunks()).to.equal(Math.ceil((rows + 1) / perChunk));
    // The stream went to blob storage in parts of about BLOB_PART_BYTES as it arrived: the page held
    // at most one part's worth of chunks (plus the chunk that filled it) at any time, and the file
    // is a Blob of those parts, not of the bytes.
    const handedOver = made.filter((m) => m.pageBytes > 0);
    expect(handedOver.length).to.be.at.least(Math.floor(total / (BLOB_PART_BYTES + chunkBytes)));
    expect(Math.max(...handedOver.map((m) => m.pageBytes))).to.be.at.most(BLOB_PART_BYTES + chunkBytes);
    expect(handedOver.reduce((sum, m) => sum + m.pageBytes, 0)).to.equal(total);
    expect(made.at(-1)).to.deep.equal({ pageBytes: 0, blobParts: handedOver.length });
    expect(progress).to.be.at.least(rows / 500 - 1);
    const tail = new Uint8Array(await blob.slice(total - lineBytes).arrayBuffer());
    expect([...tail.subarray(lineBytes - 2)]).to.deep.equal([13, 10]);
  });

  it('says whether a failed export was cancelled or failed', async () => {
    const cancelled = new CsvExportRun(() => {});
    const pending = cancelled.read(
      (signal) => new Promise<CsvExport>((_, reject) => signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
      'x.csv',
    );
    cancelled.cancel();
    await pending.then(
      () => expect.fail('resolved'),
      () => undefined,
    );
    expect(cancelled.state).to.equal('cancelled');
    const failed = new CsvExportRun(() => {});
    await failed.read(() => Promise.reject(new Error('503')), 'x.csv').catch(() => undefined);
    expect(failed.state).to.equal('error');
  });
});
