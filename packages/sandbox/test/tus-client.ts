/** A tus client in a few lines for the upload tests, and an application body to attach the uploads to. */
import assert from 'node:assert/strict';
import type { TestSandbox } from './harness.js';
import { applicationBody } from './reliability/support.js';
import { materialFile, uploadMetadata } from './material-files.js';

type Json = Record<string, any>;

export const TUS = { 'tus-resumable': '1.0.0' };

/** The materials the town insists on at acceptance. */
export const REQUIRED = ['ID_CARD', 'HOUSEHOLD_REGISTER', 'COMMITMENT', 'RED_LINE_MAP'];

/** 陈志强's application (the reliability suites' household) with these attachments. */
export function application(attachments: Json[]): Json {
  return { ...applicationBody(), attachments };
}

/** Create, append, ask for the offset, cancel. */
export function tus(s: TestSandbox) {
  const at = (location: string) => new URL(location, s.url);
  return {
    async create(token: string, length: number, meta: Record<string, string> = {}) {
      return s.api('/approvals/uploads', {
        method: 'POST',
        token,
        headers: { ...TUS, 'upload-length': String(length), 'upload-metadata': uploadMetadata({ filename: '身份证.pdf', filetype: 'application/pdf', kind: 'ID_CARD', ...meta }) },
      });
    },
    patch(token: string, location: string, offset: number, bytes: Uint8Array<ArrayBuffer>) {
      return fetch(at(location), {
        method: 'PATCH',
        headers: { ...TUS, authorization: `Bearer ${token}`, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
        body: bytes,
      });
    },
    head(token: string, location: string) {
      return fetch(at(location), { method: 'HEAD', headers: { ...TUS, authorization: `Bearer ${token}` } });
    },
    cancel(token: string, location: string) {
      return fetch(at(location), { method: 'DELETE', headers: { ...TUS, authorization: `Bearer ${token}` } });
    },
    /** A whole file in one PATCH; returns the upload's location and the last answer. */
    async upload(token: string, bytes: Uint8Array<ArrayBuffer>, meta: Record<string, string> = {}) {
      const created = await this.create(token, bytes.length, meta);
      assert.equal(created.status, 201, await created.clone().text());
      const location = created.headers.get('location')!;
      return { location, id: location.split('/').pop()!, answer: await this.patch(token, location, 0, bytes) };
    },
    /** One complete PDF of each kind, named after its kind, the i-th of 2000 + i bytes from seed `seed + i`; their ids. */
    async uploadEach(token: string, kinds: string[], seed = 100) {
      const ids: string[] = [];
      for (const [i, kind] of kinds.entries()) {
        const { id, answer } = await this.upload(token, materialFile('application/pdf', 2000 + i, seed + i), { kind, filename: `${kind}.pdf` });
        assert.equal(answer.status, 204);
        ids.push(id);
      }
      return ids;
    },
  };
}
