// The words the built-in translator knows, drawn from the semantic model (model.ts). Each pattern is
// matched against what is still unread of the question; translator.ts records which slot used it.
import type { Category, Cond, TimeGrain, View } from './model';

/** Words that carry no meaning for the query (politeness, auxiliaries, articles, question words). */
/** "make"/"made" bound to calls: placing them ("calls we made", "did Ava make any calls"). */
const CALLS_AROUND_MAKE =
  '(?:(?:any|the|those|these|all|more|fewer|many|outbound|outgoing|phone|\\d+)\\s+)*calls?\\b';
export const MAKE_CALLS = new RegExp(
  `(?<=\\bcalls?\\s+(?:\\w+\\s+){0,3})(?:make|made|making|place|placing)\\b|\\b(?:make|made|making|place|placing)(?=\\s+${CALLS_AROUND_MAKE})`,
);
/** "make"/"made" NOT bound to calls: in a question about payout, earning money. */
export const MAKE_MONEY = new RegExp(
  `(?<!\\bcalls?\\s+(?:\\w+\\s+){0,3})\\b(?:make|made|making)\\b(?!\\s+${CALLS_AROUND_MAKE})`,
);
export const STOP_WORDS = new Set(
  `a an the of our we us me my i you your it its is are was were be been being do does did done have has
  had having can could would should will shall may might please pls kindly show tell give get got list display
  let know see want need like thanks thank hey hi hello ok okay so just about any there that which who whom what
  how this those these them they their as for to in on at from with by and or all total overall altogether
  number numbers count counts amount figure figures stats statistics report data value values quick quickly
  exactly currently out up ever been were doing make s whats what's how's hows also some one ones each every
  than much many come came go went take took handle handled into across within during between per happened
  happen ended end ending ends reaching reached reach reaches hitting hit hits through turned involved involve
  involving rated spend spent both single line signal signals people customers callers caller account times
  far volume breakdown break broken down distribution among whose along but counts counting taken requests
  request agents`.split(/\s+/),
);

export const SUBJECTS: Array<[View, RegExp]> = [
  ['messages', /\b(?:whatsapp |text |sms )?(?:messages?|texts?|whatsapps?|sms|msgs?)\b/],
  ['rtb_bids', /\b(?:rtb |real[- ]time )?(?:bids?|pings?|bid requests?)\b|\brtb\b/],
  ['call_logs', /\b(?:phone |voice )?(?:calls?|dials?|phone calls?)\b/],
];

export interface Property {
  name: string;
  re: RegExp;
  cond: Cond[];
  views: View[];
  /** Label when asked as a rate ("answer rate"). */
  rate?: string;
}
const eq = (column: string, value: string | number): Cond[] => [{ column, op: '=', value }];
const CALLS: View[] = ['call_logs'];

// Negated forms come first so "not answered" is never read as "answered".
export const PROPERTIES: Property[] = [
  {
    name: 'completed but not converted',
    re: /\b(?:completed|answered|finished) (?:calls? )?(?:but |that |which |and )?(?:were |did )?(?:not|never) convert(?:ed)?\b/,
    cond: [...eq('status', 'completed'), ...eq('converted', 0)],
    views: CALLS,
  },
  {
    name: 'not answered',
    re: /\b(?:unanswered|(?:did )?not (?:get |been |be )?(?:answered|answer|picked up|pick up)|never (?:got )?answered|missed|(?<=\b(?:did|do|we|you) )miss|(?:nobody|no one|no-one|noone) (?:answered|answer|picked up|pick up|picked)|not picked up|went unanswered|without (?:an )?answer)\b/,
    cond: eq('answered', 0),
    views: CALLS,
    rate: 'missed-call rate',
  },
  {
    name: 'not converted',
    re: /\b(?:(?:did )?not convert(?:ed|ing)?|never (?:converted|convert)|unconverted|non ?convert(?:ing|ed)|without (?:a )?(?:conversion|sale|converting)|no conversion|failed to convert)\b/,
    cond: eq('converted', 0),
    views: CALLS,
    rate: 'non-conversion rate',
  },
  {
    name: 'not voicemail',
    re: /\b(?:not (?:go(?:ne)? )?(?:to )?voicemail|no voicemail|excluding voicemails?|without voicemail)\b/,
    cond: eq('voicemail', 0),
    views: CALLS,
  },
  {
    name: 'no answer',
    re: /\b(?:no[- _]answer|rang out|ring(?:ing)? out)\b/,
    cond: eq('status', 'no_answer'),
    views: CALLS,
    rate: 'no-answer rate',
  },
  {
    name: 'voicemail',
    re: /\b(?:(?:went|go|gone|going|sent|dropped) (?:to|into) voicemail|(?:hit|reached|left) (?:a )?voicemails?|voicemails?|voice mails?)\b/,
    cond: eq('voicemail', 1),
    views: CALLS,
    rate: 'voicemail rate',
  },
  {
    name: 'answered',
    re: /\b(?:answered|(?:got |were |was )?picked up|answer|answering|pickup|pick ?up|connected)\b/,
    cond: eq('answered', 1),
    views: CALLS,
    rate: 'answer rate',
  },
  {
    name: 'converted',
    re: /\b(?:converted|conversions?|convert|converting|sales?|sold)\b/,
    cond: eq('converted', 1),
    views: CALLS,
    rate: 'conversion rate',
  },
  {
    name: 'busy',
    re: /\b(?:busy|(?:got |hit )?(?:a )?busy signal)\b/,
    cond: eq('status', 'busy'),
    views: CALLS,
    rate: 'busy rate',
  },
  {
    name: 'failed',
    re: /\b(?:failed|failures?|fail)\b/,
    cond: eq('status', 'failed'),
    views: ['call_logs', 'messages'],
    rate: 'failure rate',
  },
  {
    name: 'completed',
    re: /\b(?:completed|complete|successful|finished)\b/,
    cond: eq('status', 'completed'),
    views: CALLS,
    rate: 'completion rate',
  },
  {
    name: 'inbound',
    re: /\b(?:inbound|incoming|received|receive|came in|come in|coming in|(?:people|customers|callers) (?:called|call|send|sent)(?: us)?|called (?:us|in)|from customers|(?:send|sent) us|canadians called us)\b/,
    cond: eq('direction', 'inbound'),
    views: ['call_logs', 'messages'],
  },
  {
    name: 'outbound',
    // "make"/"made" is a direction only with calls ("calls we made", "make 20 calls"); "how much did we
    // make in payouts" is money (measures.ts reads it with the payout).
    re: new RegExp(
      `\\b(?:outbound|outgoing|placed|dialed|dialled|sent out|went out|go out|gone out|going out|send|sent|sending)\\b|${MAKE_CALLS.source}`,
    ),
    cond: eq('direction', 'outbound'),
    views: ['call_logs', 'messages'],
  },
  ...(['positive', 'negative', 'neutral'] as const).map((s) => ({
    name: `${s} sentiment`,
    re: new RegExp(`\\b${s}(?: sentiment)?\\b`),
    cond: eq('sentiment', s),
    views: CALLS,
  })),
  // A read message was delivered first: "delivered" counts both.
  {
    name: 'delivered',
    re: /\b(?:were |was |got |been |get )?delivered\b/,
    cond: [{ column: 'status', op: 'in', value: ['delivered', 'read'] }],
    views: ['messages'],
    rate: 'delivery rate',
  },
  {
    name: 'read',
    re: /\b(?:were |was |got |been |get )?(?:read|opened)\b/,
    cond: eq('status', 'read'),
    views: ['messages'],
    rate: 'read rate',
  },
  {
    name: 'template',
    re: /\btemplates?(?: messages?)?\b/,
    cond: eq('message_type', 'template'),
    views: ['messages'],
  },
  { name: 'answered ping', re: /\b(?:we )?answered\b/, cond: [], views: ['rtb_bids'] },
  ...(
    [
      ['geo', 'geo(?:graphy)?'],
      ['caps', 'caps?'],
      ['schedule', 'schedule|hours'],
      ['no_routes', 'no routes?'],
      ['caller_id_required', 'caller id(?: required)?|missing caller id'],
    ] as const
  ).map(([reason, words]) => ({
    name: `rejected for ${reason}`,
    re: new RegExp(
      `\\b(?:(?:rejected |rejections? )?(?:for|because of|due to|with reason|reason|over) (?:the )?)?(?:${words})(?: rejections?| rejected)?\\b`,
    ),
    cond: eq('reject_reason', reason),
    views: ['rtb_bids'] as View[],
  })),
  {
    name: 'won',
    re: /\b(?:won|winning|wins?|turned into (?:a )?calls?|became calls?|led to (?:a )?calls?)\b/,
    cond: eq('won', 1),
    views: ['rtb_bids'],
    rate: 'win rate',
  },
  {
    name: 'accepted',
    re: /\b(?:accepted|not rejected)\b/,
    cond: eq('rejected', 0),
    views: ['rtb_bids'],
    rate: 'acceptance rate',
  },
  {
    name: 'rejected',
    re: /\b(?:rejected|rejections?|reject|declined)\b/,
    cond: eq('rejected', 1),
    views: ['rtb_bids'],
    rate: 'rejection rate',
  },
];

/** "X rate" names: the property whose share is asked. */
// The negated names first: "no answer rate" is not the answer rate.
export const RATE_NAMES: Array<[string, RegExp]> = [
  [
    'not answered',
    /\b(?:miss(?:ed)?(?: call)?|unanswered|non ?answer(?:ed)?) (?:rates?|ratios?|percentages?)\b/,
  ],
  ['not converted', /\bnon ?conver(?:sion|ted|ting) (?:rates?|ratios?|percentages?)\b/],
  ['no answer', /\bno[- ]answer (?:rates?|ratios?|percentages?)\b/],
  ['answered', /\b(?:answer|pick ?up|pickup|connect(?:ion)?) (?:rates?|ratios?|percentages?)\b/],
  ['converted', /\b(?:conversion|convert|close|closing|sales?) (?:rates?|ratios?|percentages?)\b/],
  ['voicemail', /\bvoicemail (?:rates?|ratios?|percentages?)\b/],
  ['failed', /\b(?:failure|failed|fail) (?:rates?|ratios?|percentages?)\b/],
  ['busy', /\bbusy (?:rates?|ratios?|percentages?)\b/],
  ['won', /\bwin (?:rates?|ratios?|percentages?)\b/],
  ['rejected', /\breject(?:ion)? (?:rates?|ratios?|percentages?)\b/],
  ['delivered', /\bdelivery (?:rates?|ratios?|percentages?)\b/],
  ['read', /\bread (?:rates?|ratios?|percentages?)\b/],
];

export const SHARE_WORDS =
  /\bhow much of\b|\b(?:in|as an?) (?:percentages?|percent|%)\b|\b(?:what |which )?(?:percentage|percent|pct|share|proportion|fraction|ratio|%|portion) (?:of )?|\bhow often\b/;

export const DIMENSIONS: Array<[TimeGrain | Category, string]> = [
  ['weekday', '(?:day of (?:the )?week|weekday|day of week)'],
  ['hour_of_day', '(?:hour of (?:the )?day|time of day|hour of day)'],
  ['hour', 'hour'],
  ['day', '(?:day|date)'],
  ['week', 'week'],
  ['month', 'month'],
  ['agent', '(?:agent|rep|representative)'],
  ['campaign', 'campaign'],
  ['status', '(?:status|statuses|call status|call statuses|message status|message statuses)'],
  ['outcome', 'outcome'],
  ['sentiment', 'sentiment'],
  ['direction', 'direction'],
  ['area_code', 'area code'],
  ['country', '(?:country|countries)'],
  ['state', '(?:us state|state)'],
  ['number', '(?:phone number|number|line)'],
  ['reject_reason', '(?:(?:bid )?reject(?:ion)? reasons?|reasons?)'],
  ['message_type', '(?:message type|type)'],
];
export const GRAIN_ADVERBS: Array<[TimeGrain, RegExp]> = [
  ['hour', /\bhourly\b/],
  ['day', /\b(?:daily|day by day)\b/],
  ['week', /\b(?:weekly|week by week)\b/],
  ['month', /\b(?:monthly|month by month|month over month)\b/],
];

/** Full state names (longest first when matched) → the two-letter code used by the views. */
export const US_STATES: Record<string, string> = Object.fromEntries(
  '  alabama:AL, alaska:AK, arizona:AZ, arkansas:AR, california:CA, colorado:CO,  connecticut:CT, delaware:DE, florida:FL, georgia:GA, hawaii:HI, idaho:ID,  illinois:IL, indiana:IN, iowa:IA, kansas:KS, kentucky:KY, louisiana:LA, maine:ME,  maryland:MD, massachusetts:MA, michigan:MI, minnesota:MN, mississippi:MS, missouri:MO,  montana:MT, nebraska:NE, nevada:NV,new hampshire:NH,new jersey:NJ,new mexico:NM,new york state:NY,new york:NY,north carolina:NC,north dakota:ND, ohio:OH, oklahoma:OK, oregon:OR, pennsylvania:PA,rhode island:RI,south carolina:SC,south dakota:SD, tennessee:TN, texas:TX,  utah:UT, vermont:VT, virginia:VA,washington state:WA, washington:WA,west virginia:WV, wisconsin:WI, wyoming:WY,washington dc:DC,d.c.:DC'
    .split(',')
    .map((kv) => kv.trim().split(':')),
);
/**
 * Two-letter codes that are also English words or common abbreviations ("in", "or", "me", "ok", "hi",
 * "oh", "LA" for Los Angeles, "ms", "mi", "id"…): never read as a state; written in capitals after a
 * place word they are asked back (translator.ts), since ignoring them would answer a wider question.
 */
export const AMBIGUOUS_STATE_CODES = new Set(
  'AL CO DE HI ID IN LA MA MD ME MI MO MS MT NE OH OK OR PA'.split(' '),
);
/** Codes that can only mean their state ("calls in TX"), read like the state's name. */
export const STATE_CODES = [...new Set(Object.values(US_STATES))].filter(
  (c) => !AMBIGUOUS_STATE_CODES.has(c),
);

// "in French", "in Spanish" name a language, not where the number is: an adjective after "in" is not
// read as a country (it stays unplaced, so the question is declined rather than answered for France).
// An adjective that is also a language ("Spanish calls", "French callers") may mean the language
// spoken, which is no field: it names a country only before "numbers" ("Spanish numbers").
const notLanguage = '(?<!\\bin )(?<!\\bin the )';
const LANGUAGES = new Set(['english', 'french', 'spanish', 'german', 'italian', 'dutch']);
const adjective = (words: string) =>
  words
    .split('|')
    .map((w) => (LANGUAGES.has(w) ? `${w}(?= (?:phone )?numbers?\\b)` : w))
    .join('|');
export const COUNTRIES: Array<[string, RegExp]> = (
  [
    ['US', '(?:the us|usa|u\\.s\\.a?\\.?|(?:the )?united states|america)', 'american'],
    ['CA', 'canada', 'canadians?'],
    ['GB', '(?:the )?(?:uk|u\\.k\\.|united kingdom|britain|great britain|england)', 'british|english'],
    ['MX', 'mexico', 'mexican'],
    ['DE', 'germany', 'german'],
    ['FR', 'france', 'french'],
    ['ES', 'spain', 'spanish'],
    ['IT', 'italy', 'italian'],
    ['AU', 'australia', 'australian'],
    ['IN', 'india', 'indian'],
    ['BR', 'brazil', 'brazilian'],
    ['IE', 'ireland', 'irish'],
    ['NL', 'netherlands|holland', 'dutch'],
  ] as const
).map(([iso, names, adjectives]) => [
  iso,
  new RegExp(`\\b(?:${names})\\b|${notLanguage}\\b(?:${adjective(adjectives)})\\b`),
]);

export const NUMBER_WORDS: Record<string, number> = Object.fromEntries(
  'one:1,two:2,three:3,four:4,five:5,six:6,seven:7,eight:8,nine:9,ten:10,fifteen:15,twenty:20,thirty:30,forty:40,fifty:50,sixty:60,ninety:90,hundred:100,a:1,an:1,half:0.5'
    .split(',')
    .map((kv) => [kv.split(':')[0], Number(kv.split(':')[1])]),
);
