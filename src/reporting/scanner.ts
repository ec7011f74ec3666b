// Reads a question while keeping account of every word: each recogniser `take`s the words it used
// (they are blanked so nothing reads them twice, and recorded under a slot), and whatever is left
// that is not a stop word is what the translator did not understand — it declines rather than ignore it.
import { NUMBERS } from './calendar';
import { STOP_WORDS } from './lexicon';

const MONTHS =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\b';

const TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

export function normalize(question: string): string {
  return ` ${question
    .toLowerCase()
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/[\u2013\u2014]/g, ' - ')
    .replace(/\bcan't\b/g, 'can not')
    .replace(/'ve\b/g, ' have')
    .replace(/\b(\d+)h\b/g, '$1 hours')
    .replace(/\bhalf an? (minute|hour)\b/g, '0.5 $1s')
    .replace(/([a-z])-([a-z])/g, '$1 $2')
    // "calls that came in last week": the "in" belongs to the direction, not to the period.
    .replace(/\b(?:came|come|coming) in\b/g, 'inbound')
    .replace(
      /\b(answer|conversion|voicemail|failure|busy|delivery|read|win|rejection) and (answer|conversion|voicemail|failure|busy|delivery|read|win|rejection) (rates|percentages)\b/g,
      '$1 $3 and $2 $3',
    )
    // Honest shorthand, spelled out: "hw many", "last wk", "conv rate", "secs", "hrs", "# of calls",
    // "> 5 min", "calls/day", "payout / call".
    .replace(/\bhw (many|much|long|often)\b/g, 'how $1')
    // "yday", "w/ a payout", "w/o", "didnt", "calls + conversions", "answer rate (%)", "twenty four hours",
    // "over last week", "the whole of last week", "lookin".
    .replace(/\b(?:yday|yest|ystrdy)\b/g, 'yesterday')
    .replace(/\bw\/o\b/g, 'without')
    .replace(/\bw\/(?= ?[a-z$\d])/g, 'with ')
    .replace(/\b(did|does|do|was|were|is|are|has|have|had|could|would|should)nt\b/g, '$1 not')
    .replace(/\bwont\b/g, 'will not')
    .replace(/\bcant\b/g, 'can not')
    .replace(/(?<=[a-z]) ?\+ ?(?=[a-z])/g, ' and ')
    .replace(/\b(rates?|ratios?|percentages?|shares?) ?\( ?(?:%|percent|pct) ?\)/g, '$1')
    .replace(
      /\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[ -](one|two|three|four|five|six|seven|eight|nine)\b/g,
      (_m, tens: string, ones: string) => String(TENS[tens] + NUMBERS[ones]),
    )
    .replace(/\bover (?=(?:last|this|previous|prior)\b)/g, 'during ')
    .replace(/\b(?:the )?(?:whole|entire|full) (?:of )?(?=(?:the )?(?:last|this|previous|prior|past)\b)/g, '')
    .replace(/\b(look|trend|do|go|com|perform)in\b/g, '$1ing')
    .replace(/\b(?:looking|look|looks) like\b/g, ' ')
    // "conversions where payout was over $30": "where" introducing a threshold on the call's own figure.
    .replace(
      /\b(?:where|in which|for which)(?= (?:the )?(?:payouts?|durations?|call lasted|talk time)\b)/g,
      'with',
    )
    .replace(/\bwk(s?)\b/g, 'week$1')
    .replace(/\bconv(?= (?:rates?|%|percent(?:age)?s?)\b)/g, 'conversion')
    .replace(/\bconvs\b/g, 'conversions')
    .replace(/(\d)(secs?|mins?|hrs?)\b/g, '$1 $2')
    .replace(/\bsecs?\b/g, 'seconds')
    .replace(/\bhrs\b/g, 'hours')
    .replace(/\bhr\b/g, 'hour')
    .replace(/#(?= ?(?:of )?[a-z])/g, ' number ')
    .replace(/>=|≥/g, ' at least ')
    .replace(/<=|≤/g, ' at most ')
    .replace(/>(?= ?[$\d])/g, ' more than ')
    .replace(/<(?= ?[$\d])/g, ' less than ')
    .replace(/([a-z]) ?\/ ?(day|hour|call|conversion|sale|week|month|agent|campaign)\b/g, '$1 per $2')
    // "yesterdays total", "last weeks calls", "this mornings count": a possessive without its apostrophe.
    .replace(
      /(?<!\bthe )\b(yesterday|today|(?:this|last|previous) (?:week|month|quarter|year|morning|afternoon|evening))s\b/g,
      '$1 s',
    )
    .replace(/\bwon't\b/g, 'will not')
    .replace(/n't\b/g, ' not')
    .replace(/'s\b/g, ' s')
    .replace(/(\d)\s*%/g, '$1 percent')
    .replace(/%/g, ' percent ')
    // A unit in brackets after a measure ("duration (min)") names the unit, not the minimum.
    .replace(/\( ?(mins?|minutes|secs?|seconds|hrs?|hours) ?\)/g, ' in $1 ')
    .replace(/[?!;"“”()]+/g, ' ')
    .replace(/,/g, ' , ')
    // Day-first dates ("1 March", "the 1st to the 15th of March") read month-first.
    .replace(
      new RegExp(`\\bthe (\\d{1,2})(?:st|nd|rd|th)? to the (\\d{1,2})(?:st|nd|rd|th)? of ${MONTHS}`, 'g'),
      '$3 $1 to $3 $2',
    )
    .replace(new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)? (?:of )?${MONTHS}`, 'g'), '$2 $1')
    // "Nov 2-8", "Mar 7-9": a range of days in one month.
    .replace(new RegExp(`\\b${MONTHS} (\\d{1,2})-(\\d{1,2})\\b`, 'g'), '$1 $2 - $3')
    .replace(/[.:](\s|$)/g, ' $1')
    .replace(/\s+/g, ' ')
    .trim()} `;
}

export class Scanner {
  rest: string;
  readonly understood: Record<string, string[]> = {};
  constructor(readonly text: string) {
    this.rest = text;
  }
  /** Whether `re` matches the words not yet used (nothing is consumed). */
  has(re: RegExp): boolean {
    return re.test(this.rest);
  }
  /** Consumes the first match of `re` for `slot`; returns it with its position in the question. */
  take(re: RegExp, slot: string): (RegExpMatchArray & { index: number }) | null {
    const m = this.rest.match(re);
    if (!m || m.index === undefined || !m[0].trim()) return null;
    this.rest =
      this.rest.slice(0, m.index) + ' '.repeat(m[0].length) + this.rest.slice(m.index + m[0].length);
    (this.understood[slot] ??= []).push(m[0].trim());
    return m as RegExpMatchArray & { index: number };
  }
  /** Consumes every match of `re`. */
  takeAll(re: RegExp, slot: string) {
    const out: Array<RegExpMatchArray & { index: number }> = [];
    for (let m = this.take(re, slot); m; m = this.take(re, slot)) out.push(m);
    return out;
  }
  /**
   * Consumes `re` where it ends one space before `pos` (a preposition of a phrase already read: "for" in
   * "for yesterday: calls, answered calls"), so it is not left to read as the start of a clause.
   */
  takeBefore(pos: number, re: RegExp, slot: string) {
    const m = this.rest.slice(0, pos).match(new RegExp(`(?:${re.source}) $`));
    if (!m || m.index === undefined) return null;
    this.rest =
      this.rest.slice(0, m.index) + ' '.repeat(m[0].length) + this.rest.slice(m.index + m[0].length);
    (this.understood[slot] ??= []).push(m[0].trim());
    return m;
  }
  /** Marks a phrase found by another reader (the date resolver) as used. */
  consume(phrase: string, slot: string) {
    const i = this.rest.indexOf(phrase);
    if (i < 0) return false;
    this.rest = this.rest.slice(0, i) + ' '.repeat(phrase.length) + this.rest.slice(i + phrase.length);
    (this.understood[slot] ??= []).push(phrase);
    return true;
  }
  /** Content words nobody used. */
  unknown(): string[] {
    return this.rest
      .split(/\s+/)
      .map((w) => w.replace(/^[-'$,]+|[-',]+$/g, ''))
      .filter((w) => w && !STOP_WORDS.has(w));
  }
}
