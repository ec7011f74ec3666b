// BLIND-4 must-decline questions and unknown qualifiers (see blind4-calls.ts for how it was written).
// Each must be declined (or refused with a 400), never answered with a number and never a 5xx.
import type { Blind4Decline } from './blind4-family';

export const blind4MustDecline: Blind4Decline[] = [
  // Out of scope: causes, forecasts, content of calls, advice.
  { q: 'why did the answer rate dip last week', why: 'out_of_scope' },
  { q: 'how many calls are we going to get next week?', why: 'out_of_scope' },
  { q: 'predict our conversions for December please', why: 'out_of_scope' },
  { q: 'what did customers complain about yesterday', why: 'out_of_scope' },
  { q: 'show me the transcript for the longest call of last week', why: 'out_of_scope' },
  { q: 'which agent should we hire more of', why: 'out_of_scope' },
  { q: 'how can we improve the conversion rate', why: 'out_of_scope' },
  { q: 'how many callers mentioned pricing this month', why: 'out_of_scope' },
  { q: 'was the customer angry on the last call', why: 'out_of_scope' },
  // An unknown qualifier inside an otherwise in-scope question.
  { q: 'answer rate for returning customers last week', why: 'unknown_qualifier' },
  { q: 'how many calls from leads older than 30 days yesterday', why: 'unknown_qualifier' },
  { q: 'conversions from mobile phones this month', why: 'unknown_qualifier' },
  { q: 'calls transferred to a supervisor last week', why: 'unknown_qualifier' },
  { q: 'average call duration for the weekend shift in October', why: 'unknown_qualifier' },
  { q: 'how many calls had hold time last week', why: 'unknown_qualifier' },
  { q: 'conversion rate for calls routed through IVR this month', why: 'unknown_qualifier' },
  // Ambiguous: a number would be a guess.
  { q: 'how many calls in the last few days', why: 'ambiguous' },
  { q: 'calls recently', why: 'ambiguous' },
  { q: 'what is our best campaign', why: 'ambiguous' },
  { q: 'how good was last week', why: 'ambiguous' },
  { q: 'top agent this month', why: 'ambiguous' },
  { q: 'how are calls trending', why: 'ambiguous' },
  // Fields that do not exist.
  { q: 'average hold time for last week', why: 'no_such_field' },
  { q: 'how many calls were recorded last month', why: 'no_such_field' },
  { q: 'average customer satisfaction score this month', why: 'no_such_field' },
  { q: 'total cost of calls last week', why: 'no_such_field' },
  { q: 'average wait time in queue yesterday', why: 'no_such_field' },
  { q: 'calls by customer age group last month', why: 'no_such_field' },
  // Impossible dates and backwards ranges.
  { q: 'calls on April 31', why: 'impossible_date' },
  { q: 'how many conversions on June 31st', why: 'impossible_date' },
  { q: 'calls between November 12 and November 3', why: 'impossible_date' },
  { q: 'answered calls on September 31', why: 'impossible_date' },
  // Absurd numbers: declined or a 400, never a 500.
  { q: 'calls in the last 99999999999 days pls', why: 'absurd_number' },
  { q: 'conversions over the past 1000000000000 hours', why: 'absurd_number' },
  { q: 'calls longer than 999999999999999999999 minutes', why: 'absurd_number' },
];

/** Unknown qualifiers (none of the tuned, held-out or blind-3 sets'): any phrasing with one is declined. */
export const blind4Mutations: string[] = [
  'flagged as spam',
  'on the enterprise plan',
  'with a warm transfer',
  'from the Denver office',
  'tagged as priority',
  'from the dental clinic leads',
  'booked through the website',
  'for the loyalty tier',
];
