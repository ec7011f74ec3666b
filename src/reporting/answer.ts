// Answer text, explanation and chart suggestion, by rules on the structured query (README "Reporting AI").
import { isTimeGrain, MEASURES, type StructuredQuery } from './model';

export interface ChartSuggestion {
  type: 'line' | 'bar' | 'pie';
  x_axis: string;
  y_axis: string;
}

const fmt = (v: unknown, unit: string) => {
  const n = typeof v === 'number' ? v : Number(v ?? 0);
  const s = Number.isInteger(n)
    ? n.toLocaleString('en-US')
    : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return unit === '$' ? `$${s}` : unit === '%' ? `${s}%` : unit === 's' ? `${s} seconds` : s;
};

function describeFilters(q: StructuredQuery): string {
  return q.filters.map((f) => `${f.field.replace('_name', '')} ${f.values.join(' or ')}`).join(', ');
}

export function chartFor(q: StructuredQuery, rowCount: number): ChartSuggestion | null {
  if (!q.dimension) return null;
  const y = q.measure;
  if (isTimeGrain(q.dimension)) return { type: 'line', x_axis: q.dimension, y_axis: y };
  if (q.share && rowCount <= 6 && !['conversion_rate', 'avg_duration'].includes(q.measure))
    return { type: 'pie', x_axis: q.dimension, y_axis: y };
  return { type: 'bar', x_axis: q.dimension, y_axis: y };
}

export function answerFor(q: StructuredQuery, rows: Array<Record<string, unknown>>) {
  const m = MEASURES[q.measure];
  const period = q.range
    ? ` ${q.range.label.startsWith('on ') || q.range.label.startsWith('since') || /^\d/.test(q.range.label) || /^[A-Z]/.test(q.range.label) ? (/^[A-Z]|^\d{4}$/.test(q.range.label) ? `in ${q.range.label}` : q.range.label) : q.range.label}`
    : ' in total (all time)';
  const filters = describeFilters(q);
  const scope = filters ? ` (${filters})` : '';
  let answer: string;
  if (!q.dimension) {
    const value = rows[0]?.[q.measure] ?? 0;
    answer =
      q.measure === 'calls' && !filters
        ? `You received ${fmt(value, '')} calls${period}.`
        : `Your ${m.label}${scope}${period}: ${fmt(value, m.unit)}.`;
  } else if (!rows.length) {
    answer = `There were no ${m.label}${scope}${period}.`;
  } else {
    const shown = rows
      .slice(0, 5)
      .map((r) => `${r[q.dimension!] ?? 'unknown'}: ${fmt(r[q.measure], m.unit)}`)
      .join('; ');
    answer = `${m.label[0].toUpperCase()}${m.label.slice(1)} by ${q.dimension}${scope}${period} — ${shown}${rows.length > 5 ? `; and ${rows.length - 5} more` : ''}.`;
  }
  const range = q.range
    ? ` between ${new Date(q.range.start).toISOString()} and ${new Date(q.range.end).toISOString()}`
    : ' over all time';
  const explanation = `This query computes ${m.label} (${m.sql}) from ${m.view}${range}${filters ? `, where ${filters}` : ''}${q.dimension ? `, grouped by ${q.dimension}` : ''}.`;
  return { answer, explanation, chart_suggestion: chartFor(q, rows.length) };
}
