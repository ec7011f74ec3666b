// Held-out must-decline questions (see heldout-set.ts): each must be declined or asked back, never
// answered with a number — the data cannot say, or a number would ignore part of the question.
import type { DeclineReason } from './decline';

/** The tuned set's reasons, plus "cause": why-questions the data cannot answer. */
export interface HeldoutDecline {
  q: string;
  why: DeclineReason | 'cause';
}
const group = (why: HeldoutDecline['why'], qs: string[]): HeldoutDecline[] => qs.map((q) => ({ q, why }));

export const heldoutMustDecline: HeldoutDecline[] = [
  ...group('prediction', [
    'how many conversions should we expect tomorrow?',
    'project our payout for the rest of the month',
    "estimate next week's answer rate",
    'what will call volume look like on Black Friday',
    'will Ava hit 100 calls by the end of the week?',
    'expected number of calls next Monday',
    'how much payout are we on track for in December',
  ]),
  ...group('transcript', [
    'what did callers say about pricing last week?',
    'show me the transcript of the longest call',
    'how many calls mentioned a refund',
    'which customers asked for a manager yesterday',
    'list calls where the agent apologized',
    'how many callers complained about wait times this month',
    'what questions do customers ask most often',
  ]),
  ...group('cause', [
    'why did our answer rate drop last week?',
    'what caused the spike in failed calls yesterday',
    'why is Ben converting less than Ava',
    'what is driving the rise in voicemails',
    'explain why payouts fell in October',
  ]),
  ...group('unknown_qualifier', [
    'how many calls from the purple team last week',
    'conversion rate for premium customers this month',
    'calls handled by bilingual agents yesterday',
    'answer rate for calls made from the Chicago office',
    'how many VIP calls converted this month?',
    'average call duration for returning callers',
    'calls last week on rainy days',
    'payout from enterprise clients last month',
    'how many calls were made from iPhones this week',
    'answer rate during the night shift',
    'conversion rate for leads from Facebook ads',
    'average handle time for calls in Spanish',
  ]),
  ...group('unknown_dimension', [
    'calls by caller age group last month',
    'conversion rate by lead source this week',
    'break down payouts by product line',
    'answer rate broken down by phone model',
  ]),
  ...group('write', [
    'delete all calls from yesterday',
    'create a new campaign called Holiday Blast',
    'send a WhatsApp message to everyone we missed today',
    "reset Ben's password",
    'pause the Winback campaign',
  ]),
  ...group('other_tenant', [
    'how many calls did the other accounts on this platform get',
    'what is the conversion rate of our competitors',
    'show me every account’s payout this month',
  ]),
  ...group('off_topic', [
    "what's the weather in New York",
    'what is our Twilio bill this month',
    'how many employees do we have',
    'who won the World Cup in 2022',
    'what is our profit margin this month',
    'how much did we spend on ads last week',
    'write me a haiku about Mondays',
    "what's our NPS score for this week",
  ]),
];

/**
 * Held-out unknown qualifiers (none of them in the tuned set's list): inserted into every held-out
 * in-scope phrasing, each must make the question declined, never answered with the unqualified number.
 */
export const heldoutMutations: string[] = [
  'for the gold tier',
  'from repeat customers',
  'that mentioned cancellation',
  'in French',
  'during the holiday promo',
  'for the west coast team',
  'from LinkedIn leads',
  'for trainee agents',
  'on the mobile app',
  'for the Denver office',
  'excluding test calls',
  'with a callback request',
];
