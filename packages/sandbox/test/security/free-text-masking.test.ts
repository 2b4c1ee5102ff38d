/**
 * Personal identifiers typed into free text reach masked roles masked: a work order whose title,
 * content and action remark carry a full mobile number, an ID number and a credit code shows them
 * masked to a town (detail, list, timeline, SSE event) while the district reads them as written; a
 * dataset row whose free-text column carries them is masked in the rows and in the CSV export. An
 * 18-digit order number that is no valid ID or credit code stays as written.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { usccCheckChar } from '@citybrain/validators';
import { maskFreeText } from '../../src/masking.js';
import { DATASET_TABLES } from '../../src/services/data/tables.js';
import { workOrderBody } from '../reliability/support.js';
import { startTestSandbox, type TestSandbox } from '../harness.js';

const PHONE = '13926081234';
const PHONE_MASKED = '139****1234';
const ID_NUMBER = '440605198203151312';
const ID_MASKED = '440605********1312';
const USCC = `91440605MA4W8K2Q1${usccCheckChar('91440605MA4W8K2Q1')}`;
/** 18 digits that fail the GB 11643 checksum: an order number, not a person. */
const ORDER_NO = '440605198203151313';

/** `prefix` followed by all four values, as someone might type them into a remark. */
const carries = (prefix: string) => `${prefix}联系人手机${PHONE}，身份证号${ID_NUMBER}，单位代码${USCC}，关联单号${ORDER_NO}`;

function assertMasked(text: string, where: string): void {
  assert.ok(!text.includes(PHONE), `${where}: no full mobile number`);
  assert.ok(!text.includes(ID_NUMBER), `${where}: no full ID number`);
  assert.ok(!text.includes(USCC), `${where}: no full credit code`);
  assert.ok(text.includes(PHONE_MASKED), `${where}: the mobile number masked as in structured fields`);
  assert.ok(text.includes(ID_MASKED), `${where}: the ID number masked as in structured fields`);
  assert.ok(text.includes(ORDER_NO), `${where}: the order number untouched`);
}

function assertAsWritten(text: string, where: string): void {
  for (const value of [PHONE, ID_NUMBER, USCC, ORDER_NO]) assert.ok(text.includes(value), `${where}: ${value} as written`);
}

/** Reads an event stream until `until` appears in it, then closes it. */
async function readStream(response: Response, until: string, controller: AbortController): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes(until)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  controller.abort();
  return text;
}

describe('free-text masking', () => {
  let sandbox: TestSandbox;
  before(async () => {
    sandbox = await startTestSandbox();
  });
  after(() => sandbox.close());

  it('masks ID numbers, mobiles and credit codes found in text, and only those', () => {
    assert.equal(maskFreeText('town', carries('')), `联系人手机${PHONE_MASKED}，身份证号${ID_MASKED}，单位代码914406********${USCC.slice(-4)}，关联单号${ORDER_NO}`);
    assert.equal(maskFreeText('village', `身份证${ID_NUMBER}`), '身份证4406**********1312', 'a village sees the ID as in structured fields');
    assert.equal(maskFreeText('town', `电话+86 ${PHONE}。座机0757-86281234，编号2${PHONE}`), `电话+86 ${PHONE_MASKED}。座机0757-86281234，编号2${PHONE}`);
    assert.equal(maskFreeText('public', `手机${PHONE}`), '手机***********', 'hidden for the public');
    assert.equal(maskFreeText('district', carries('')), carries(''));
  });

  it('masks them in a work order\'s detail, list, timeline and event stream for a town, not for the district', async () => {
    const town = await sandbox.token('demo-town-guicheng');
    const district = await sandbox.token('demo-district');
    const created = await sandbox.api('/workorders', {
      method: 'POST',
      token: town,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...workOrderBody(), title: `灯湖东路工地夜间施工，回电${PHONE}`, content: carries('市民反映夜间施工噪音。') }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const id = ((await created.json()) as { id: string }).id;

    const open = async (token: string) => {
      const controller = new AbortController();
      const response = await sandbox.api(`/workorders/${id}/events`, { token, signal: controller.signal });
      assert.equal(response.status, 200);
      return { response, controller };
    };
    const [townStream, districtStream] = await Promise.all([open(town), open(district)]);
    const dispatched = await sandbox.api(`/workorders/${id}/actions`, {
      method: 'POST',
      token: district,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'dispatch', deptCode: 'TOWN', remark: carries('请核实：') }),
    });
    assert.equal(dispatched.status, 200, await dispatched.clone().text());
    const [townEvents, districtEvents] = await Promise.all([
      readStream(townStream.response, '"action":"dispatch"', townStream.controller),
      readStream(districtStream.response, '"action":"dispatch"', districtStream.controller),
    ]);
    assertMasked(townEvents, 'the town\'s event');
    assertAsWritten(districtEvents, 'the district\'s event');

    const read = async (path: string, token: string) => {
      const response = await sandbox.api(path, { token });
      assert.equal(response.status, 200, path);
      return response.text();
    };
    assertMasked(await read(`/workorders/${id}`, town), 'the town\'s detail');
    assertMasked(await read(`/workorders/${id}/timeline`, town), 'the town\'s timeline');
    const list = JSON.parse(await read('/workorders?limit=1000', town)) as { items: { id: string; title: string }[] };
    const listed = list.items.find((item) => item.id === id);
    assert.equal(listed?.title, `灯湖东路工地夜间施工，回电${PHONE_MASKED}`, 'the town\'s list');
    assertAsWritten(await read(`/workorders/${id}`, district), 'the district\'s detail');
    assertAsWritten(await read(`/workorders/${id}/timeline`, district), 'the district\'s timeline');
  });

  it('masks them in a dataset\'s free-text column, in rows and in the CSV export', async () => {
    const table = DATASET_TABLES.get('construction-permits')!;
    const permitNo = table.byName.get('permitNo')!.sql;
    const { permit } = sandbox.ctx.db
      .prepare(`SELECT ${permitNo} AS permit FROM ${table.sql} WHERE ${table.region.sql} LIKE '440605011%' LIMIT 1`)
      .get() as { permit: string };
    sandbox.ctx.db.prepare(`UPDATE ${table.sql} SET ${table.byName.get('projectName')!.sql} = ? WHERE ${permitNo} = ?`).run(carries('灯湖项目，'), permit);
    const query = `filter=${encodeURIComponent(`permitNo:eq:${permit}`)}`;
    const read = async (path: string, token: string) => {
      const response = await sandbox.api(`/data/datasets/construction-permits/${path}?${query}`, { token });
      assert.equal(response.status, 200, path);
      return response.text();
    };
    const town = await sandbox.token('demo-town-guicheng');
    const district = await sandbox.token('demo-district');
    assertMasked(await read('rows', town), 'the town\'s rows');
    assertMasked(await read('export', town), 'the town\'s export');
    assertAsWritten(await read('export', district), 'the district\'s export');
  });
});
