// The semantic model: what can be asked (measures, dimensions, conditions) over which reporting view.
// Views are defined here and bound to the caller's account by construction (see guard.ts); the
// structured query below is what every translator (built-in or LLM) fills and compiler.ts compiles.
export type View = 'call_logs' | 'messages' | 'rtb_bids';

// Countries by calling code for numbers outside North America (longest codes first).
const CALLING_CODES: Array<[string, string]> = [
  ['353', 'IE'],
  ['971', 'AE'],
  ['972', 'IL'],
  ['234', 'NG'],
  ['254', 'KE'],
  ['44', 'GB'],
  ['52', 'MX'],
  ['49', 'DE'],
  ['33', 'FR'],
  ['34', 'ES'],
  ['39', 'IT'],
  ['31', 'NL'],
  ['61', 'AU'],
  ['64', 'NZ'],
  ['91', 'IN'],
  ['55', 'BR'],
  ['81', 'JP'],
  ['86', 'CN'],
  ['63', 'PH'],
  ['65', 'SG'],
  ['27', 'ZA'],
];
// A +1 number's area code finds its US state or Canada in `nanp_area_codes` (migration 0060, from
// src/data/nanp-area-codes.json) with one primary-key lookup.
//
// Speed (README "Reporting AI", issue 14): every name or place a view offers is a correlated lookup in
// its own column, not a LEFT JOIN. SQLite never drops an unused LEFT JOIN from an aggregate query, so a
// joined view paid four lookups (agent, batch, RTB endpoint, area code) on every row of every question;
// a column that a question does not read is dropped with its lookup when the view is flattened. Each
// lookup is by a unique key, so it returns what the LEFT JOIN did: the one matching row's value or NULL.
const areaCode = (col: string) => `CASE WHEN ${col} LIKE '+1%' THEN substr(${col}, 3, 3) END`;
const nanp = (field: 'country' | 'state', col: string) =>
  `(SELECT ac.${field} FROM main.nanp_area_codes ac WHERE ac.code = ${areaCode(col)})`;
const country = (col: string) =>
  `CASE WHEN ${col} LIKE '+1%' THEN COALESCE(${nanp('country', col)}, 'other') ${CALLING_CODES.map(([cc, iso]) => `WHEN ${col} LIKE '+${cc}%' THEN '${iso}'`).join(' ')} ELSE 'other' END`;
const agentName = (col: string) =>
  `COALESCE((SELECT a.name FROM main.agents a WHERE a.id = ${col}), 'no agent')`;

// `contact` is the other party: the caller of an inbound call, the callee of an outbound one.
const CONTACT = "(CASE WHEN c.direction = 'inbound' THEN c.from_number ELSE c.to_number END)";
export const VIEWS: Record<View, string> = {
  call_logs: `SELECT c.id AS call_id, c.agent_id, ${agentName('c.agent_id')} AS agent_name,
      COALESCE((SELECT b.name FROM main.batches b WHERE b.id = c.batch_id),
        (SELECT e.campaign_name FROM main.rtb_endpoints e WHERE e.id = json_extract(c.rtb, '$.endpoint_id')), 'none') AS campaign_name,
      c.direction, c.status, COALESCE(c.outcome, 'unknown') AS outcome,
      COALESCE(c.sentiment, 'unknown') AS sentiment, c.from_number, c.to_number,
      CASE WHEN c.direction = 'inbound' THEN c.to_number ELSE c.from_number END AS number,
      ${CONTACT} AS contact, ${areaCode(CONTACT)} AS area_code,
      ${country(CONTACT)} AS country, ${nanp('state', CONTACT)} AS state,
      COALESCE(c.duration, 0) AS duration, CASE WHEN c.answered_at IS NOT NULL THEN 1 ELSE 0 END AS answered,
      c.converted, CASE WHEN c.outcome = 'voicemail' THEN 1 ELSE 0 END AS voicemail, COALESCE(c.payout, 0) AS payout,
      c.created_at, c.ended_at, c.batch_id
    FROM main.calls c WHERE c.account_id = ?1`,
  messages: `SELECT m.id AS message_id, m.agent_id, ${agentName('m.agent_id')} AS agent_name, m.direction, m.status, m.message_type,
      m.contact, ${areaCode('m.contact')} AS area_code, ${country('m.contact')} AS country,
      ${nanp('state', 'm.contact')} AS state, m.created_at FROM main.messages m
    WHERE m.account_id = ?1`,
  rtb_bids: `SELECT b.id AS bid_id, b.endpoint_id,
      COALESCE((SELECT COALESCE(e.campaign_name, e.name) FROM main.rtb_endpoints e WHERE e.id = b.endpoint_id), 'none') AS campaign_name,
      b.route_id, COALESCE(b.payout, 0) AS payout,
      b.eligible_count, COALESCE(b.reject_reason, 'none') AS reject_reason, CASE WHEN b.reject_reason IS NULL THEN 0 ELSE 1 END AS rejected,
      b.state, b.zip, b.publisher_id, CASE WHEN b.call_id IS NOT NULL THEN 1 ELSE 0 END AS won, b.created_at
    FROM main.rtb_bids b WHERE b.account_id = ?1`,
};

/** The columns a condition or dimension may name, per view (anything else never reaches SQL). */
export const COLUMNS: Record<View, readonly string[]> = {
  call_logs: [
    'agent_name',
    'campaign_name',
    'direction',
    'status',
    'outcome',
    'sentiment',
    'number',
    'contact',
    'area_code',
    'country',
    'state',
    'duration',
    'answered',
    'converted',
    'voicemail',
    'payout',
  ],
  messages: ['agent_name', 'direction', 'status', 'message_type', 'contact', 'area_code', 'country', 'state'],
  rtb_bids: ['campaign_name', 'reject_reason', 'rejected', 'won', 'state', 'zip', 'publisher_id', 'payout'],
};

export type Op = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'not in';
export interface Cond {
  column: string;
  op: Op;
  value: string | number | Array<string | number>;
}

/** count: rows; sum/avg/min/max/median/percentile: of `field`; rate: % of rows meeting `of`. */
export type Stat = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'median' | 'percentile' | 'rate';
export type Unit = 'count' | 'seconds' | 'minutes' | 'hours' | 'percent' | 'usd';
export interface MeasureSpec {
  /** Output column name (an SQL identifier). */
  key: string;
  label: string;
  stat: Stat;
  field?: 'duration' | 'payout';
  /** percentile: 0–100. */
  p?: number;
  /** Conditions that apply to this measure only ("answered calls" beside "calls"). */
  where?: Cond[];
  /** rate: the yes/no property whose share is asked. */
  of?: Cond[];
  /** A per-unit average: this measure divided by another ("per converted call"), or by days in the range. */
  per?: MeasureSpec | 'day';
  unit: Unit;
}

export const TIME_GRAINS = {
  hour: '%Y-%m-%d %H:00',
  day: '%Y-%m-%d',
  week: '%Y-W%W',
  month: '%Y-%m',
  weekday: '%w',
  hour_of_day: '%H',
} as const;
export type TimeGrain = keyof typeof TIME_GRAINS;
export const CATEGORIES = {
  agent: { column: 'agent_name', views: ['call_logs', 'messages'] },
  campaign: { column: 'campaign_name', views: ['call_logs', 'rtb_bids'] },
  status: { column: 'status', views: ['call_logs', 'messages'] },
  outcome: { column: 'outcome', views: ['call_logs'] },
  sentiment: { column: 'sentiment', views: ['call_logs'] },
  direction: { column: 'direction', views: ['call_logs', 'messages'] },
  number: { column: 'number', views: ['call_logs'] },
  country: { column: 'country', views: ['call_logs', 'messages'] },
  state: { column: 'state', views: ['call_logs', 'messages', 'rtb_bids'] },
  area_code: { column: 'area_code', views: ['call_logs', 'messages'] },
  reject_reason: { column: 'reject_reason', views: ['rtb_bids'] },
  message_type: { column: 'message_type', views: ['messages'] },
} as const satisfies Record<string, { column: string; views: View[] }>;
export type Category = keyof typeof CATEGORIES;
export type Dimension = TimeGrain | Category;
export const isTimeGrain = (d: Dimension | undefined): d is TimeGrain => !!d && d in TIME_GRAINS;
export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export interface Range {
  start: number;
  end: number;
  label: string;
  unit?: string;
  count?: number;
}

/** The structured query every translator produces and the compiler turns into SQL. */
export interface StructuredQuery {
  view: View;
  measures: MeasureSpec[];
  dimension?: Dimension;
  filters: Cond[];
  range?: Range | null;
  /** A second period to compare against (both values, the difference and the change are answered). */
  compare?: Range | null;
  order?: 'desc' | 'asc';
  limit?: number;
  /** The question asked for a share/breakdown (a pie when there are few categories). */
  share?: boolean;
  /** A comparison asked for one figure: the difference, or the change in percent. */
  asked?: 'difference' | 'change_percent';
  /** Which words of the question each slot consumed (shown in the explanation). */
  understood?: Record<string, string[]>;
}
