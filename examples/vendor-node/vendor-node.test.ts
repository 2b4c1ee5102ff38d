import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestSandbox, type TestSandbox } from '../../packages/sandbox/test/harness.js';

const run = promisify(execFile);
const example = new URL('./index.ts', import.meta.url).pathname;

/** The vendor example is what a vendor copies first, so it runs end to end against a real sandbox. */
describe('examples/vendor-node', () => {
  let sandbox: TestSandbox;
  let dir: string;
  before(async () => {
    sandbox = await startTestSandbox();
    dir = mkdtempSync(join(tmpdir(), 'vendor-node-'));
  });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in as a town, lists overdue applications, watches one and exports a dataset to CSV', async () => {
    const out = join(dir, 'export.csv');
    const { stdout } = await run(
      process.execPath,
      ['--conditions=citybrain-source', '--import', 'tsx', example, '--base-url', sandbox.url, '--watch-seconds', '2', '--max-seconds', '90', '--out', out],
      { timeout: 120_000 },
    );
    assert.match(stdout, /Signed in as 狮山镇人民政府 \(demo-town-shishan, role town, region 440605124\)/);
    assert.match(stdout, /Overdue homestead applications of the town:[\s\S]*\d+ in total/);
    assert.match(stdout, /Watching \S+ for 2 s:[\s\S]*event\(s\) received/);
    assert.match(stdout, /done: /);
    const csv = readFileSync(out, 'utf8');
    assert.ok(csv.startsWith('\uFEFF'), 'the CSV starts with a UTF-8 BOM so Excel reads Chinese');
    const rows = csv.trimEnd().split('\n').length - 1;
    assert.ok(rows > 0, 'the CSV holds rows');
  });
});
