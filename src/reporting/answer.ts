// Answer text, explanation and chart suggestion, by rules on the structured query (README "Reporting AI"). The
// answer restates what was computed (describe.ts); "You received N calls" is said only of inbound calls.
import { describe, periodText } from './describe';
import { isTimeGrain, type MeasureSpec, type StructuredQuery } from './model';

export interface ChartSuggestion {
  type: 'line' | 'bar' | 'pie';
  x_axis: string;
  y_axis: string;
}

export function fmt(v: unknown, m: Pick<MeasureSpec, 'unit'>): string {
  if (v === null || v === undefined) return 'no data';
  const n = typeof v === 'number' ? v : Number(v);
  const s = n.toLocaleString('en-US', {
    maximumFractionDigits: m.unit === 'usd' ? 2 : m.unit === 'count' ? 2 : 1,
  });
  switch (m.unit) {
    case 'usd':
      return `$${n.toLocaleString('en-US', { minimumFractionDigits: Number.isInteger(n) ? 0 : 2, maximumFractionDigits: 2 })}`;
    case 'percent':
      return `${s} %`;
    case 'seconds':
    case 'minutes':
    case 'hours':
      return `${s} ${m.unit}`;
    default:
      return s;
  }
}

export function chartFor(q: StructuredQuery, rowCount: number): ChartSuggestion | null {
  if (!q.dimension || q.compare) return null;
  const y = q.measures[0].key;
  if (isTimeGrain(q.dimension) && !['weekday', 'hour_of_day'].includes(q.dimension))
    return { type: 'line', x_axis: q.dimension, y_axis: y };
  if (q.share && rowCount <= 6) return { type: 'pie', x_axis: q.dimension, y_axis: y };
  return { type: 'bar', x_axis: q.dimension, y_axis: y };
}

const receivedOnly = (q: StructuredQuery) =>
  q.view === 'call_logs' &&
  q.measures.length === 1 &&
  q.measures[0].key === 'calls' &&
  q.measures[0].stat === 'count' &&
  !q.measures[0].per &&
  q.filters.length === 1 &&
  q.filters[0].column === 'direction' &&
  q.filters[0].op === '=' &&
  q.filters[0].value === 'inbound';

export function answerFor(q: StructuredQuery, rows: Array<Record<string, unknown>>, tz: string, now: number) {
  const restated = describe(q, tz, now);
  let answer: string;
  if (q.compare) {
    const cur = Number(rows[0]?.current ?? 0);
    const prev = Number(rows[0]?.previous ?? 0);
    const m = q.measures[0];
    const diff = cur - prev;
    const pct = prev ? ` (${diff >= 0 ? '+' : ''}${((100 * diff) / prev).toFixed(1)} %)` : '';
    answer = `${restated}: ${fmt(cur, m)} against ${fmt(prev, m)} — a change of ${diff >= 0 ? '+' : ''}${fmt(diff, m)}${pct}.`;
  } else if (!q.dimension) {
    const row = rows[0] ?? {};
    const parts = q.measures.map((m) => `${q.measures.length > 1 ? `${m.label} ` : ''}${fmt(row[m.key], m)}`);
    answer = receivedOnly(q)
      ? `You received ${fmt(row.calls, q.measures[0])} calls ${periodText(q.range, tz, now).replace(/^all time/, 'in total (all time)')}.`
      : `${restated}: ${parts.join('; ')}.`;
  } else if (!rows.length) {
    answer = `${restated}: there were none.`;
  } else {
    const shown = rows
      .slice(0, 8)
      .map((r) => `${r[q.dimension!] ?? 'unknown'}: ${q.measures.map((m) => fmt(r[m.key], m)).join(', ')}`)
      .join('; ');
    answer = `${restated} — ${shown}${rows.length > 8 ? `; and ${rows.length - 8} more` : ''}.`;
  }
  const words = Object.entries(q.understood ?? {})
    .map(([slot, ws]) => `${slot}: "${ws.join('", "')}"`)
    .join('; ');
  const explanation = `This query computes ${restated.charAt(0).toLowerCase()}${restated.slice(1)} from ${q.view}${words ? `. Read from the question — ${words}` : ''}.`;
  return { answer, explanation, chart_suggestion: chartFor(q, rows.length) };
}
