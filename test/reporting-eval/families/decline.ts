// Questions that must be declined (or asked back), never answered with a number: the data cannot say,
// or answering would ignore part of the question. Grouped by why.

export type DeclineReason =
  | 'prediction'
  | 'transcript'
  | 'text_sentiment'
  | 'unknown_dimension'
  | 'unknown_qualifier'
  | 'write'
  | 'other_tenant'
  | 'off_topic';

export interface MustDecline {
  q: string;
  why: DeclineReason;
}

const group = (why: DeclineReason, qs: string[]): MustDecline[] => qs.map((q) => ({ q, why }));

export const mustDecline: MustDecline[] = [
  ...group('prediction', [
    'How many calls will we get next week?',
    'predict conversions for next month',
    'forecast our payout for December',
    'what will our answer rate be tomorrow?',
    'how many calls should we expect on Black Friday',
    'estimate next quarter’s conversions',
    'will Ava convert more calls than Ben next week?',
    'projected call volume for 2027',
    'how many bids will we win tomorrow',
    'what is the expected payout next week',
    'when will we hit 10,000 calls?',
    'which campaign will perform best next month',
    'how many messages will be delivered next week',
  ]),
  ...group('transcript', [
    'How many calls mentioned refunds?',
    'what did customers say about pricing last week',
    'how many callers asked for a manager',
    'show me calls where the customer said cancel',
    'count calls in which the agent offered a discount',
    'what are the most common words in call transcripts',
    'how many calls talked about the competitor',
    'which calls mentioned shipping delays yesterday',
    'summarize what customers complained about this month',
    'how many times did agents say "sorry" last week',
    'how many calls were about billing',
    'what questions did customers ask most often',
    'how many customers gave their email address on the call',
  ]),
  ...group('text_sentiment', [
    'how many WhatsApp messages were angry?',
    'what share of customer replies were positive',
    'how many messages complained about delivery',
    'what did customers write back in WhatsApp last week',
    'how many replies said stop',
    'sentiment of inbound WhatsApp messages this month',
    'which messages contained a phone number',
    'how many customers thanked us by message',
    'count messages that used emojis',
    'how rude were the replies we got yesterday',
  ]),
  ...group('unknown_dimension', [
    'calls by customer age',
    'conversion rate by gender',
    'calls by weather',
    'answer rate by device type',
    'how many calls per customer income bracket',
    'calls by customer lifetime value',
    'conversions broken down by the caller’s favorite color',
    'payout by lead source website',
    'calls by accent of the caller',
    'answer rate by the moon phase',
    'calls by customer zodiac sign',
    'conversion rate by browser',
    'calls grouped by the customer’s job title',
    'messages by customer language',
    'bids by buyer credit score',
  ]),
  ...group('unknown_qualifier', [
    'How many calls did the purple team make last week?',
    'conversion rate for VIP customers this month',
    'how many calls in Klingon yesterday',
    'answer rate for calls made while it was raining',
    'average call duration for repeat customers',
    'calls by agent for the night shift last week',
    'how many calls from returning callers since January',
    'payout from premium accounts last month',
    'how many calls did the east coast office take this week',
    'longest call with a loyalty program member',
    'how many calls to enterprise customers last month',
    'median duration of calls with a callback promised',
    'how many calls did new hires handle last week',
    'conversion rate of calls that were transferred',
    'failed calls caused by carrier outages last month',
    'how many messages to customers who opted out',
    'bids won from premium publishers last week',
    'answer rate for calls with a hold music of jazz',
    'how many calls were escalated to tier 2',
    'calls from leads who visited the pricing page',
  ]),
  ...group('write', [
    'delete all calls from last week',
    'cancel every queued call',
    'set Ava to inactive',
    'mark yesterday’s calls as converted',
    'update the payout of call_123 to $100',
    'send a WhatsApp message to all customers',
    'drop the calls table',
    'remove the Winback campaign',
    'create a new agent called Eve',
    'reset the conversion count to zero',
    'start a batch calling everyone in Texas',
    'refund the payout for last month',
    'erase all messages that failed',
    'pause all RTB endpoints',
    'change our time zone to UTC',
  ]),
  ...group('other_tenant', [
    'how many calls did other accounts make last week',
    'show calls for account acct_123',
    'what is the conversion rate across all customers of callplane',
    "compare our answer rate with other companies' answer rates",
    'how many calls did Zed make',
    'total payout for every account on the platform',
    'list the agents of the other tenant',
    'how many messages did all accounts send today',
    'which account has the most calls',
    'calls made by Yara last month',
  ]),
  ...group('off_topic', [
    'what is the weather in New York today',
    'tell me a joke',
    'who won the World Series',
    'write a poem about phone calls',
    'what is the capital of France',
    'translate hello into Spanish',
  ]),
];

/** Qualifiers the model cannot know: inserted into an in-scope question, the answer must be a decline. */
export const mutations: string[] = [
  'for the purple team',
  'that mentioned refunds',
  'in Klingon',
  'from VIP customers',
  'made while it was raining',
  'on the night shift',
  'for premium accounts',
  'for customers with pets',
  'escalated to tier 2',
  'from returning callers',
  'handled by new hires',
  'with callbacks promised',
];
