// The "what to compute" part of a question: a count, a rate/share of a yes/no property, a statistic of
// duration or payout (total, average, extremes, median, percentiles) and per-unit averages, in the unit
// asked. Reads one chunk of the question ("calls", "answer rate", "median talk time in minutes").
import { MAKE_MONEY, PROPERTIES, RATE_NAMES, SHARE_WORDS, SUBJECTS } from './lexicon';
import type { Cond, MeasureSpec, Stat, Unit, View } from './model';
import type { Scanner } from './scanner';

export interface Found {
  cond: Cond[];
  pos: number;
  /** Where the words read end (a share's numerator is the property written just before "share"). */
  end?: number;
  name: string;
}
export interface MeasureRead {
  measure: MeasureSpec | null;
  /** Yes/no properties read in the chunk, in question order. */
  props: Found[];
  rateMode: boolean;
  noun: boolean;
}

const STATS: Array<[Stat, RegExp]> = [
  ['median', /\b(?:median|middle)\b/],
  ['percentile', /\b(?:(\d{1,2})(?:st|nd|rd|th)? percentile|p(\d{2})|(upper|lower) quartile)\b/],
  ['avg', /\b(?:average|avg|mean|typical|on average)\b/],
  ['sum', /\b(?:total|sum|combined|cumulative|in total|all together|altogether)\b/],
  ['max', /\b(?:longest|maximum|max|highest|biggest|largest|most|top)\b/],
  ['min', /\b(?:shortest|minimum|min|lowest|smallest|least|quickest|briefest)\b/],
];
// Bare "long"/"short" ("how many calls were long") is not here: unquantified it is a guess, so it
// stays unread and the question is declined; "5 minutes long" is read with its threshold.
const DURATION =
  /\b(?:(?:call |talk |talking |conversation )?(?:durations?|lengths?)|talk ?time|talking time|time (?:spent )?(?:on (?:the )?(?:phone|calls?)|talking)|on the phone|call time|talk|talked|talking|airtime|how long|how short|lasted|last|lasting)\b/;
const DURATION_UNIT =
  /\b(?:in|as|into) (seconds|secs?|minutes|mins?|hours|hrs?)\b|\b(seconds|minutes|hours)\b/;
const PAYOUT =
  /\b(?:payouts?|revenue|earnings|earned|earn|income|money|paid out|pay out|paid|pays?|payments?|bring in|brought in|dollars?|usd|(?:make|made|making) money)\b/;
const PER =
  /\b(?:per|for each|on each|every|each|for an?|on an?|divided by(?: the)?(?: number of| total)?)(?: single| one)? (answered call|converted call|conversion|sale|call|day)s?\b|\b(?:average daily|daily average|mean daily|on an average day|a day|each day on average|daily)\b/;

const UNIT_OF: Record<string, Unit> = { s: 'seconds', m: 'minutes', h: 'hours' };

export function readMeasure(s: Scanner, view: View): MeasureRead {
  let rateOf: Found | null = null;
  for (const [prop, re] of RATE_NAMES) {
    const m = s.take(re, 'measure');
    if (m) {
      const p = PROPERTIES.find((x) => x.name === prop)!;
      rateOf = { cond: p.cond, pos: m.index, name: p.rate ?? `${prop} rate` };
    }
  }
  const rateMode = !!rateOf || s.takeAll(SHARE_WORDS, 'measure').length > 0;
  const unitM = s.take(DURATION_UNIT, 'unit');
  let stat: Stat | undefined;
  let p: number | undefined;
  for (const [st, re] of STATS) {
    // A second, different statistic ("90th percentile … min") is left unread, so the question is declined
    // rather than answered with one of the two.
    // "typical (median)" names the median: "typical" alone would be the average.
    if (stat === 'median' && st === 'avg') s.take(/\btypical\b/, 'statistic');
    if (stat && st !== stat && s.has(re)) continue;
    const m = s.take(re, 'statistic');
    if (m && !stat) {
      stat = st;
      if (st === 'percentile') p = m[3] ? (m[3] === 'upper' ? 75 : 25) : Number(m[1] ?? m[2]);
    }
  }
  const perM = s.take(PER, 'per');
  const impliedLength =
    /\b(?:longest|shortest|quickest|briefest)\b/.test(s.text) && (stat === 'max' || stat === 'min');
  // "how many minutes…", "hours of calls": an amount of time; "… in minutes" only names the unit.
  const amountOfTime = !!unitM && !!unitM[2];
  const hasDuration = s.takeAll(DURATION, 'measure').length > 0 || impliedLength || amountOfTime;
  const hasPayout = s.takeAll(PAYOUT, 'measure').length > 0;
  // "how much did we make in payouts": the verb of earning, not of placing calls.
  if (hasPayout) s.takeAll(MAKE_MONEY, 'measure');
  // "count of conversions where payout was over $30": read before the properties take "conversions".
  const countOf = /\b(?:count|number) of\s+(?:\w+\s+){0,2}(?:calls|bids|messages|conversions|sales)\b/.test(
    s.rest,
  );
  const props: Found[] = [];
  for (const prop of PROPERTIES) {
    if (!prop.views.includes(view)) continue;
    for (const m of s.takeAll(prop.re, 'filter'))
      props.push({ cond: prop.cond, pos: m.index, end: m.index + m[0].length, name: prop.name });
  }
  props.sort((a, b) => a.pos - b.pos);
  let noun = false;
  // "How many calls paid over $30": counting calls wins over the money words of a threshold (read
  // from what is left, so "payout divided by the number of calls" stays a payout).
  const counting =
    !/\bhow many\s+(?:minutes|hours|seconds|dollars)\b/.test(s.text) &&
    (countOf ||
      /\bhow many\b(?:\s+\w+){0,3}\s+(?:calls|bids|messages)\b/.test(s.rest) ||
      /\bhow many\b/.test(s.rest));
  for (const [v, re] of SUBJECTS) if (v === view && s.takeAll(re, 'subject').length) noun = true;
  const conversionsNoun =
    props.some((x) => x.name === 'converted') && /\b(?:conversions?|sales)\b/.test(s.text);

  const unit = (u: Unit) => u;
  const durUnit: Unit = unitM ? UNIT_OF[(unitM[1] ?? unitM[2])[0]] : 'seconds';
  let measure: MeasureSpec | null = null;
  if (rateOf) {
    measure = { key: keyOf(rateOf.name), label: rateOf.name, stat: 'rate', of: rateOf.cond, unit: 'percent' };
  } else if (rateMode) {
    measure = null; // the translator picks the numerator from every condition read
  } else if (hasDuration && !hasPayout && !(counting && !stat)) {
    const st =
      stat ??
      (/\btalk|time (?:spent )?on|on the phone|call time|airtime\b/.test(s.text) || amountOfTime
        ? 'sum'
        : 'avg');
    measure =
      stat === 'percentile' || st === 'median'
        ? {
            key: `${st === 'median' ? 'median' : `p${p}`}_duration`,
            label: `${st === 'median' ? 'median' : `${p}th percentile`} call duration`,
            stat: st,
            p,
            field: 'duration',
            unit: unit(durUnit),
          }
        : {
            key: `${st}_duration`,
            label: `${DUR_LABEL[st]} call duration`,
            stat: st,
            field: 'duration',
            unit: durUnit,
          };
  } else if (hasPayout && !hasDuration && !(counting && !stat)) {
    const st = stat ?? 'sum';
    measure = {
      key: `${st === 'percentile' ? `p${p}` : st}_payout`,
      label: `${st === 'percentile' ? `${p}th percentile` : PAY_LABEL[st]} payout`,
      stat: st,
      p,
      field: 'payout',
      unit: 'usd',
    };
  } else if (
    (counting || (!hasPayout && !hasDuration)) &&
    (noun || conversionsNoun || props.length) &&
    (!stat || stat === 'sum' || (stat === 'avg' && perM))
  ) {
    measure = {
      key:
        view === 'call_logs'
          ? conversionsNoun && !noun
            ? 'conversions'
            : 'calls'
          : view === 'messages'
            ? 'messages'
            : 'bids',
      label: view === 'call_logs' ? 'calls' : view === 'messages' ? 'messages' : 'RTB bids',
      stat: 'count',
      unit: 'count',
    };
  }
  if (measure && perM && ['min', 'max', 'median', 'percentile'].includes(measure.stat)) {
    // "the largest payout on a converted call": a condition, not a division.
    const what = perM[1] ?? '';
    const cond = what === 'answered call' ? 'answered' : /conver|sale/.test(what) ? 'converted' : null;
    if (cond)
      props.push({ cond: PROPERTIES.find((x) => x.name === cond)!.cond, pos: perM.index, name: cond });
  } else if (measure && perM) {
    const what = perM[1] ?? 'day';
    if (what === 'day')
      measure = { ...measure, key: `${measure.key}_per_day`, label: `${measure.label} per day`, per: 'day' };
    else {
      const where =
        what === 'answered call'
          ? PROPERTIES.find((x) => x.name === 'answered')!.cond
          : what === 'call'
            ? undefined
            : PROPERTIES.find((x) => x.name === 'converted')!.cond;
      if (measure.stat === 'avg') measure = { ...measure, stat: 'sum' };
      measure = {
        ...measure,
        key: `${measure.key.replace(/^(sum|avg)_/, '')}_per_${what.replace(' ', '_')}`,
        label: `${measure.label.replace(/^(total|average) /, '')} per ${what}`,
        per: { key: 'n', label: `${what}s`, stat: 'count', where, unit: 'count' },
      };
    }
  }
  return { measure, props, rateMode, noun };
}

const DUR_LABEL: Partial<Record<Stat, string>> = {
  avg: 'average',
  sum: 'total',
  max: 'longest',
  min: 'shortest',
};
const PAY_LABEL: Partial<Record<Stat, string>> = {
  avg: 'average',
  sum: 'total',
  max: 'highest',
  min: 'lowest',
  median: 'median',
};
export const keyOf = (label: string) =>
  label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
