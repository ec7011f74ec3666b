// The built-in translator (no network): English question → StructuredQuery, or an honest decline.
// Every content word is accounted for (scanner.ts): periods, names, places, thresholds, breakdowns and
// the measure each take their words; any word left over makes it decline, naming the word and
// suggesting the question it can answer instead. Follow-ups start from the session's previous query.
import { resolveDates, shiftBack } from './dates';
import { contradiction, coordinatedValues, takeListFilters } from './clauses';
import { readPlaces, readThresholds } from './conditions';
import {
  AMBIGUOUS_STATE_CODES,
  DIMENSIONS,
  GRAIN_ADVERBS,
  NUMBER_WORDS,
  PROPERTIES,
  SHARE_WORDS,
  US_STATES,
} from './lexicon';
import { type Found, keyOf, readMeasure } from './measures';
import {
  type Cond,
  type Dimension,
  isTimeGrain,
  type MeasureSpec,
  type Range,
  type StructuredQuery,
  type View,
} from './model';
import { normalize, Scanner } from './scanner';
import { describe } from './describe';

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
  'What was our answer rate by agent this month?',
  'Median call duration in minutes for the last 7 days',
  'Payout per converted call by campaign last month',
  'Calls this week compared to last week',
];

const OUT_OF_SCOPE =
  /\b(forecast|predict(?:ion|ed)?|projected|will we|will (?:there|it|our)|going to|next (?:week|month|year|quarter)|tomorrow|weather|why|recipe|joke|poem|capital of|who (?:is|was)|translate|stock price|write (?:me )?(?:a|an)|delete|drop|update|insert|truncate|remove|ignore (?:all |the )?(?:previous|above)|system prompt|password|api key|other accounts?|all accounts|every account|transcripts?|recordings?|said|mentioned|talked about|should)\b/;
/** Instructions to act (send, call, schedule…) rather than questions about what happened. */
const COMMAND =
  /^\s*(?:please |can you |could you )?(?:send|text|email|schedule|create|cancel|pause|resume|dial|book|assign|set up|call back|call (?:them|him|her|all|every|the customers?|\+?\d))\b/;
const SQLISH =
  /(;|--|\/\*|\bselect\b|\bunion\b|\bpragma\b|\battach\b|\bsqlite_|\bfrom\s+\w+\s+where\b|\bjoin\b)/;
const FOLLOW_UP =
  /^ ?(?:and|what about|how about|same (?:for|but)|now|also|then|ok(?:ay)? (?:and|what about))\b|\b(?:the|a) (?:day|week|month|quarter|year|period) before\b|\bprevious period\b/;
const COMPARE =
  /\b(?:compared? (?:to|with)|in comparison (?:to|with)|versus|vs\.?|against|relative to|than|compare|comparison|change from|difference between|differ from)\b/;
/** What a comparison was asked for when it names one figure. */
const ASKED_DIFFERENCE =
  /\b(?:how many more or fewer|how many fewer or more|difference|differ|minus|more or fewer|fewer or more|change in (?:the )?(?:number|count)|how many more|how many fewer)\b/;
const ASKED_PERCENT =
  /\b(?:percent(?:age)? change|change in percent|(?:change|growth|grow|grew|go up or down|went up or down|up or down)(?:\s+(?:from|to|in|of|the|our|and|between|calls?|conversions?|payouts?|rates?|number))*\s+(?:in|as an?|by what) percent(?:age)?|by what percent(?:age)?)\b/;
const EXCLUDE =
  '(?:excluding|exclude|except(?: for)?|other than|besides|without|apart from|aside from|but not|not by|not from|not for|not handled by|not including|leaving out|leave out|not counting|minus(?: the ones from)?|outside of|outside|everyone but|all but|but)';
const property = (name: string) => PROPERTIES.find((p) => p.name === name)!;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const decline = (reason: string, suggestions = SUGGESTIONS): Translation => ({
  ok: false,
  reason,
  suggestions,
});

export function translate(question: string, ctx: TranslateContext): Translation {
  const text = normalize(question);
  if (!text.trim()) return decline('The question is empty.');
  if (SQLISH.test(text) || OUT_OF_SCOPE.test(text) || COMMAND.test(text))
    return decline(
      "I can't answer that yet: I answer questions about your own calls, messages and bids over past periods.",
    );
  // "busy hours", "busiest days": the peak of traffic or the calls that got a busy signal? A guess
  // either way, so it is asked back.
  const peak = text.match(/\bbus(?:y|iest) (?:hours?|hrs?|times?|periods?|days?|weeks?|months?)\b/);
  if (peak)
    return decline(
      `I can't answer that yet: "${peak[0]}" could mean the times with the most calls or calls that got a busy signal. Ask "calls by hour of day" or "busy calls by hour".`,
      ['Calls by hour of day last week', 'Busy calls by hour last week', ...SUGGESTIONS.slice(0, 1)],
    );
  const code = ambiguousStateCode(question);
  if (code)
    return decline(
      `I can't answer that yet: "${code}" could be the state ${STATE_NAMES[code]} or an ordinary word, and I will not guess. Name the state, e.g. "calls in ${STATE_NAMES[code]} last month".`,
      [`Calls in ${STATE_NAMES[code]} last month`, ...SUGGESTIONS.slice(0, 2)],
    );
  const s = new Scanner(text);
  const prev = ctx.previous ?? null;
  const followUp = !!prev && (FOLLOW_UP.test(text) || text.trim().split(' ').length <= 4);
  const view: View = /\b(?:messages?|texts?|whatsapps?|sms|msgs?)\b/.test(text)
    ? 'messages'
    : /\b(?:bids?|pings?|rtb)\b/.test(text) ||
        // Only bids are rejected ("geo rejections this month").
        (/\b(?:rejections?|reject(?:ion)? reasons?)\b/.test(text) && !/\bcalls?\b/.test(text))
      ? 'rtb_bids'
      : followUp && !/\bcalls?\b/.test(text)
        ? prev!.view
        : 'call_logs';
  const conds: Found[] = [];

  // Periods: one, or two to compare (the later one is "current").
  const ranges: Array<Range & { pos: number }> = [];
  for (let i = 0; i < 2; i++) {
    const r = resolveDates(s.rest, ctx.now, ctx.timezone);
    if (!r) break;
    if (r.error) return decline(`I can't answer that yet: ${r.error}`);
    const pos = s.rest.indexOf(r.matched);
    ranges.push({ ...r, pos });
    s.consume(r.matched, 'period');
    s.takeBefore(pos, /\b(?:for|on|during|over)/, 'period');
  }

  // Names (agents, campaigns), longest first so "Spring Promo" wins over "Spring".
  const names: Array<[string, string]> = [
    ...ctx.agents.map((n) => ['agent_name', n] as [string, string]),
    ...ctx.campaigns.map((n) => ['campaign_name', n] as [string, string]),
  ].sort((x, y) => y[1].length - x[1].length);
  for (const [column, name] of names) {
    if (!name) continue;
    const kind = column === 'agent_name' ? 'agents?' : '(?:campaigns?|batch(?:es)?)';
    // "excluding the Renewals campaign", "Renewals excluded": the name with its exclusion, either side.
    const re = new RegExp(
      `(?:\\b${EXCLUDE} (?:the )?)?(?:\\b(?:the )?${kind} )?\\b${escapeRe(name.toLowerCase())}(?: s)?\\b(?: ${kind}\\b)?(?: (?:excluded|left out|not included)\\b)?`,
    );
    for (const m of s.takeAll(re, column === 'agent_name' ? 'agent' : 'campaign')) {
      const neg =
        new RegExp(`^\\s*${EXCLUDE}`).test(m[0]) || / (?:excluded|left out|not included)$/.test(m[0]);
      conds.push({
        cond: [{ column, op: neg ? '!=' : '=', value: name }],
        pos: m.index,
        end: m.index + m[0].length,
        name: `${neg ? 'not ' : ''}${name}`,
      });
    }
  }
  s.takeAll(/\bwith (?:a |the )?(?:call |message )?status(?: of)?\b/, 'filter');
  readPlaces(s, conds);
  const ambiguousThreshold = readThresholds(s, conds);
  if (ambiguousThreshold) return decline(ambiguousThreshold);
  let range: Range | null = ranges[0] ?? null;
  const askedPercent = !!s.take(ASKED_PERCENT, 'comparison');
  const askedDifference = !askedPercent && !!s.take(ASKED_DIFFERENCE, 'comparison');
  // "compare last month against the month before": every comparison word is read, the first kept.
  const compareWord =
    s.takeAll(COMPARE, 'comparison')[0] ??
    s.take(
      /\b(?:change|changed|growth|grew|grow|go up or down|went up or down|up or down|difference)\b/,
      'comparison',
    );
  s.takeAll(/\b(?:so far|of all time|all time|ever|to date)\b/, 'period');
  const before = s.take(
    /\b(?:the )?(?:(?:day|week|month|quarter|year) (?:before|prior)|previous (?:period|day|week|month|quarter|year)|prior period|period before)\b/,
    'comparison',
  );
  let compare: Range | null = null;
  if (ranges.length === 2 && ranges[0].start === ranges[1].start) {
    // "last week vs the previous week": the second phrase is relative to the first.
    compare = shiftBack(
      { ...ranges[0], unit: ranges[0].unit as never, count: ranges[0].count ?? 1 },
      ctx.timezone,
    );
  } else if (ranges.length === 2) {
    const [a, b] = ranges[0].start >= ranges[1].start ? ranges : [ranges[1], ranges[0]];
    range = a;
    compare = b;
  } else if (range && (before || (compareWord && followUp)) && range.unit) {
    compare = shiftBack({ ...range, unit: range.unit as never, count: range.count ?? 1 }, ctx.timezone);
  } else if (compareWord && !followUp && !hasBreakdown(s))
    return decline(
      'I can\'t answer that yet: compare which two periods? Name both, e.g. "this week vs last week".',
    );
  if (range && range.start >= ctx.now)
    return decline("I can't answer that yet: that period has not happened.");

  // Breakdown.
  const averagedText = /\b(?:average|avg|mean|on average)\b/.test(text);
  let dimension: Dimension | undefined;
  let limit: number | undefined;
  let order: 'asc' | 'desc' | undefined;
  const top = s.take(/\b(?:top|best|bottom|worst|first) (\d+|three|five|ten|two)\b/, 'order');
  if (top) {
    limit = /^\d+$/.test(top[1]) ? Number(top[1]) : NUMBER_WORDS[top[1]];
    order = /bottom|worst/.test(top[0]) ? 'asc' : 'desc';
  }
  for (const [dim, words] of DIMENSIONS) {
    // "average calls per day" is a per-unit average (measures.ts); "calls per day" a breakdown.
    const per = dim === 'day' && averagedText ? '' : 'per|';
    const by =
      s.take(new RegExp(`\\b${words} by ${words}\\b`), 'breakdown') ??
      s.take(
        new RegExp(
          `\\b(?:(?:broken down|split|grouped|segmented|break(?:ing)? (?:it |them )?down|breakdown|ranked|sorted|listed) )?(?:by|${per}for each|for every|each|every|across|across all|by each|in each|of each) (?:the |their |our |the caller s |caller s |the caller |caller |customer )?${words}(?:s|es)?(?: of the caller)?\\b${
            // "for each day of last week": "of" before a period (already read) is not "day of the week".
            dim === 'day'
              ? '(?! of\\b(?! {2,}| *$| the {2,}| (?:the )?(?:last|past|previous|prior|this|that)\\b))'
              : '(?! of\\b)'
          }`,
        ),
        'breakdown',
      ) ??
      s.take(
        new RegExp(
          `\\b${words}(?:s? breakdown| split| distribution)\\b|\\b(?:breakdown|split|distribution) of (?:the |our )?(?:call |message |bid |whatsapp message )?${words}(?:s|es)?\\b${
            // "campaign conversion rates": a category named before a rate or a count.
            isTimeGrain(dim) || dim === 'number'
              ? ''
              : `|\\b${words}(?= (?:\\w+ ){0,2}(?:rates|counts|totals)\\b)`
          }`,
        ),
        'breakdown',
      );
    const which = by
      ? null
      : s.take(
          new RegExp(
            `\\b(?:which|what|whose)(?: (?:one|of (?:the|our)))? ${words}(?:s|es)?\\b${isTimeGrain(dim) ? '' : `|\\b${words}s? (?:with|had|has|got|made|handled|brought|performed|did)\\b`}`,
          ),
          'breakdown',
        );
    if (by || which) {
      dimension = dim;
      if (which) {
        if (s.take(/\b(?:most|highest|best|top|largest|biggest|longest|greatest|more)\b/, 'order'))
          order = 'desc';
        else if (s.take(/\b(?:least|fewest|lowest|worst|smallest|shortest|less)\b/, 'order')) order = 'asc';
        // "which agent" asks for one; "which countries" for all of them, ranked.
        if (order && !limit && !/\b(?:countries|\w+[^su]s)\b/.test(which[0])) limit = 1;
      }
      break;
    }
  }
  if (!dimension && s.take(/\bhourly distribution\b/, 'breakdown')) dimension = 'hour_of_day';
  // "average daily calls" is a per-day average (measures.ts), not a breakdown by day.
  const averaged = /\b(?:average|avg|mean)\b/.test(text);
  if (!dimension)
    dimension = GRAIN_ADVERBS.find(([d, re]) => !(d === 'day' && averaged) && s.take(re, 'breakdown'))?.[0];
  // Hours within one day are hours of the day (on a DST day two instants share "01").
  if (dimension === 'hour' && range && range.end - range.start <= 25 * 3600_000) dimension = 'hour_of_day';
  if (!dimension && top) {
    const d = DIMENSIONS.find(([, w]) => s.take(new RegExp(`\\b${w}s\\b`), 'breakdown'));
    if (d) dimension = d[0];
  }
  if (dimension && !order) {
    if (s.take(/\b(?:most|highest|best|top|largest|biggest|descending)\b/, 'order')) order = 'desc';
    else if (s.take(/\b(?:least|fewest|lowest|worst|smallest|ascending)\b/, 'order')) order = 'asc';
  }

  // What to compute: one measure, or several joined by "and" / commas.
  takeListFilters(s, view, conds);
  const chunks = splitMeasures(s, view);
  const reads = chunks.map((c) => ({ c, r: readMeasure(c, view) }));
  for (const { c } of reads)
    for (const [k, v] of Object.entries(c.understood)) (s.understood[k] ??= []).push(...v);
  const unknown = [...s.unknown(), ...reads.flatMap(({ c }) => c.unknown())];
  const measures: MeasureSpec[] = [];
  const filters: Cond[] = conds.flatMap((c) => c.cond);
  let share = false;
  if (reads.length > 1) {
    const asked = coordinatedValues(reads);
    if (asked) return decline(`I can't answer that yet: ${asked}`);
    for (const { r } of reads) {
      if (!r.measure)
        return decline("I can't answer that yet: I could not tell what to measure in each part.");
      const named =
        r.measure.stat === 'count' && r.props.length
          ? keyOf(r.props.map((p) => p.name).join(' '))
          : r.measure.key;
      let key = named === 'converted' ? 'conversions' : named;
      while (measures.some((m) => m.key === key)) key = `${key}_2`;
      measures.push({
        ...r.measure,
        key,
        where: [...(r.measure.where ?? []), ...r.props.flatMap((p) => p.cond)],
      });
    }
  } else {
    const r = reads[0]?.r;
    const all = [...conds, ...(r?.props ?? [])].sort((a, b) => a.pos - b.pos);
    if (r?.rateMode && !r.measure) {
      // "X as a percentage of Y" / "X among Y": Y is the base; otherwise the last condition is asked.
      const of = text.search(
        /\b(?:as an? (?:percentage|percent|share|fraction|proportion) of|among|out of)\b/,
      );
      const before = of >= 0 ? all.filter((c) => c.pos < of) : [];
      // "voicemail share of answered calls", "answer % for calls from FL": the yes/no property written
      // just before the share word is the numerator; what follows "of"/"for" is the base. (A name or
      // place there is a heading: "Spring Promo: percentage of calls converted".)
      const shareAt = text.search(SHARE_WORDS);
      const named = r.props.find(
        (c) => c.end !== undefined && c.end <= shareAt && !text.slice(c.end, shareAt).trim(),
      );
      let numerator = named ?? (before.length ? before[before.length - 1] : all[all.length - 1]);
      const base: Cond[] = [];
      // "% of answered calls that did not convert": the share of the answered calls (the noun phrase
      // after "of") that did not convert — not the share of all calls that were answered-but-unconverted.
      const phrase = numerator?.end !== undefined ? text.slice(numerator.pos, numerator.end) : '';
      const split = phrase.match(/^\s*(answered|completed|finished) calls? (?!but\b|and\b)/);
      if (numerator && split && shareAt >= 0 && shareAt < numerator.pos) {
        base.push(...property(split[1] === 'answered' ? 'answered' : 'completed').cond);
        numerator = { cond: property('not converted').cond, pos: numerator.pos, name: 'not converted' };
      }
      if (numerator) {
        filters.length = 0;
        filters.push(...base, ...all.filter((c) => c.pos !== numerator.pos).flatMap((c) => c.cond));
        measures.push({
          key: 'percent',
          label: `share that were ${numerator.name}`,
          stat: 'rate',
          of: numerator.cond,
          unit: 'percent',
        });
      } else if (dimension) {
        share = true;
        measures.push({
          key: view === 'call_logs' ? 'calls' : view === 'messages' ? 'messages' : 'bids',
          label: 'share of the total',
          stat: 'count',
          unit: 'percent',
        });
      }
    } else if (r?.measure) {
      filters.push(...(r.props ?? []).flatMap((p) => p.cond));
      let m = r.measure;
      // An average payout over named calls ("for answered calls", "across all calls") counts the calls
      // that paid nothing too: total payout divided by those calls.
      if (
        m.field === 'payout' &&
        m.stat === 'avg' &&
        (r.props.some((p) => p.name === 'answered') || /\b(?:all|every) calls?\b/.test(text))
      )
        m = {
          ...m,
          key: 'payout_per_call',
          label: 'payout per call',
          stat: 'sum',
          per: { key: 'n', label: 'calls', stat: 'count', unit: 'count' },
        };
      measures.push(m);
    }
  }
  // Delivery and read rates are over the messages we sent.
  if (
    view === 'messages' &&
    measures.some((m) => m.stat === 'rate' && m.of?.some((c) => c.column === 'status')) &&
    !filters.some((f) => f.column === 'direction')
  )
    filters.push({ column: 'direction', op: '=', value: 'outbound' });
  if (!measures.length && followUp) measures.push(...prev!.measures);
  // "breakdown of call statuses", "status breakdown": a breakdown that names nothing to measure counts
  // the rows (of rejected bids, for rejection reasons) — unless any word of the question asked for more.
  if (
    !measures.length &&
    dimension &&
    reads.length <= 1 &&
    !reads[0]?.r.rateMode &&
    !reads[0]?.r.props.length &&
    !reads.some(({ c }) => ['statistic', 'unit', 'per', 'measure'].some((k) => c.understood[k]?.length)) &&
    (s.understood.breakdown ?? []).some((w) => /\b(?:breakdown|split|distribution)\b/.test(w))
  ) {
    measures.push({
      key: view === 'call_logs' ? 'calls' : view === 'messages' ? 'messages' : 'bids',
      label: view === 'call_logs' ? 'calls' : view === 'messages' ? 'messages' : 'RTB bids',
      stat: 'count',
      unit: 'count',
    });
    if (dimension === 'reject_reason') filters.push({ column: 'rejected', op: '=', value: 1 });
  }
  // "Per day" over a range is the day-by-day series or the average over the range, never each bucket
  // divided by the range's days: with a day breakdown it is the series; with another time breakdown
  // (weeks, hours, weekdays) the per-bucket average is not computed, so the question is declined.
  if (dimension === 'day')
    for (const [i, m] of measures.entries())
      if (m.per === 'day')
        measures[i] = {
          ...m,
          per: undefined,
          key: m.key.replace(/_per_day$/, ''),
          label: m.label.replace(/ per day$/, ''),
        };
  if (isTimeGrain(dimension) && measures.some((m) => m.per === 'day'))
    return decline(
      `I can't answer that yet: a per-day average broken down by ${dimension.replace(/_/g, ' ')} is not something I compute. Ask for the day-by-day series ("calls per day last month, day by day") or the average over the whole period ("average calls per day last month").`,
      [
        'Calls per day last month, day by day',
        'Average calls per day last month',
        ...SUGGESTIONS.slice(0, 1),
      ],
    );
  if (!measures.length)
    return unknown.length
      ? notUnderstood(unknown, null)
      : decline("I can't answer that yet: I did not recognise what to measure.");
  const query: StructuredQuery = {
    view,
    measures,
    dimension,
    filters,
    range,
    compare,
    order,
    limit,
    share,
    understood: s.understood,
  };
  if (compare) query.asked = askedPercent ? 'change_percent' : askedDifference ? 'difference' : undefined;
  if (followUp) mergeFollowUp(query, prev!, text, ctx);
  if (measures.some((m) => m.per === 'day') && !query.range)
    return decline(
      'I can\'t answer that yet: a per-day average needs a period, e.g. "calls per day last month".',
    );
  if (unknown.length) return notUnderstood(unknown, query);
  const clash = contradiction(query.filters, view);
  if (clash) return decline(`I can't answer that yet: ${clash}`);
  return { ok: true, query, notes: [] };
}

const STATE_NAMES: Record<string, string> = Object.fromEntries(
  Object.entries(US_STATES)
    .filter(([name]) => !/ state$/.test(name))
    .map(([name, code]) => [code, name.replace(/\b\w/g, (ch) => ch.toUpperCase())]),
);

/**
 * A state code that is also a word, written in capitals after a place word ("calls in IN", "from OR"):
 * returned so the question is asked back instead of answered without it. In a question written all in
 * capitals every such pair is asked back ("CALLS IN OR" may mean Oregon).
 */
function ambiguousStateCode(question: string): string | null {
  const re =
    /\b(?:in|from|for|to|across|within|of|outside|not in|not from)\s+(?:the\s+)?(?:state\s+of\s+)?([A-Z]{2})\b/gi;
  for (const m of question.matchAll(re)) {
    const code = m[1].toUpperCase();
    if ((m[1] === code || !/[a-z]/.test(question)) && AMBIGUOUS_STATE_CODES.has(code)) return code;
  }
  return null;
}

const hasBreakdown = (s: Scanner) =>
  DIMENSIONS.some(([, w]) =>
    s.has(new RegExp(`\\b(?:by|per|across|each|for each|between) (?:the |our )?${w}`)),
  );

function notUnderstood(words: string[], understood: StructuredQuery | null): Translation {
  const list = [...new Set(words)].map((w) => `"${w}"`).join(', ');
  const alt = understood ? describe(understood) : null;
  return decline(
    `I can't answer that yet: I did not understand ${list}, and I will not answer a question with part of it ignored.${alt ? ` Without it I could answer: ${alt}.` : ''}`,
    alt ? [alt, ...SUGGESTIONS.slice(0, 2)] : SUGGESTIONS,
  );
}

/** Splits what is left at "and" / commas when each side names something to measure. */
function splitMeasures(s: Scanner, view: View): Scanner[] {
  // A list of measures is separated by "and" or commas ("calls, answered calls, conversions"); it is
  // split only when every part names something to measure, so a comma before a clause stays one measure.
  // A comma alone splits only when every part is a measure by itself and none names the calls measured
  // ("among calls we answered, the conversion rate", "of the calls that were answered, what share…").
  const joiner = /\s(?:and|as well as|plus|&|along with|together with)\s/;
  const listed = s.rest.split(new RegExp(`${joiner.source}|,`));
  const parts =
    joiner.test(s.rest) ||
    listed
      .filter((p) => p.trim())
      .every(
        (p) =>
          !/^\s*(?:among|amongst|of|out of|for|from|in|within|across|over|on|with|between)\b/.test(p) &&
          readMeasure(new Scanner(` ${p.trim()} `), view).measure,
      )
      ? listed
      : s.rest.split(joiner);
  const measureLike =
    /\b(calls?|conversions?|sales|payouts?|revenue|rates?|duration|talk ?time|messages?|bids?|average|total|median|percentages|how many|how much|answered|converted|missed|voicemails?|busy|failed|delivered|read|won|rejected)\b/;
  const useful = parts.filter((p) => p.trim());
  if (useful.length > 1 && useful.every((p) => measureLike.test(p))) {
    s.rest = ' '.repeat(s.rest.length);
    return useful.map((p) => new Scanner(` ${p.trim()} `));
  }
  const whole = new Scanner(s.rest);
  s.rest = ' '.repeat(s.rest.length);
  return [whole];
}

function mergeFollowUp(q: StructuredQuery, prev: StructuredQuery, text: string, ctx: TranslateContext) {
  const own = new Set(q.filters.map((f) => f.column));
  q.filters = [...prev.filters.filter((f) => !own.has(f.column)), ...q.filters];
  if (!q.dimension && !/\b(?:overall|in total|altogether)\b/.test(text)) q.dimension = prev.dimension;
  if (!q.range && prev.range) {
    const p = prev.range;
    q.range =
      /\b(?:before|previous period|prior)\b/.test(text) && p.unit
        ? shiftBack({ ...p, unit: p.unit as never, count: p.count ?? 1 }, ctx.timezone)
        : p;
    if (q.compare && q.range === p) q.compare = null;
  }
}
