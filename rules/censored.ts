// Percentiles of times some of which are still running: orders out with a supplier, tasks waiting
// for staff. Each is known only to take at least as long as it has so far; leaving them out would
// leave only the quick ones. Pure statistics, for the knowledge base.

import type { HoursInterval } from '../domain/decision';

/** `x` to `places` decimal places. */
export const round = (x: number, places: number): number => Math.round(x * 10 ** places) / 10 ** places;

/** An order or task still open: out this many working hours so far, and the weight it has of ending as the times it is counted with. */
export interface Censored {
  hours: number;
  weight: number;
}

/** The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * A log-normal is fitted past the oldest open one only to an estimate that has seen this share end
 * by then, from at least `MIN_ENDED` ended times; short of either, the times tell too little.
 */
const MIN_SEEN_SHARE = 0.2;
const MIN_ENDED = 5;
/** Times shorter than this (36 seconds) count as this on a logarithmic scale. */
const MIN_HOURS = 0.01;

/**
 * The median and 10th and 90th percentiles of times some of which are still running (`open`: each
 * known only to exceed its hours so far, with a weight), by Kaplan and Meier's estimator: each ended
 * time lowers the share still running by its weight over the weight still at risk, so an open order
 * counts as long as it has been out and no longer. Where open ones outlast every ended time, so that
 * the estimate stops short of a percentile, the rest past the oldest open one takes the shape of the
 * longer times among `earlier` (ascending: those seen before, of a wider span), else of the
 * log-normal that fits the estimate on a probability plot. Undefined when too little has ended to
 * tell. With nothing open, the ended times' own percentiles.
 */
export function censoredInterval(ended: readonly number[], open: readonly Censored[], earlier: Float64Array = new Float64Array()): HoursInterval | undefined {
  const still = open.filter((o) => o.weight > 0);
  if (still.length === 0) return ended.length === 0 ? undefined : intervalOf(ended);
  if (ended.length === 0) return undefined;
  const points = [...ended.map((hours) => ({ hours, weight: 1, ended: true })), ...still.map((o) => ({ hours: o.hours, weight: o.weight, ended: false }))];
  // At equal times an ended one goes first: one open as long has not ended yet.
  points.sort((x, y) => x.hours - y.hours || (x.ended === y.ended ? 0 : x.ended ? -1 : 1));
  let atRisk = points.reduce((total, point) => total + point.weight, 0);
  let running = 1;
  // The distribution function at each ended time, halfway up its step.
  const curve: { hours: number; share: number }[] = [];
  for (let i = 0; i < points.length; ) {
    const { hours } = points[i]!;
    let endedHere = 0;
    let leaving = 0;
    for (; i < points.length && points[i]!.hours === hours; i++) {
      if (points[i]!.ended) endedHere += points[i]!.weight;
      leaving += points[i]!.weight;
    }
    if (endedHere > 0) {
      const before = running;
      running *= 1 - endedHere / atRisk;
      curve.push({ hours, share: 1 - (before + running) / 2 });
    }
    atRisk -= leaving;
  }
  const seen = 1 - running;
  const last = curve[curve.length - 1]!;
  if (seen > last.share) curve.push({ hours: last.hours, share: seen });
  const oldest = still.reduce((max, o) => Math.max(max, o.hours), 0);
  const onCurve = (q: number): number => {
    if (q <= curve[0]!.share) return curve[0]!.hours;
    const at = curve.findIndex((point) => point.share >= q);
    const [low, high] = [curve[at - 1]!, curve[at]!];
    return high.share === low.share ? high.hours : low.hours + ((high.hours - low.hours) * (q - low.share)) / (high.share - low.share);
  };
  let beyond: ((q: number) => number) | undefined;
  const first = earlier.findIndex((hours) => hours > oldest);
  if (seen < 0.9 && oldest > last.hours && first >= 0) {
    // Past the oldest open one, the shape of the times kept that were longer, in proportion.
    const below = first / earlier.length;
    const points = [{ share: below, hours: oldest }, ...Array.from(earlier.subarray(first), (hours, i) => ({ share: (first + i + 1) / earlier.length, hours }))];
    beyond = (q) => {
      const share = below + ((q - seen) / (1 - seen)) * (1 - below);
      const at = points.findIndex((point) => point.share >= share - 1e-12);
      if (at <= 0) return points[Math.max(at, 0)]!.hours;
      const [low, high] = [points[at - 1]!, points[at]!];
      return low.hours + ((high.hours - low.hours) * (share - low.share)) / (high.share - low.share);
    };
  } else if (seen < 0.9 && oldest > last.hours) {
    if (seen < MIN_SEEN_SHARE || ended.length < MIN_ENDED) return undefined;
    // The log-normal that fits the estimate best on a probability plot: the logarithm of each ended
    // time against the normal quantile of the share ended by it, and the oldest open one's at the share seen.
    const plotted = [...curve.filter((point) => point.share > 0 && point.share < 1), { hours: oldest, share: seen }].map((point) => ({
      z: normalQuantile(point.share),
      log: Math.log(Math.max(point.hours, MIN_HOURS)),
    }));
    const mean = (of: (point: { z: number; log: number }) => number) => plotted.reduce((total, point) => total + of(point), 0) / plotted.length;
    const [z, log] = [mean((point) => point.z), mean((point) => point.log)];
    const spread = mean((point) => (point.z - z) * (point.log - log)) / mean((point) => (point.z - z) ** 2);
    if (!(spread > 0)) return undefined;
    beyond = (q) => Math.max(oldest, Math.exp(log + spread * (normalQuantile(q) - z)));
  }
  const quantile = (q: number): number => round(q > seen && beyond ? beyond(q) : onCurve(Math.min(q, seen)), 2);
  return { p10: quantile(0.1), median: quantile(0.5), p90: quantile(0.9) };
}

/** The median and 10th and 90th percentiles, in hundredths, by linear interpolation between the order statistics. */
export function intervalOf(values: readonly number[]): HoursInterval {
  const sorted = Float64Array.from(values).sort();
  const quantile = (q: number): number => {
    const position = q * (sorted.length - 1);
    const below = Math.floor(position);
    const low = sorted[below] ?? 0;
    const high = sorted[Math.min(below + 1, sorted.length - 1)] ?? low;
    return round(low + (high - low) * (position - below), 2);
  };
  return { p10: quantile(0.1), median: quantile(0.5), p90: quantile(0.9) };
}

/** Share of `sorted` (ascending) longer than `hours`; 1 when there are none. */
export function outlasting(sorted: Float64Array, hours: number): number {
  if (sorted.length === 0) return 1;
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! > hours) high = middle;
    else low = middle + 1;
  }
  return (sorted.length - low) / sorted.length;
}
