/** File names of uploaded materials: what is kept and shown, and how a download names the file. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attachmentDisposition, sanitiseFileName } from '../src/services/approvals/uploads.js';

describe('sanitiseFileName', () => {
  it('keeps an ordinary Chinese name as it is', () => {
    assert.equal(sanitiseFileName('户口簿 第1页.pdf', 'HOUSEHOLD_REGISTER', 'application/pdf'), '户口簿 第1页.pdf');
  });

  it('drops path separators, control and bidi characters, and leading dots', () => {
    assert.equal(sanitiseFileName('..\\..\\C:\\身份证\u202Efdp.exe\u0000', 'ID_CARD', 'application/pdf'), 'C身份证fdp.exe');
    assert.equal(sanitiseFileName('a\r\nContent-Type: text/html\u200B.png', 'SITE_PHOTO', 'image/png'), 'aContent-Type texthtml.png');
  });

  it('shortens a long name to 200 characters, keeping its extension', () => {
    const name = sanitiseFileName(`${'长'.repeat(300)}.jpeg`, 'SITE_PHOTO', 'image/jpeg');
    assert.equal([...name].length, 200);
    assert.ok(name.endsWith('长.jpeg'));
  });

  it('names a file with nothing left after the material and its type', () => {
    assert.equal(sanitiseFileName('\u202E\u0000/', 'RED_LINE_MAP', 'image/png'), '规划红线图.png');
    assert.equal(sanitiseFileName(null, 'ID_CARD', 'application/pdf'), '身份证复印件.pdf');
  });
});

describe('attachmentDisposition', () => {
  it('is always an attachment, with an ASCII fallback and the real name in RFC 8187 form', () => {
    assert.equal(
      attachmentDisposition("户口簿 (1)'.pdf"),
      "attachment; filename=\"_____1__.pdf\"; filename*=UTF-8''%E6%88%B7%E5%8F%A3%E7%B0%BF%20%281%29%27.pdf",
    );
  });
});
