/**
 * Small statistics for benchmark samples: medians, percentiles and bootstrap confidence
 * intervals (of a median, and of the ratio of two medians). Deterministic: the resampling uses a
 * seeded generator, so the same samples always give the same interval.
 */

export function quantile(values, q) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const pos = (xs.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
}

export const median = (values) => quantile(values, 0.5);

export function mean(values) {
  const xs = values.filter((v) => Number.isFinite(v));
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** mulberry32: a tiny seeded PRNG. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function resample(xs, random) {
  const out = new Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[Math.floor(random() * xs.length)];
  return out;
}

const finite = (values) => values.filter((v) => Number.isFinite(v));

/** Percentile-bootstrap 95 % interval of the median (a single sample gives [x, x]). */
export function medianCI(values, { resamples = 2000, level = 0.95, seed = 1 } = {}) {
  const xs = finite(values);
  if (xs.length === 0) return [NaN, NaN];
  if (xs.length === 1) return [xs[0], xs[0]];
  const random = rng(seed);
  const medians = Array.from({ length: resamples }, () => median(resample(xs, random)));
  return [quantile(medians, (1 - level) / 2), quantile(medians, 1 - (1 - level) / 2)];
}

/** Ratio of medians a / b with a percentile-bootstrap 95 % interval (both samples resampled independently). */
export function ratioCI(a, b, { resamples = 2000, level = 0.95, seed = 2 } = {}) {
  const xs = finite(a);
  const ys = finite(b);
  const ratio = median(xs) / median(ys);
  if (xs.length === 0 || ys.length === 0) return { ratio: NaN, ci: [NaN, NaN] };
  if (xs.length === 1 && ys.length === 1) return { ratio, ci: [ratio, ratio] };
  const random = rng(seed);
  const ratios = Array.from({ length: resamples }, () => median(resample(xs, random)) / median(resample(ys, random)));
  return { ratio, ci: [quantile(ratios, (1 - level) / 2), quantile(ratios, 1 - (1 - level) / 2)] };
}

/** Median, 95 % interval, min, max and n of one metric's samples. */
export function summarize(values) {
  const xs = finite(values);
  return {
    n: xs.length,
    median: median(xs),
    ci95: medianCI(xs),
    min: xs.length ? Math.min(...xs) : NaN,
    max: xs.length ? Math.max(...xs) : NaN,
    samples: values,
  };
}
