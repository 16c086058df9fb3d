import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface BarSeries {
  label: string;
  values: (number | null)[];
}

/** Dark enough beside one another and on white to tell apart. */
const COLOURS = ['#0b4f8a', '#e08a00'];
const HEIGHT = 260;
/** Steps of an axis of counts: no half a request. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 1_000_000];

/**
 * Bars for each category, side by side where there are two series. The canvas is hidden from
 * screen readers: every page that draws one shows the same figures in a table beside it.
 */
export function BarChart({ categories, series, unit, whole = false }: { categories: string[]; series: BarSeries[]; unit?: string; whole?: boolean }) {
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = target.current;
    if (!element) return;
    const indices = categories.map((_, index) => index);
    const plot = new uPlot(
      {
        width: Math.max(element.clientWidth, 320),
        height: HEIGHT,
        scales: { x: { time: false, range: [-0.5, categories.length - 0.5] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          { splits: () => indices, values: (_u, splits) => splits.map((index) => categories[index] ?? ''), grid: { show: false } },
          { label: unit, size: 60, ...(whole ? { incrs: WHOLE_STEPS } : {}) },
        ],
        cursor: { show: false },
        legend: { live: false },
        series: [
          {},
          ...series.map((one, index) => ({
            label: one.label,
            fill: COLOURS[index % COLOURS.length],
            stroke: COLOURS[index % COLOURS.length],
            paths: uPlot.paths.bars!({ size: [series.length > 1 ? 0.4 : 0.6, 80], align: series.length > 1 ? (index === 0 ? -1 : 1) : 0 }),
            points: { show: false },
          })),
        ],
      },
      [indices, ...series.map((one) => one.values)],
      element,
    );
    return () => plot.destroy();
  }, [JSON.stringify({ categories, series, unit, whole })]);
  return <div class="chart" aria-hidden="true" ref={target} />;
}
