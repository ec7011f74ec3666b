// The built-in translator (no network): English question → StructuredQuery, or an honest decline.
// A lexicon drawn from the semantic model fills the slots (measure, dimension, filters, order, limit);
// dates go through the resolver in dates.ts; follow-ups start from the session's previous query.
import { isUsableRange, resolveDates, shiftBack } from './dates';
import type { Category, Dimension, Filter, Measure, StructuredQuery } from './model';

export interface TranslateContext {
  now: number;
  timezone: string;
  agents: string[];
  campaigns: string[];
  previous?: StructuredQuery | null;
}
export type Translation =
  | { ok: true; query: StructuredQuery; notes: string[] }
  | { ok: false; reason: string; suggestions: string[] };

export const SUGGESTIONS = [
  'How many calls did we receive last week?',
  'What was our conversion rate by agent this month?',
  'Average call duration by day for the last 7 days',
  'Total payout by campaign last month',
  'How many inbound calls were answered yesterday?',
];

const MEASURE_WORDS: Array<[Measure, RegExp]> = [
  [
    'conversion_rate',
    /\b(conversion rate|convert(?:ed)? rate|rate of conversion|percent(?:age)? (?:of calls )?(?:that )?convert)/,
  ],
  [
    'avg_duration',
    /\b(average|avg|mean|typical)\b.*\b(duration|length|talk time|long)\b|\bhow long\b.*\bcalls?\b.*\b(last|take)\b/,
  ],
  [
    'total_duration',
    /\b(total (?:call )?(?:duration|talk time|minutes)|talk time|minutes talked|time on (?:the )?phone)\b/,
  ],
  ['payout', /\b(payouts?|revenue|earn(?:ed|ings)?|money|income)\b/],
  ['conversions', /\b(conversions?|converted|convert)\b/],
  ['answered', /\b(answered|picked up|connected)\b/],
  ['messages', /\b(whatsapp|messages?|texts?)\b/],
  ['bids', /\b(bids?|pings?|rtb)\b/],
  ['calls', /\b(calls?|dials?|dialled|dialed|phoned)\b/],
];

const TIME_DIMENSIONS: Array<[Dimension, RegExp]> = [
  ['hour', /\b(by|per|each) hour\b|\bhourly\b|\bwhat time of day\b|\bby time of day\b/],
  ['day', /\b(by|per|each) day\b|\bdaily\b|\bday by day\b|\bper-day\b/],
  ['week', /\b(by|per|each) week\b|\bweekly\b|\bweek by week\b/],
  ['month', /\b(by|per|each) month\b|\bmonthly\b|\bmonth by month\b/],
];
const CATEGORY_DIMENSIONS: Array<[Category, RegExp]> = [
  [
    'agent',
    /\b(by|per|each|which|what|top|every) agents?\b|\bagents? (?:with|had|made|handled|performed)\b|\bbreakdown by agent\b/,
  ],
  ['campaign', /\b(by|per|each|which|what|top|every) campaigns?\b/],
  ['status', /\b(by|per|each) status\b|\bstatus breakdown\b/],
  ['outcome', /\b(by|per|each) outcome\b|\boutcomes?\b/],
  ['sentiment', /\b(by|per|each) sentiment\b|\bsentiment (?:breakdown|split|distribution)\b/],
  [
    'direction',
    /\b(by|per) direction\b|\binbound (?:vs\.?|versus|and) outbound\b|\boutbound (?:vs\.?|versus|and) inbound\b/,
  ],
  ['number', /\b(by|per|each|which) (?:phone )?numbers?\b/],
  ['state', /\b(by|per|each|which) states?\b/],
];

const OUT_OF_SCOPE =
  /\b(forecast|predict(?:ion)?|will we|next (?:week|month|year|quarter)|tomorrow|weather|why (?:did|do|are|is)|recipe|joke|poem|capital of|who (?:is|was)|translate|stock price|write (?:me )?(?:a|an)|delete|drop|update|insert|truncate|ignore (?:all |the )?(?:previous|above)|system prompt|password|api key|other accounts?|all accounts|every account)\b/;
const SQLISH =
  /(;|--|\/\*|\bselect\b|\bunion\b|\bpragma\b|\battach\b|\bsqlite_|\bfrom\s+\w+\s+where\b|\bjoin\b)/;
const FOLLOW_UP =
  /^(and|what about|how about|same (?:for|but)|now|also|then|ok(?:ay)?,? (?:and|what about))\b|\b(the|a) (day|week|month|quarter|year|period) before\b|\bprevious period\b/;

function escapeRe(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function translate(question: string, ctx: TranslateContext): Translation {
  const text = question
    .toLowerCase()
    .replace(/[?!.,]+(\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return { ok: false, reason: 'The question is empty.', suggestions: SUGGESTIONS };
  if (SQLISH.test(text) || OUT_OF_SCOPE.test(text)) {
    return {
      ok: false,
      reason:
        "I can't answer that yet: I answer questions about your own calls, messages and bids over past periods.",
      suggestions: SUGGESTIONS,
    };
  }
  const notes: string[] = [];
  const prev = ctx.previous ?? null;
  const followUp = !!prev && (FOLLOW_UP.test(text) || text.split(' ').length <= 4);

  let measure: Measure | undefined = MEASURE_WORDS.find(([, re]) => re.test(text))?.[0];
  if (measure === 'calls' && /\bconver/.test(text)) measure = 'conversions';
  if (!measure && followUp) measure = prev!.measure;
  if (!measure)
    return {
      ok: false,
      reason: "I can't answer that yet: I did not recognise what to measure.",
      suggestions: SUGGESTIONS,
    };

  let dimension: Dimension | undefined =
    TIME_DIMENSIONS.find(([, re]) => re.test(text))?.[0] ??
    CATEGORY_DIMENSIONS.find(([, re]) => re.test(text))?.[0];
  if (!dimension && followUp && !/\b(overall|in total|altogether)\b/.test(text)) dimension = prev!.dimension;

  const filters: Filter[] = followUp ? prev!.filters.filter((f) => !mentionsField(text, f.field)) : [];
  const setFilter = (f: Filter) => {
    const i = filters.findIndex((x) => x.field === f.field);
    if (i >= 0) filters[i] = f;
    else filters.push(f);
  };
  if (/\b(inbound|incoming)\b/.test(text) && dimension !== 'direction')
    setFilter({ field: 'direction', values: ['inbound'] });
  if (/\b(outbound|outgoing|placed|made)\b/.test(text) && dimension !== 'direction')
    setFilter({ field: 'direction', values: ['outbound'] });
  if (measure !== 'messages' && measure !== 'bids') {
    if (/\b(missed|unanswered|no[- ]answer|not answered)\b/.test(text))
      setFilter({ field: 'status', values: ['no_answer'] });
    else if (/\bbusy\b/.test(text)) setFilter({ field: 'status', values: ['busy'] });
    else if (/\bfailed\b/.test(text))
      setFilter({ field: 'status', values: ['failed', 'busy', 'no_answer', 'canceled'] });
    else if (/\b(completed|successful|finished)\b/.test(text))
      setFilter({ field: 'status', values: ['completed'] });
    for (const s of ['positive', 'negative', 'neutral'])
      if (new RegExp(`\\b${s}\\b`).test(text) && dimension !== 'sentiment')
        setFilter({ field: 'sentiment', values: [s] });
    if (/\bvoicemails?\b/.test(text)) setFilter({ field: 'outcome', values: ['voicemail'] });
    for (const name of ctx.agents)
      if (name && new RegExp(`\\b${escapeRe(name.toLowerCase())}\\b`).test(text) && dimension !== 'agent')
        setFilter({ field: 'agent_name', values: [name] });
  }
  if (measure === 'messages') {
    for (const s of ['delivered', 'read', 'failed', 'sent'])
      if (new RegExp(`\\b${s}\\b`).test(text)) setFilter({ field: 'status', values: [s] });
    if (/\b(replies|received|incoming)\b/.test(text)) setFilter({ field: 'direction', values: ['inbound'] });
  }
  for (const name of ctx.campaigns)
    if (name && new RegExp(`\\b${escapeRe(name.toLowerCase())}\\b`).test(text) && dimension !== 'campaign')
      setFilter({ field: 'campaign_name', values: [name] });

  let range = resolveDates(text, ctx.now, ctx.timezone);
  if (!range && followUp && prev!.range) {
    const p = prev!.range;
    range =
      /\b(before|previous period|prior)\b/.test(text) && p.unit
        ? shiftBack({ ...p, unit: p.unit as never, count: p.count ?? 1 }, ctx.timezone)
        : { ...p, unit: (p.unit ?? 'custom') as never, count: p.count ?? 1 };
  }
  if (range && !isUsableRange(range))
    return {
      ok: false,
      reason: "I can't answer that yet: I answer about periods within the last 100 years.",
      suggestions: SUGGESTIONS,
    };
  if (range && range.start >= ctx.now)
    return {
      ok: false,
      reason: "I can't answer that yet: that period has not happened.",
      suggestions: SUGGESTIONS,
    };

  const top = text.match(/\b(?:top|best|bottom|worst) (\d+|three|five|ten)\b/);
  const limitWords: Record<string, number> = { three: 3, five: 5, ten: 10 };
  let limit = top ? (/^\d+$/.test(top[1]) ? Number(top[1]) : limitWords[top[1]]) : undefined;
  let order: 'asc' | 'desc' | undefined = /\b(least|fewest|lowest|bottom|worst|shortest)\b/.test(text)
    ? 'asc'
    : /\b(most|highest|top|best|longest)\b/.test(text)
      ? 'desc'
      : undefined;
  if (
    dimension &&
    /\b(which|what) (agent|campaign|number|state)\b/.test(text) &&
    /\b(most|least|highest|lowest|best|worst|fewest|longest|shortest)\b/.test(text) &&
    !limit
  )
    limit = 1;
  if (!dimension && order) order = undefined;

  return {
    ok: true,
    query: {
      measure,
      dimension,
      filters,
      range: range ?? null,
      order,
      limit,
      share: /\b(share|percentage of|proportion|breakdown|split|distribution)\b/.test(text),
    },
    notes,
  };
}

function mentionsField(text: string, field: Filter['field']): boolean {
  switch (field) {
    case 'direction':
      return /\b(inbound|incoming|outbound|outgoing|all directions)\b/.test(text);
    case 'status':
      return /\b(missed|unanswered|busy|failed|completed|successful|all statuses)\b/.test(text);
    case 'sentiment':
      return /\b(positive|negative|neutral)\b/.test(text);
    default:
      return false;
  }
}
