// BLIND-5 must-decline questions (a number would be wrong or a guess) and unknown qualifiers for the
// mutation test (each names something no field records, so any answer with one inserted is a guess).

export interface Blind5Decline {
  q: string;
  why: string;
}

export const blind5MustDecline: Blind5Decline[] = [
  // Out of scope: why, forecasts, transcripts, sentiment of what was said, recommendations, actions.
  { q: 'why did conversions drop last week compared to the week before', why: 'why' },
  { q: 'forecast how many calls we will get next week', why: 'forecast' },
  { q: 'what will our conversion rate be next month?', why: 'forecast' },
  { q: 'pull up the transcripts of yesterdays missed calls', why: 'transcripts' },
  { q: 'what did customers complain about on calls this week', why: 'what was said' },
  { q: 'which campaign should we pause to save money', why: 'recommendation' },
  { q: 'should I hire another agent based on last months calls', why: 'recommendation' },
  { q: 'delete all the calls from last week', why: 'action, not a question' },
  // Unknown qualifiers inside otherwise in-scope questions.
  { q: 'hw many calls from our VIP accounts last wk', why: 'unknown qualifier' },
  { q: 'conversions from facebook ads this month', why: 'unknown qualifier (traffic source)' },
  { q: 'answer rate for calls that went through the IVR yesterday', why: 'unknown qualifier' },
  { q: 'calls handled by the overflow team this week', why: 'unknown qualifier' },
  { q: 'conversions from first time callers last month', why: 'unknown qualifier (repeat callers)' },
  // Ambiguous: a number would be a guess.
  { q: 'how many long calls did we have this week', why: 'unquantified long' },
  { q: 'what were our busy hours last week', why: 'busy hours: peak or busy signal' },
  { q: 'how many spanish calls yesterday', why: 'language' },
  { q: 'who was the best agent last month', why: 'best by which measure' },
  { q: 'top campaign this month?', why: 'top by which measure' },
  { q: 'calls in the last few days', why: 'vague period' },
  { q: 'how many inbound and outbound calls yesterday', why: 'each, or either?' },
  { q: 'answered calls from OR in october', why: 'state code that is also a word' },
  // Fields that do not exist.
  { q: 'avg hold time per call last week', why: 'no such field' },
  { q: 'how many calls were transferred to a human yesterday', why: 'no such field' },
  { q: 'average cost per call this month', why: 'no cost field' },
  { q: 'customer satisfaction score for last week', why: 'no such field' },
  { q: 'conversions by caller gender last month', why: 'no such field' },
  { q: 'how many calls did Zed take last week', why: "another account's agent" },
  { q: 'whats the avg queue wait yesterday', why: 'no such field' },
  // Impossible dates and backwards ranges.
  { q: 'conversions on feb 30th', why: 'impossible date' },
  { q: 'conversions between November 20 and November 10', why: 'backwards range' },
  { q: 'answered calls on april 31st', why: 'impossible date' },
  { q: 'calls on Monday november 17', why: 'wrong weekday for the date (Nov 17 is a Tuesday)' },
  // Absurd numbers: declined or 400, never 5xx.
  { q: 'answered calls in the last 88888888888 days', why: 'absurd period' },
  { q: 'conversions over the last 123456789012345 hours', why: 'absurd period' },
  { q: 'answered calls in the past 9999999999999999 weeks', why: 'absurd period' },
];

/** Unknown qualifiers of this set (none in the tuned, held-out, blind-3 or blind-4 sets). */
export const blind5Mutations = [
  'from returning customers',
  'that got escalated to a supervisor',
  'tagged as spam',
  'from the Boise call centre',
  'with recording enabled',
  'for gold tier clients',
  'routed via the IVR menu',
  'for the overnight crew',
];
