// Conditions read from a question: places (US state, country, area code of the other party's number)
// and thresholds (duration longer/shorter than N seconds/minutes/hours, payout above $N).
import { COUNTRIES, NUMBER_WORDS, STATE_CODES, US_STATES } from './lexicon';
import type { Found } from './measures';
import type { Scanner } from './scanner';

const NUMBER_ALT = Object.keys(NUMBER_WORDS)
  .filter((w) => w.length > 2)
  .join('|');
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function readPlaces(s: Scanner, conds: Found[]) {
  const cc = s.take(/\b(?:with |from )?\+(\d{1,3}) (?:phone )?numbers?\b/, 'place');
  const byCode: Record<string, string> = {
    '1': 'US',
    '44': 'GB',
    '49': 'DE',
    '52': 'MX',
    '61': 'AU',
    '33': 'FR',
    '34': 'ES',
    '39': 'IT',
    '91': 'IN',
    '55': 'BR',
    '353': 'IE',
    '31': 'NL',
  };
  if (cc && byCode[cc[1]])
    conds.push({
      cond: [{ column: 'country', op: '=', value: byCode[cc[1]] }],
      pos: cc.index,
      end: cc.index + cc[0].length,
      name: `+${cc[1]} numbers`,
    });
  const acNumbers = s.take(/\b(?:with |from )?(\d{3}) (?:phone )?numbers?\b/, 'place');
  if (acNumbers)
    conds.push({
      cond: [{ column: 'area_code', op: '=', value: acNumbers[1] }],
      pos: acNumbers.index,
      end: acNumbers.index + acNumbers[0].length,
      name: `area code ${acNumbers[1]}`,
    });
  const ac = s.take(
    /\b(?:(?:from |in |with )?(?:the )?(?:area code|area-code) \+?1?-?(\d{3})|(\d{3}) area code|(?:area code|area-code) (\d{3}))\b/,
    'place',
  );
  if (ac)
    conds.push({
      cond: [{ column: 'area_code', op: '=', value: ac[1] ?? ac[2] ?? ac[3] }],
      pos: ac.index,
      end: ac.index + ac[0].length,
      name: `area code ${ac[1] ?? ac[2] ?? ac[3]}`,
    });
  const names = Object.keys(US_STATES).sort((a, b) => b.length - a.length);
  for (const n of names) {
    const m = s.take(
      new RegExp(`\\b(?:(?:outside|not from|not in) )?(?:the )?(?:state of )?${escapeRe(n)}(?: state)?\\b`),
      'place',
    );
    if (m)
      conds.push({
        cond: [{ column: 'state', op: /outside|not/.test(m[0]) ? '!=' : '=', value: US_STATES[n] }],
        pos: m.index,
        end: m.index + m[0].length,
        name: n,
      });
  }
  // Bare codes ("calls in TX", "NY numbers"), only those that are no English word (lexicon.ts).
  const codes = new RegExp(
    `\\b(?:(?:outside|not from|not in) )?(?:the )?(?:state of )?(${STATE_CODES.map((c) => c.toLowerCase()).join('|')})(?: state)?\\b`,
  );
  for (const m of s.takeAll(codes, 'place'))
    conds.push({
      cond: [{ column: 'state', op: /outside|not/.test(m[0]) ? '!=' : '=', value: m[1].toUpperCase() }],
      pos: m.index,
      end: m.index + m[0].length,
      name: m[1].toUpperCase(),
    });
  // "international calls outside the US": two names for one condition, both read.
  const INTL =
    /\b(?:international|non us|foreign|(?:countries |a country )?(?:outside (?:of )?|other than |not in |not from )(?:the us|the usa|the united states|america))\b/;
  const intl = s.take(INTL, 'place');
  if (intl) s.takeAll(INTL, 'place');
  if (intl)
    conds.push({
      cond: [{ column: 'country', op: '!=', value: 'US' }],
      pos: intl.index,
      end: intl.index + intl[0].length,
      name: 'outside the US',
    });
  for (const [iso, re] of COUNTRIES) {
    const m = s.take(re, 'place');
    if (m)
      conds.push({
        cond: [{ column: 'country', op: '=', value: iso }],
        pos: m.index,
        end: m.index + m[0].length,
        name: iso,
      });
  }
}

// "past" after "the" or "in" names a period ("in the past 1000000000000 hours", declined when absurd), not
// a threshold.
const OPS: Array<[string, '>' | '>=' | '<' | '<=']> = [
  ['at least|no less than|minimum of|or more', '>='],
  ['at most|no more than|or less|maximum of', '<='],
  [
    'longer|more|greater|over|above|exceeding|exceeded|exceeds|beyond|bigger|higher|larger|(?<!\\b(?:the|in|during|over|for) )past',
    '>',
  ],
  ['shorter|less|under|below|fewer|lower|smaller', '<'],
];
/**
 * Reads duration and payout thresholds; returns why the question is declined when a payout threshold
 * is written "per call" ("total payout from calls paying more than $30 per call"): whether "per call"
 * bounds each call or divides the total is a guess.
 */
export function readThresholds(s: Scanner, conds: Found[]): string | null {
  for (const [words, op] of OPS) {
    const dur = s.take(
      new RegExp(
        `\\b(?:(?:that |which )?(?:lasted|lasting|last|went|ran|were|was|with (?:a )?duration(?: of)?) )?(?:${words})(?: than)? (\\d+(?:\\.\\d+)?|${NUMBER_ALT})(?:(?: |-)?(seconds?|secs?|minutes?|mins?|hours?|hrs?)|(s|m|h))\\b(?: long\\b)?`,
      ),
      'threshold',
    );
    if (dur) {
      const n = /^\d/.test(dur[1]) ? Number(dur[1]) : NUMBER_WORDS[dur[1]];
      if (n === undefined) continue;
      const unit = dur[2] ?? dur[3];
      const mult = unit[0] === 'h' ? 3600 : unit[0] === 'm' ? 60 : 1;
      conds.push({
        cond: [{ column: 'duration', op, value: n * mult }],
        pos: dur.index,
        end: dur.index + dur[0].length,
        name: `${op} ${n} ${unit}`,
      });
    }
    const pay = s.take(
      new RegExp(
        `\\b(?:(?:with |that |which )?(?:a )?(?:payouts?|paying|paid|worth|earning|value)(?: of)? )?(?:${words})(?: than)? (?:\\$ ?(\\d+(?:\\.\\d+)?)|(\\d+(?:\\.\\d+)?) ?(?:dollars|usd|\\$))(?: (?:in )?payouts?)?\\b(?! (?:per|a|each|for each|on each) (?:single )?(?:call|conversion|sale)\\b)`,
      ),
      'threshold',
    );
    if (
      !pay &&
      new RegExp(
        `\\b(?:${words})(?: than)? \\$ ?\\d+(?:\\.\\d+)? (?:per|a|each|for each|on each) (?:single )?(?:call|conversion|sale)\\b`,
      ).test(s.rest)
    )
      return `I can't answer that yet: with a payout threshold written "per call", I can't tell whether each call's payout is bounded or the total is divided by calls. Ask for "total payout from calls with a payout over $N" or "payout per call".`;
    if (pay) {
      const v = Number(pay[1] ?? pay[2]);
      conds.push({
        cond: [{ column: 'payout', op, value: v }],
        pos: pay.index,
        end: pay.index + pay[0].length,
        name: `payout ${op} $${v}`,
      });
    }
  }
  return null;
}
