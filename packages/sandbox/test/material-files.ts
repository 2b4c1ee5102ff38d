/** Files for upload tests: the magic bytes of each material type, then filler of any size. */
import { createHash } from 'node:crypto';

/** A PNG's signature, its IHDR chunk and the head of one IDAT chunk that the filler fills (PNG readers walk the chunks). */
function pngHead(size: number): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0, 0, 0, 0]);
  const idat = Buffer.alloc(8);
  idat.writeUInt32BE(Math.max(0, size - 8 - ihdr.length - 12));
  idat.write('IDAT', 4, 'latin1');
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, idat]);
}

const MAGIC = {
  'application/pdf': () => Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'),
  'image/jpeg': () => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]),
  'image/png': pngHead,
} as const;

export type MaterialFileType = keyof typeof MAGIC;

/** `size` bytes that read as `type` by their magic bytes; `seed` varies the filler so files differ. */
export function materialFile(type: MaterialFileType, size: number, seed = 1): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  let x = seed * 2654435761 >>> 0;
  for (let i = 0; i < size; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    bytes[i] = x >>> 24;
  }
  bytes.set(MAGIC[type](size).subarray(0, size));
  return bytes;
}

/** An HTML page with a script: what a hostile upload declares as an image. */
export function htmlPage(): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode('<!doctype html><html><body><script>fetch("/steal?c="+document.cookie)</script></body></html>');
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** tus `Upload-Metadata`: `key base64(value)` pairs. */
export function uploadMetadata(values: Record<string, string>): string {
  return Object.entries(values).map(([key, value]) => `${key} ${Buffer.from(value, 'utf8').toString('base64')}`).join(',');
}
