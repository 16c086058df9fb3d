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

/**
 * Bars for each category, side by side where there are two series. The canvas is hidden from
 * screen readers: every page that draws one shows the same figures in a table beside it.
 */
export function BarChart({ categories, series, unit }: { categories: string[]; series: BarSeries[]; unit?: string }) {
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
          { label: unit, size: 60 },
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
  }, [JSON.stringify({ categories, series, unit })]);
  return <div class="chart" aria-hidden="true" ref={target} />;
}
