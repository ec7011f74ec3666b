// The semantic model: what can be asked (measures, dimensions, filters) over which reporting view.
// Views are defined here and bound to the caller's account by construction (see guard.ts).

export type View = 'call_logs' | 'messages' | 'rtb_bids';

export const VIEWS: Record<View, string> = {
  call_logs: `SELECT c.id AS call_id, c.agent_id, COALESCE(a.name, 'no agent') AS agent_name,
      COALESCE(b.name, e.campaign_name, 'none') AS campaign_name, c.direction, c.status, COALESCE(c.outcome, 'unknown') AS outcome,
      COALESCE(c.sentiment, 'unknown') AS sentiment, c.from_number, c.to_number,
      CASE WHEN c.direction = 'inbound' THEN c.to_number ELSE c.from_number END AS number,
      COALESCE(c.duration, 0) AS duration, CASE WHEN c.answered_at IS NOT NULL THEN 1 ELSE 0 END AS answered,
      c.converted, COALESCE(c.payout, 0) AS payout, c.created_at, c.ended_at, c.batch_id
    FROM main.calls c LEFT JOIN main.agents a ON a.id = c.agent_id LEFT JOIN main.batches b ON b.id = c.batch_id
      LEFT JOIN main.rtb_endpoints e ON e.id = json_extract(c.rtb, '$.endpoint_id')
    WHERE c.account_id = ?1`,
  messages: `SELECT id AS message_id, agent_id, direction, status, message_type, contact, created_at FROM main.messages WHERE account_id = ?1`,
  rtb_bids: `SELECT b.id AS bid_id, b.endpoint_id, COALESCE(e.campaign_name, e.name, 'none') AS campaign_name, b.route_id, COALESCE(b.payout, 0) AS payout,
      b.eligible_count, b.reject_reason, b.state, b.zip, b.publisher_id, CASE WHEN b.call_id IS NOT NULL THEN 1 ELSE 0 END AS won, b.created_at
    FROM main.rtb_bids b LEFT JOIN main.rtb_endpoints e ON e.id = b.endpoint_id WHERE b.account_id = ?1`,
};

export const MEASURES = {
  calls: { view: 'call_logs', sql: 'COUNT(*)', label: 'calls', unit: '' },
  answered: { view: 'call_logs', sql: 'COALESCE(SUM(answered), 0)', label: 'answered calls', unit: '' },
  conversions: { view: 'call_logs', sql: 'COALESCE(SUM(converted), 0)', label: 'conversions', unit: '' },
  conversion_rate: {
    view: 'call_logs',
    sql: 'ROUND(100.0 * SUM(converted) / NULLIF(COUNT(*), 0), 1)',
    label: 'conversion rate',
    unit: '%',
  },
  avg_duration: {
    view: 'call_logs',
    sql: 'ROUND(AVG(CASE WHEN answered = 1 THEN duration END), 1)',
    label: 'average call duration',
    unit: 's',
  },
  total_duration: {
    view: 'call_logs',
    sql: 'COALESCE(SUM(duration), 0)',
    label: 'total talk time',
    unit: 's',
  },
  payout: { view: 'call_logs', sql: 'ROUND(COALESCE(SUM(payout), 0), 2)', label: 'payout', unit: '$' },
  messages: { view: 'messages', sql: 'COUNT(*)', label: 'messages', unit: '' },
  bids: { view: 'rtb_bids', sql: 'COUNT(*)', label: 'RTB bids', unit: '' },
} as const satisfies Record<string, { view: View; sql: string; label: string; unit: string }>;
export type Measure = keyof typeof MEASURES;

export const TIME_GRAINS = {
  hour: '%Y-%m-%d %H:00',
  day: '%Y-%m-%d',
  week: '%Y-W%W',
  month: '%Y-%m',
} as const;
export type TimeGrain = keyof typeof TIME_GRAINS;

export const CATEGORIES = {
  agent: { column: 'agent_name', views: ['call_logs'] },
  campaign: { column: 'campaign_name', views: ['call_logs', 'rtb_bids'] },
  status: { column: 'status', views: ['call_logs', 'messages'] },
  outcome: { column: 'outcome', views: ['call_logs'] },
  sentiment: { column: 'sentiment', views: ['call_logs'] },
  direction: { column: 'direction', views: ['call_logs', 'messages'] },
  number: { column: 'number', views: ['call_logs'] },
  state: { column: 'state', views: ['rtb_bids'] },
} as const satisfies Record<string, { column: string; views: View[] }>;
export type Category = keyof typeof CATEGORIES;
export type Dimension = TimeGrain | Category;
export const isTimeGrain = (d: Dimension | undefined): d is TimeGrain => !!d && d in TIME_GRAINS;

/** Values a filter may take; each maps to a column of the measure's view. */
export const FILTER_COLUMNS = {
  status: 'status',
  direction: 'direction',
  sentiment: 'sentiment',
  outcome: 'outcome',
  agent_name: 'agent_name',
  campaign_name: 'campaign_name',
  answered: 'answered',
  converted: 'converted',
} as const;
export type FilterField = keyof typeof FILTER_COLUMNS;
export interface Filter {
  field: FilterField;
  values: Array<string | number>;
}

/** The structured query every translator produces and the compiler turns into SQL. */
export interface StructuredQuery {
  measure: Measure;
  dimension?: Dimension;
  filters: Filter[];
  range?: { start: number; end: number; label: string; unit?: string; count?: number } | null;
  order?: 'desc' | 'asc';
  limit?: number;
  /** The question asked for a share/breakdown (a pie when there are few categories). */
  share?: boolean;
}
