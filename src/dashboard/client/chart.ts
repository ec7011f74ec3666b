// Charts with uPlot (bundled from npm): a line over time, or bars over categories.
import uPlot from 'uplot';
import { h } from './dom';

export interface Series {
  label: string;
  values: number[];
}

/** `x` are unix seconds for a time chart, or category labels for bars. */
export function chart(kind: 'line' | 'bar', x: Array<number | string>, series: Series[], title: string) {
  const colors = ['#2563eb', '#16a34a', '#d97706', '#dc2626'];
  const key = series.map((s, i) =>
    h('span', { class: 'key', style: `border-color:${colors[i % colors.length]}` }, s.label),
  );
  const box = h('figure', { class: 'chart', 'aria-label': title }, h('figcaption', {}, title, ' ', key));
  const categories = typeof x[0] === 'string' ? (x as string[]) : null;
  const xs = categories ? categories.map((_, i) => i) : (x as number[]);
  const opts: uPlot.Options = {
    width: 560,
    height: 220,
    scales: {
      // Categories sit at 0..n-1 with half a slot of room each side; counts start at zero.
      x: categories ? { time: false, range: () => [-0.5, categories.length - 0.5] } : { time: true },
      y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
    },
    axes: [categories ? { values: (_u, ticks) => ticks.map((t) => categories[t] ?? '') } : {}, {}],
    series: [
      {},
      ...series.map((s, i) => ({
        label: s.label,
        stroke: colors[i % colors.length],
        fill: kind === 'bar' ? `${colors[i % colors.length]}99` : undefined,
        width: 2,
        paths: kind === 'bar' ? uPlot.paths.bars?.({ size: [0.6, 60] }) : undefined,
        points: { show: kind !== 'bar' },
      })),
    ],
    legend: { show: false },
  };
  // Drawn once the figure is in the page, at the width it gets there (phone screens are narrower).
  requestAnimationFrame(() => {
    opts.width = Math.max(260, Math.min(720, box.clientWidth - 8));
    new uPlot(opts, [xs, ...series.map((s) => s.values)], box);
  });
  return box;
}
