/**
 * CPU profiles over CDP for the "where do we lose" question: start before a step, stop after,
 * save the .cpuprofile (open it in Chrome DevTools › Performance) and summarise self time by
 * function and by category (our code, Lit, the peers, GC, layout-free idle...).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export async function startProfile(cdp, intervalUs = 200) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await cdp.send('Profiler.start');
}

/** Stops, saves to `file`, returns the top functions by self time (ms). */
export async function stopProfile(cdp, file, top = 12) {
  const { profile } = await cdp.send('Profiler.stop');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(profile));
  return summarizeProfile(profile, top);
}

export function summarizeProfile(profile, top = 12) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas ?? [];
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    const f = node.callFrame;
    const file = (f.url || '').split('/').pop() || '';
    const key = `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const functions = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => ({ name, ms: Math.round(ms * 10) / 10, share: Math.round((ms / total) * 1000) / 10 }));
  return { totalMs: Math.round(total), functions };
}
