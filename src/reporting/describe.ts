// Restating a structured query in words, so every answer (and every decline's suggestion) shows
// exactly what was computed: the measure, its conditions, the breakdown and the period with its bounds.
import { zonedParts } from '../lib/zoned-time';
import type { Cond, MeasureSpec, Range, StructuredQuery } from './model';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const COLUMN_WORDS: Record<string, string> = {
  agent_name: 'agent',
  campaign_name: 'campaign',
  area_code: 'area code',
  reject_reason: 'reject reason',
  message_type: 'message type',
};
const OP_WORDS: Record<string, string> = {
  '=': 'is',
  '!=': 'is not',
  '>': 'above',
  '>=': 'at least',
  '<': 'below',
  '<=': 'at most',
  in: 'is one of',
  'not in': 'is none of',
};

export function condText(c: Cond): string {
  const v = Array.isArray(c.value) ? c.value.join(' or ') : String(c.value);
  if (['answered', 'converted', 'voicemail', 'won', 'rejected'].includes(c.column))
    return `${c.value === 0 ? 'not ' : ''}${c.column}`;
  if (c.column === 'duration') return `duration ${OP_WORDS[c.op]} ${v} s`;
  if (c.column === 'payout') return `payout ${OP_WORDS[c.op]} $${v}`;
  return `${COLUMN_WORDS[c.column] ?? c.column} ${OP_WORDS[c.op]} ${v}`;
}

export function measureText(m: MeasureSpec): string {
  const base =
    m.stat === 'rate' && m.of && !/rate$/.test(m.label)
      ? `share of ${m.where?.length ? 'matching ' : ''}rows that are ${m.of.map(condText).join(' and ')}`
      : m.label;
  const where = m.where?.length ? ` (${m.where.map(condText).join(', ')})` : '';
  const unit = m.unit === 'minutes' || m.unit === 'hours' ? ` in ${m.unit}` : '';
  return `${base}${where}${unit}`;
}

function when(ms: number, tz: string): string {
  const p = zonedParts(ms, tz);
  return `${MONTHS[p.m - 1]} ${p.d}${p.y !== zonedParts(Date.now(), tz).y ? `, ${p.y}` : ''}, ${String(p.h).padStart(2, '0')}:${String(p.mi).padStart(2, '0')}`;
}

/** "last week (Nov 9, 00:00 – Nov 16, 00:00, America/New_York)". */
export function periodText(r: Range | null | undefined, tz?: string, now?: number): string {
  if (!r) return 'all time';
  if (!tz) return r.label;
  const end = now !== undefined && Math.abs(r.end - now) < 1000 ? 'now' : when(r.end, tz);
  return `${r.label} (${when(r.start, tz)} – ${end}, ${tz})`;
}

/** One line restating the whole query. */
export function describe(q: StructuredQuery, tz?: string, now?: number): string {
  const what = q.measures.map(measureText).join(', ');
  const noun = q.view === 'call_logs' ? 'calls' : q.view === 'messages' ? 'messages' : 'RTB bids';
  const of = q.measures.every((m) => m.stat === 'count' && !m.per) ? '' : ` of ${noun}`;
  const scope = q.filters.length ? `${of} where ${q.filters.map(condText).join(' and ')}` : '';
  const by = q.dimension ? ` by ${q.dimension.replace(/_/g, ' ')}` : '';
  const top = q.limit ? `, ${q.order === 'asc' ? 'bottom' : 'top'} ${q.limit}` : '';
  const period = q.compare
    ? `${periodText(q.range, tz, now)} compared with ${periodText(q.compare, tz, now)}`
    : periodText(q.range, tz, now);
  const text = `${what}${scope}${by}${top}, ${period}`;
  return `${text[0].toUpperCase()}${text.slice(1)}`;
}
