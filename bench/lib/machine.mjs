/** What the numbers were measured on. */
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { findChromium } from '../../scripts/chromium.mjs';

export function machineInfo(extra = {}) {
  let distro = '';
  try {
    distro = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {}
  let chromium = '';
  try {
    chromium = execFileSync(findChromium() ?? 'chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {}
  return {
    date: new Date().toISOString(),
    os: `${distro || os.type()} (${os.release()})`,
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} × ${os.availableParallelism?.() ?? os.cpus().length}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    chromium,
    ...extra,
  };
}
