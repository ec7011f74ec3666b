// Structured query → SQL over the reporting views. Values are inlined as escaped literals (the guard
// parses the result like any other SQL); the account filter is not the compiler's job (guard.ts binds it).
import {
  CATEGORIES,
  FILTER_COLUMNS,
  isTimeGrain,
  MEASURES,
  TIME_GRAINS,
  type StructuredQuery,
  type View,
} from './model';

const literal = (v: string | number) =>
  typeof v === 'number' ? String(Number.isFinite(v) ? v : 0) : `'${String(v).replace(/'/g, "''")}'`;

export class CompileError extends Error {}

/** `offsetSeconds`: the account zone's current UTC offset, so days and hours group in local time. */
export function compile(
  q: StructuredQuery,
  offsetSeconds: number,
): { sql: string; view: View; valueColumn: string; labelColumn: string | null } {
  const m = MEASURES[q.measure];
  const view = m.view as View;
  const where: string[] = [];
  if (q.range)
    where.push(
      `created_at >= ${Math.floor(q.range.start / 1000)}`,
      `created_at < ${Math.ceil(q.range.end / 1000)}`,
    );
  for (const f of q.filters) {
    if (view !== 'call_logs' && !['status', 'direction', 'campaign_name'].includes(f.field))
      throw new CompileError(`${f.field} does not apply to ${m.label}`);
    const col = FILTER_COLUMNS[f.field];
    where.push(
      f.values.length === 1
        ? `${col} = ${literal(f.values[0])}`
        : `${col} IN (${f.values.map(literal).join(', ')})`,
    );
  }
  const valueColumn = q.measure;
  let select = `${m.sql} AS ${valueColumn}`;
  let group = '';
  let order = '';
  let labelColumn: string | null = null;
  if (q.dimension) {
    if (isTimeGrain(q.dimension)) {
      labelColumn = q.dimension;
      select = `strftime('${TIME_GRAINS[q.dimension]}', created_at + ${Math.round(offsetSeconds)}, 'unixepoch') AS ${labelColumn}, ${select}`;
      order = `ORDER BY ${labelColumn} ${q.order === 'desc' ? 'DESC' : 'ASC'}`;
    } else {
      const cat = CATEGORIES[q.dimension];
      if (!(cat.views as readonly string[]).includes(view))
        throw new CompileError(`${m.label} cannot be split by ${q.dimension}`);
      labelColumn = q.dimension;
      select = `${cat.column} AS ${labelColumn}, ${select}`;
      order = `ORDER BY ${valueColumn} ${q.order === 'asc' ? 'ASC' : 'DESC'}, ${labelColumn} ASC`;
    }
    group = `GROUP BY ${labelColumn}`;
  }
  const limit = q.limit ? `LIMIT ${Math.min(Math.max(1, Math.floor(q.limit)), 1000)}` : '';
  const sql = [
    `SELECT ${select} FROM ${view}`,
    where.length ? `WHERE ${where.join(' AND ')}` : '',
    group,
    order,
    limit,
  ]
    .filter(Boolean)
    .join(' ');
  return { sql, view, valueColumn, labelColumn };
}
