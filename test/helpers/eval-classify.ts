// Compares an answer's `data` with an oracle's expected value (test/reporting-eval/oracle.ts shapes).
// Groups: a group missing on one side counts as 0 (as the set documents); several measures are matched
// in the order the question names them.
import type { Expected, Unit } from '../reporting-eval/questions';

type Close = (expected: number, actual: number, unit?: Unit) => boolean;
type Row = Record<string, unknown>;

const numeric = (row: Row) =>
  Object.entries(row).filter(
    ([k, v]) => (typeof v === 'number' || v === null) && k !== 'change_percent' && k !== 'difference',
  );
const labelOf = (row: Row) => Object.entries(row).find(([, v]) => typeof v === 'string')?.[0];

function sameGroups(want: Record<string, number>, got: Record<string, number>, close: Close, unit?: Unit) {
  const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
  return [...keys].every((k) => close(want[k] ?? 0, got[k] ?? 0, unit));
}

/** Each value column of grouped rows as label → value, in column order. */
function columns(rows: Row[]): Array<Record<string, number>> {
  if (!rows.length) return [];
  const label = labelOf(rows[0]);
  if (!label) return [];
  const cols = numeric(rows[0]).map(([k]) => k);
  return cols.map((c) => Object.fromEntries(rows.map((r) => [String(r[label]), Number(r[c] ?? 0)])));
}

export function classify(want: Expected, data: unknown, close: Close): boolean {
  if (data === null || data === undefined) return false;
  switch (want.kind) {
    case 'scalar': {
      if (Array.isArray(data)) return false;
      // A comparison asked for one figure answers it under `asked` (beside both values).
      const asked = (data as Row).asked;
      if (typeof asked === 'string') {
        const v = (data as Row)[asked];
        return typeof v === 'number' && close(want.value, v, want.unit);
      }
      const vals = numeric(data as Row);
      return vals.length === 1 && vals[0][1] !== null && close(want.value, Number(vals[0][1]), want.unit);
    }
    case 'groups': {
      if (!Array.isArray(data)) return false;
      const cols = columns(data as Row[]);
      if (cols.length !== 1 && data.length) return false;
      return sameGroups(want.values, cols[0] ?? {}, close, want.unit);
    }
    case 'compare': {
      const d = data as Row;
      return (
        typeof d.current === 'number' &&
        typeof d.previous === 'number' &&
        close(want.current, d.current) &&
        close(want.previous, d.previous)
      );
    }
    case 'multi': {
      const wanted = Object.values(want.values);
      if (Array.isArray(data)) {
        const cols = columns(data as Row[]);
        return (
          cols.length === wanted.length &&
          wanted.every((w, i) => typeof w === 'object' && sameGroups(w, cols[i], close, 'count'))
        );
      }
      const vals = numeric(data as Row);
      return (
        vals.length === wanted.length &&
        wanted.every((w, i) => typeof w === 'number' && close(w, Number(vals[i][1])))
      );
    }
  }
}
