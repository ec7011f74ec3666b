// Structured query → SQL over the reporting views. Values are inlined as escaped literals (the guard
// parses the result like any other SQL); the account filter is not the compiler's job (guard.ts binds it).
// Local time is exact across DST: each row gets the UTC offset in force at its own instant (localTime).
import {
  CATEGORIES,
  COLUMNS,
  type Cond,
  isTimeGrain,
  type MeasureSpec,
  type Range,
  type StructuredQuery,
  TIME_GRAINS,
  type View,
} from './model';
import { offsetSteps } from './offsets';

const literal = (v: string | number) =>
  typeof v === 'number' ? String(Number.isFinite(v) ? v : 0) : `'${String(v).replace(/'/g, "''")}'`;

export class CompileError extends Error {}

export interface Compiled {
  sql: string;
  view: View;
  labelColumn: string | null;
  valueColumns: string[];
}

/** View columns that can be NULL (model.ts): a number outside the US has no state. */
const NULLABLE = new Set(['state', 'area_code']);

function condSql(view: View, c: Cond): string {
  if (!(COLUMNS[view] as readonly string[]).includes(c.column))
    throw new CompileError(`${c.column.replace(/_/g, ' ')} does not apply to ${view.replace('_', ' ')}`);
  // A number with no US state (or area code) is "not from TX" too; SQL's NULL != 'TX' would drop it.
  const orNull = NULLABLE.has(c.column) && (c.op === '!=' || c.op === 'not in');
  let sql: string;
  if (c.op === 'in' || c.op === 'not in') {
    const vs = Array.isArray(c.value) ? c.value : [c.value];
    sql = `${c.column} ${c.op.toUpperCase()} (${vs.map(literal).join(', ')})`;
  } else {
    if (Array.isArray(c.value)) throw new CompileError('a list needs in or not in');
    sql = `${c.column} ${c.op} ${literal(c.value)}`;
  }
  return orNull ? `(${c.column} IS NULL OR ${sql})` : sql;
}
const all = (view: View, cs: Cond[] | undefined) => (cs ?? []).map((c) => condSql(view, c)).join(' AND ');

/** `created_at` as local wall-clock seconds: a CASE over the zone's offset changes inside the range. */
export function localTime(tz: string, from: number, to: number): string {
  const steps = offsetSteps(tz, from, to);
  if (steps.length === 1) return `created_at + ${steps[0].offset}`;
  const whens = steps
    .slice(0, -1)
    .map((s, i) => `WHEN created_at < ${Math.floor(steps[i + 1].from / 1000)} THEN ${s.offset}`)
    .join(' ');
  return `created_at + CASE ${whens} ELSE ${steps[steps.length - 1].offset} END`;
}

/**
 * The rows a statistic looks at: durations of answered calls (an unanswered call has no length) and
 * payouts of converted calls (only a conversion pays) — unless the question divides by calls itself;
 * payouts of accepted bids (a rejected ping offered no payout: it is not a $0 bid).
 */
function base(view: View, m: MeasureSpec): string {
  if (view === 'rtb_bids') return m.field === 'payout' && m.stat !== 'sum' ? 'rejected = 0' : '';
  if (view !== 'call_logs') return '';
  if (m.field === 'duration') return 'answered = 1';
  if (m.field === 'payout' && m.stat !== 'sum') return 'converted = 1';
  return '';
}

const SCALE: Record<string, string> = { minutes: ' / 60.0', hours: ' / 3600.0' };

/** One aggregate expression. Duration statistics other than totals look at answered calls only. */
function aggregate(view: View, m: MeasureSpec, days: number): string {
  if (m.field && !(COLUMNS[view] as readonly string[]).includes(m.field))
    throw new CompileError(`${view.replace('_', ' ')} have no ${m.field}`);
  const w = all(view, m.where);
  const scale = m.field === 'duration' ? (SCALE[m.unit] ?? '') : '';
  let expr: string;
  switch (m.stat) {
    case 'count':
      expr = w ? `COUNT(CASE WHEN ${w} THEN 1 END)` : 'COUNT(*)';
      break;
    case 'rate': {
      const of = all(view, m.of);
      if (!of) throw new CompileError('a rate needs a yes/no property');
      expr = w
        ? `100.0 * SUM(CASE WHEN ${w} AND ${of} THEN 1 ELSE 0 END) / NULLIF(SUM(CASE WHEN ${w} THEN 1 ELSE 0 END), 0)`
        : `100.0 * SUM(CASE WHEN ${of} THEN 1 ELSE 0 END) / NULLIF(COUNT(*), 0)`;
      break;
    }
    case 'sum':
      expr = `COALESCE(SUM(${w ? `CASE WHEN ${w} THEN ${m.field} END` : m.field}), 0)${scale}`;
      break;
    case 'avg':
    case 'min':
    case 'max': {
      const ws = [w, base(view, m)].filter(Boolean);
      expr = `${m.stat.toUpperCase()}(${ws.length ? `CASE WHEN ${ws.join(' AND ')} THEN ${m.field} END` : m.field})${scale}`;
      break;
    }
    default:
      throw new CompileError(`${m.label} cannot be combined with other measures`);
  }
  if (!m.per) return expr;
  if (m.per === 'day') return `${expr} * 1.0 / ${Math.max(days, 1)}`;
  return `${expr} * 1.0 / NULLIF(${aggregate(view, { ...m.per, per: undefined }, days)}, 0)`;
}

function rangeWhere(r: Range | null | undefined): string[] {
  return r ? [`created_at >= ${Math.floor(r.start / 1000)}`, `created_at < ${Math.ceil(r.end / 1000)}`] : [];
}

/** Local days a range spans (for "calls per day"); whole days, a day in progress counts as one. */
export const daysIn = (r: Range | null | undefined) =>
  r ? Math.max(1, Math.ceil((r.end - r.start - 2 * 3600_000) / 86400_000)) : 0;

function single(q: StructuredQuery, range: Range | null | undefined, tz: string, now: number): Compiled {
  const view = q.view;
  const where = [...rangeWhere(range), ...q.filters.map((c) => condSql(view, c))];
  let label = '';
  let labelColumn: string | null = null;
  if (q.dimension) {
    labelColumn = q.dimension;
    if (isTimeGrain(q.dimension)) {
      const local = localTime(tz, range?.start ?? now - 3 * 365 * 86400_000, range?.end ?? now);
      label = `strftime('${TIME_GRAINS[q.dimension]}', ${local}, 'unixepoch')`;
    } else {
      const cat = CATEGORIES[q.dimension];
      if (!(cat.views as readonly string[]).includes(view))
        throw new CompileError(
          `${view.replace('_', ' ')} cannot be split by ${q.dimension.replace('_', ' ')}`,
        );
      label = cat.column;
      // Calls without a US state (or area code) are not a group of their own.
      if (['state', 'area_code', 'country'].includes(q.dimension)) where.push(`${label} IS NOT NULL`);
    }
  }
  const w = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const ordered = q.measures.find((m) => m.stat === 'median' || m.stat === 'percentile');
  if (ordered) {
    if (q.measures.length > 1) throw new CompileError(`${ordered.label} is answered on its own`);
    return orderStatistic(q, ordered, view, label, labelColumn, w);
  }
  const days = daysIn(range);
  const cols = q.measures.map((m) => {
    const e = aggregate(view, m, days);
    return q.share && q.dimension && m.stat === 'count'
      ? `100.0 * ${e} / SUM(${e}) OVER (PARTITION BY 1) AS ${m.key}`
      : `${e} AS ${m.key}`;
  });
  const select = labelColumn ? [`${label} AS ${labelColumn}`, ...cols] : cols;
  let tail = '';
  if (labelColumn) {
    const byValue = `${q.measures[0].key} ${q.order === 'asc' ? 'ASC' : 'DESC'}, ${labelColumn} ASC`;
    const byLabel = `${labelColumn} ${q.order === 'desc' ? 'DESC' : 'ASC'}`;
    tail = ` GROUP BY ${labelColumn} ORDER BY ${isTimeGrain(q.dimension) && !q.limit ? byLabel : byValue}`;
  }
  if (q.limit) tail += ` LIMIT ${Math.min(Math.max(1, Math.floor(q.limit)), 1000)}`;
  return {
    sql: `SELECT ${select.join(', ')} FROM ${view}${w}${tail}`,
    view,
    labelColumn,
    valueColumns: q.measures.map((m) => m.key),
  };
}

/**
 * Median and percentiles with window functions (SQLite has no MEDIAN): rank the values, then
 * interpolate between the two ranks around p·(n−1), as PERCENTILE_CONT and numpy's default do.
 */
function orderStatistic(
  q: StructuredQuery,
  m: MeasureSpec,
  view: View,
  label: string,
  labelColumn: string | null,
  where: string,
): Compiled {
  const p = m.stat === 'median' ? 50 : (m.p ?? 50);
  const field = m.field ?? 'duration';
  if (!(COLUMNS[view] as readonly string[]).includes(field))
    throw new CompileError(`${view.replace('_', ' ')} have no ${field}`);
  const conds = [where.replace(/^ WHERE /, ''), base(view, m), all(view, m.where)].filter(Boolean);
  const part = labelColumn ? `PARTITION BY ${label}` : 'PARTITION BY 1';
  const inner = `SELECT ${labelColumn ? `${label} AS ${labelColumn}, ` : ''}${field} AS v, ROW_NUMBER() OVER (${part} ORDER BY ${field}) - 1 AS r, COUNT(*) OVER (${part}) AS n FROM ${view}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}`;
  const pos = `(${p / 100} * (n - 1))`;
  const lo = `CAST(${pos} AS INTEGER)`;
  const scale = field === 'duration' ? (SCALE[m.unit] ?? '') : '';
  const value = `(MAX(CASE WHEN r = ${lo} THEN v END) + (${pos} - ${lo}) * (COALESCE(MAX(CASE WHEN r = ${lo} + 1 THEN v END), MAX(CASE WHEN r = ${lo} THEN v END)) - MAX(CASE WHEN r = ${lo} THEN v END)))${scale}`;
  const sql = labelColumn
    ? `SELECT ${labelColumn}, ${value} AS ${m.key} FROM (${inner}) AS ranked GROUP BY ${labelColumn} ORDER BY ${m.key} ${q.order === 'asc' ? 'ASC' : 'DESC'}, ${labelColumn} ASC${q.limit ? ` LIMIT ${q.limit}` : ''}`
    : `SELECT ${value} AS ${m.key} FROM (${inner}) AS ranked`;
  return { sql, view, labelColumn, valueColumns: [m.key] };
}

/** `tz` and `now` place local-time buckets; a comparison runs the same query over both periods. */
export function compile(q: StructuredQuery, tz: string, now: number): Compiled {
  if (!q.measures.length) throw new CompileError('nothing to measure');
  if (!q.compare) return single(q, q.range, tz, now);
  if (q.dimension || q.measures.length > 1)
    throw new CompileError('a comparison of two periods is answered for one measure without a breakdown');
  const key = q.measures[0].key;
  const a = single(q, q.range, tz, now).sql;
  const b = single(q, q.compare, tz, now).sql;
  return {
    sql: `SELECT cur.${key} AS current, prev.${key} AS previous FROM (${a}) AS cur, (${b}) AS prev`,
    view: q.view,
    labelColumn: null,
    valueColumns: ['current', 'previous'],
  };
}
