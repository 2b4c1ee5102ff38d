import { expect } from '@open-wc/testing';
import type { MaterialRequirement, UploadMaterialOptions } from '@citybrain/client';
import { materialFile } from '../../test-support/material-files.js';
import { MaterialUploads, mediaTypeOf, refusalOf, type MaterialUploader } from './materials.js';

const ID_CARD: MaterialRequirement = {
  kind: 'ID_CARD',
  label: { zh: '身份证复印件', en: 'ID card copy' },
  required: true,
  mediaTypes: ['application/pdf', 'image/jpeg'],
  maxBytes: 1000,
  maxFiles: 2,
};
const PHOTOS: MaterialRequirement = { ...ID_CARD, kind: 'SITE_PHOTO', label: { zh: '现场照片', en: 'Site photos' }, required: false };

interface Call {
  file: Blob;
  options: UploadMaterialOptions;
  resolve: (id: string) => void;
  reject: (error: unknown) => void;
}

/** An uploader whose uploads the test finishes, fails or watches being aborted. */
function fakeUploader() {
  const calls: Call[] = [];
  const deleted: string[] = [];
  const uploader: MaterialUploader = {
    uploadMaterial(file, options) {
      return new Promise((resolve, reject) => {
        options.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
        calls.push({
          file,
          options,
          resolve: (uploadId) =>
            resolve({ uploadId, kind: options.kind, name: (file as File).name, mediaType: file.type as never, sizeBytes: file.size, offset: file.size, sha256: 'x', status: 'complete', expiresAt: null, applicationId: null }),
          reject,
        });
      });
    },
    async deleteUpload(uploadId) {
      deleted.push(uploadId);
    },
  };
  return { calls, deleted, uploader };
}

function setUp() {
  const fake = fakeUploader();
  const announced: string[] = [];
  let changes = 0;
  const uploads = new MaterialUploads({ changed: () => (changes += 1), announce: (text) => announced.push(text), uploader: () => fake.uploader }, undefined);
  return { ...fake, announced, uploads, changes: () => changes };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('application form materials', () => {
  it('refuses a file of the wrong type, too large, empty, or one too many, before sending it', () => {
    expect(refusalOf(ID_CARD, { name: 'a.pdf', type: 'application/pdf', size: 10 }, 0)).to.equal(undefined);
    expect(refusalOf(ID_CARD, { name: 'a.exe', type: 'application/x-msdownload', size: 10 }, 0)).to.match(/格式/);
    expect(refusalOf(ID_CARD, { name: 'a.pdf', type: 'application/pdf', size: 1001 }, 0)).to.match(/超过/);
    expect(refusalOf(ID_CARD, { name: 'a.pdf', type: 'application/pdf', size: 0 }, 0)).to.match(/空文件/);
    expect(refusalOf(ID_CARD, { name: 'a.pdf', type: 'application/pdf', size: 10 }, 2)).to.match(/最多上传 2 个/);
    // A phone's picker may give no type: the extension says what the file claims to be.
    expect(mediaTypeOf({ name: 'IMG_0001.JPG', type: '' })).to.equal('image/jpeg');
  });

  it('uploads each file with its progress, and keeps the finished ones for the draft and the application', async () => {
    const { calls, uploads, announced } = setUp();
    uploads.add(ID_CARD, [materialFile('正面.pdf', 'application/pdf', 800), materialFile('反面.pdf', 'application/pdf', 600, 2), materialFile('第三张.pdf', 'application/pdf', 10, 3)]);
    await settle();
    expect(calls).to.have.length(2);
    expect(uploads.slotErrors.get('ID_CARD')).to.match(/第三张/);
    expect(calls[0]!.options).to.include({ kind: 'ID_CARD', resume: true });
    calls[0]!.options.onProgress!(400, 800);
    expect(uploads.list('ID_CARD')[0]).to.include({ status: 'uploading', sent: 400 });
    expect(uploads.problems([ID_CARD]).get('ID_CARD')).to.match(/还在上传/);
    calls[0]!.resolve('up-1');
    calls[1]!.resolve('up-2');
    await settle();
    expect(uploads.list().map((file) => file.status)).to.deep.equal(['complete', 'complete']);
    expect(announced).to.include('正面.pdf 已上传。');
    expect(uploads.attachments()).to.deep.equal([
      { kind: 'ID_CARD', uploadId: 'up-1' },
      { kind: 'ID_CARD', uploadId: 'up-2' },
    ]);
    expect(uploads.problems([ID_CARD, PHOTOS]).size).to.equal(0);
    const saved = uploads.saved();
    uploads.clear();
    expect(uploads.problems([ID_CARD]).get('ID_CARD')).to.match(/请上传身份证复印件/);
    uploads.restore(saved);
    expect(uploads.attachments().map((a) => a.uploadId)).to.deep.equal(['up-1', 'up-2']);
  });

  it('retries a failed upload from the same file, but not one the server refused', async () => {
    const { calls, uploads } = setUp();
    uploads.add(ID_CARD, [materialFile('a.pdf', 'application/pdf', 100), materialFile('b.pdf', 'application/pdf', 100, 2)]);
    await settle();
    calls[0]!.reject(Object.assign(new Error('Failed to fetch'), { name: 'NetworkError' }));
    calls[1]!.reject(Object.assign(new Error('422'), { status: 422, problem: { title: '文件内容与声明的类型不符', detail: '文件内容不是 PDF' } }));
    await settle();
    const [a, b] = uploads.list();
    expect(a).to.include({ status: 'failed' });
    expect(a!.error).to.match(/网络/);
    expect(b!.error).to.equal('文件内容不是 PDF');
    expect(uploads.canRetry(a!.id)).to.equal(true);
    expect(uploads.canRetry(b!.id)).to.equal(false);
    expect(uploads.problems([ID_CARD]).get('ID_CARD')).to.match(/没有上传成功/);
    uploads.retry(a!.id);
    await settle();
    expect(calls).to.have.length(3);
    expect(calls[2]!.file).to.equal(calls[0]!.file);
    calls[2]!.resolve('up-a');
    await settle();
    expect(uploads.list()[0]).to.include({ status: 'complete', uploadId: 'up-a' });
  });

  it('shows uploads stopped by leaving the page as interrupted, ready to retry', async () => {
    const { calls, uploads } = setUp();
    uploads.add(ID_CARD, [materialFile('a.pdf', 'application/pdf', 100)]);
    await settle();
    uploads.cancelAll();
    await settle();
    const [a] = uploads.list();
    expect(a).to.include({ status: 'failed', error: '上传已中断。' });
    expect(calls[0]!.options.signal!.aborted).to.equal(true);
    uploads.retry(a!.id);
    await settle();
    expect(calls).to.have.length(2);
  });

  it('cancels an upload in flight, and deletes a removed finished upload on the server', async () => {
    const { calls, uploads, deleted } = setUp();
    uploads.add(ID_CARD, [materialFile('a.pdf', 'application/pdf', 100), materialFile('b.pdf', 'application/pdf', 100, 2)]);
    await settle();
    calls[1]!.resolve('up-b');
    await settle();
    const [a, b] = uploads.list();
    uploads.remove(a!.id);
    expect(calls[0]!.options.signal!.aborted).to.equal(true);
    uploads.remove(b!.id);
    expect(deleted).to.deep.equal(['up-b']);
    await settle();
    expect(uploads.list()).to.deep.equal([]);
  });
});
