// The fixed history the Reporting AI evaluation set is asked about, built in memory from a seeded PRNG
// (no D1, no project code) so the oracles in questions.ts compute expected values in plain TypeScript;
// test/helpers/reporting-data.ts writes the same rows into D1 with seedEvalDataset().
import { type Ctx, addDays, dayStart, local, zoned } from './time';

export const EVAL_NOW = Date.parse('2026-11-18T15:00:00Z'); // Wednesday 10:00 in New York, EST (-5)
export const EVAL_TZ = 'America/New_York';
export const EVAL_CTX: Ctx = { now: EVAL_NOW, tz: EVAL_TZ };
/** The history starts here (local day); the DST changes 2026-03-08 and 2026-11-01 fall inside it. */
export const HISTORY_START: [number, number, number] = [2025, 10, 14];

export const AGENTS = ['Ava', 'Ben', 'Cleo', 'Dev'];
export const CAMPAIGNS = ['Spring Promo', 'Winback', 'Renewals'];
/** rtb_endpoints.campaign_name of the two RTB endpoints (bids group by these). */
export const BID_CAMPAIGNS = ['Medicare Leads', 'Auto Insurance'];
export const REJECT_REASONS = ['no_routes', 'schedule', 'geo', 'caps', 'caller_id_required'];
/** Our own numbers (the business side of every call); the place of a call is the customer's number. */
export const BUSINESS_NUMBERS = ['+16465550100', '+16465550101'];

/** North American area codes used, with country and US state / Canadian province. */
export const AREA_CODES: Record<string, { country: 'US' | 'CA'; state: string }> = {
  '212': { country: 'US', state: 'NY' },
  '415': { country: 'US', state: 'CA' },
  '310': { country: 'US', state: 'CA' },
  '305': { country: 'US', state: 'FL' },
  '512': { country: 'US', state: 'TX' },
  '713': { country: 'US', state: 'TX' },
  '312': { country: 'US', state: 'IL' },
  '206': { country: 'US', state: 'WA' },
  '617': { country: 'US', state: 'MA' },
  '416': { country: 'CA', state: 'ON' },
  '604': { country: 'CA', state: 'BC' },
};
/** Non-NANP customer numbers: E.164 prefix → ISO 3166 country. */
export const FOREIGN_PREFIXES: Record<string, string> = {
  '+44': 'GB',
  '+49': 'DE',
  '+52': 'MX',
  '+61': 'AU',
};

export interface EvalCall {
  id: string;
  agent: string;
  /** The batch (campaign) name, or null for calls outside any batch (the view says 'none'). */
  campaign: string | null;
  direction: 'inbound' | 'outbound';
  status: 'completed' | 'no_answer' | 'busy' | 'failed' | 'canceled';
  /** answered ⇔ status completed (answered_at is set); voicemail calls are answered with outcome voicemail. */
  answered: boolean;
  outcome: 'completed' | 'voicemail' | null;
  sentiment: 'positive' | 'neutral' | 'negative' | null;
  /** Seconds; 0 when not answered (the column is NULL then). */
  duration: number;
  converted: boolean;
  /** Dollars; 0 unless converted. */
  payout: number;
  created_at: number;
  /** The customer's number: from_number of an inbound call, to_number of an outbound one. */
  customer: string;
  business: string;
}
export interface EvalMessage {
  id: string;
  agent: string;
  direction: 'inbound' | 'outbound';
  /** Outbound: sent | delivered | read | failed; inbound: received. */
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'received';
  type: 'text' | 'template';
  contact: string;
  created_at: number;
}
export interface EvalBid {
  id: string;
  campaign: string;
  state: string;
  zip: string;
  publisher: string;
  eligible: number;
  /** Dollars offered; null when rejected. */
  payout: number | null;
  reject_reason: string | null;
  /** A call followed the bid (rtb_bids.call_id is set). */
  won: boolean;
  created_at: number;
}
export interface History {
  calls: EvalCall[];
  messages: EvalMessage[];
  bids: EvalBid[];
}
export interface Dataset extends History {
  /** Another account's history (different agents): never part of any answer about this account. */
  other: History;
}

/** The project's test LCG: the same seed gives the same rows everywhere. */
export function prng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
}

const STATE_ZIPS: Record<string, string> = {
  CA: '94105',
  TX: '73301',
  FL: '33101',
  NY: '10001',
  IL: '60601',
  GA: '30301',
};

function generate(seed: number, agents: string[], prefix: string, scale: number): History {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const chance = (p: number) => rand() < p;
  const tz = EVAL_TZ;
  const now = Math.floor(EVAL_NOW / 1000);
  const customer = () => {
    const n = String(Math.floor(rand() * 10000)).padStart(4, '0');
    if (chance(0.12)) {
      const p = pick(Object.keys(FOREIGN_PREFIXES));
      return {
        '+44': `+4420794600${n.slice(2)}`,
        '+49': `+4930123${n}`,
        '+52': `+5255123${n}`,
        '+61': `+612555${n}`,
      }[p]!;
    }
    return `+1${pick(Object.keys(AREA_CODES))}555${n}`;
  };
  const calls: EvalCall[] = [];
  const messages: EvalMessage[] = [];
  const bids: EvalBid[] = [];
  const addCall = (created_at: number) => {
    const direction = chance(0.4) ? 'inbound' : 'outbound';
    const status = pick([
      'completed',
      'completed',
      'completed',
      'completed',
      'no_answer',
      'busy',
      'failed',
      'canceled',
    ] as const);
    const answered = status === 'completed';
    const voicemail = answered && chance(0.15);
    let duration = !answered
      ? 0
      : voicemail
        ? 12 + Math.floor(rand() * 50)
        : 8 + Math.floor(rand() ** 2 * 1500);
    if (duration && duration % 30 === 0) duration += 7; // no call sits exactly on a threshold asked about
    const converted = answered && !voicemail && chance(0.3);
    calls.push({
      id: `${prefix}_call_${String(calls.length).padStart(5, '0')}`,
      agent: pick(agents),
      campaign: direction === 'outbound' && chance(0.7) ? pick(CAMPAIGNS) : null,
      direction,
      status,
      answered,
      outcome: answered ? (voicemail ? 'voicemail' : 'completed') : null,
      sentiment: answered ? pick(['positive', 'neutral', 'negative'] as const) : null,
      duration,
      converted,
      payout: converted ? pick([12, 18, 25.5, 37.5, 45, 60]) : 0,
      created_at,
      customer: customer(),
      business: pick(BUSINESS_NUMBERS),
    });
  };
  const addMessage = (created_at: number) => {
    const direction = chance(0.25) ? 'inbound' : 'outbound';
    messages.push({
      id: `${prefix}_msg_${String(messages.length).padStart(5, '0')}`,
      agent: pick(agents),
      direction,
      status:
        direction === 'inbound'
          ? 'received'
          : pick(['sent', 'delivered', 'delivered', 'read', 'read', 'read', 'failed']),
      type: direction === 'outbound' && chance(0.4) ? 'template' : 'text',
      contact: customer(),
      created_at,
    });
  };
  const addBid = (created_at: number) => {
    const accepted = chance(0.6);
    const state = pick(Object.keys(STATE_ZIPS));
    bids.push({
      id: `${prefix}_bid_${String(bids.length).padStart(5, '0')}`,
      campaign: pick(BID_CAMPAIGNS),
      state,
      zip: STATE_ZIPS[state],
      publisher: pick(['pub_1', 'pub_2', 'pub_3', 'pub_4']),
      eligible: accepted ? 1 + Math.floor(rand() * 3) : 0,
      payout: accepted ? pick([8, 12.5, 20, 35]) : null,
      reject_reason: accepted ? null : pick([...REJECT_REASONS, 'geo', 'caps']),
      won: accepted && chance(0.55),
      created_at,
    });
  };
  // Day by day in the account's zone (23- and 25-hour days included), denser over the last three weeks.
  let [y, m, d] = HISTORY_START;
  for (;;) {
    const start = dayStart(y, m, d, tz);
    if (start >= now) break;
    const [y2, m2, d2] = addDays(y, m, d, 1);
    const end = Math.min(dayStart(y2, m2, d2, tz), now);
    const recent = now - start < 21 * 86400;
    const at = () => start + Math.floor(rand() * (end - start));
    const n = Math.round(scale * ((recent ? 18 : 3) + rand() * 4));
    for (let i = 0; i < n; i++) addCall(at());
    for (let i = 0; i < Math.round(scale * (recent ? 8 : 2) * rand() + 0.5); i++) addMessage(at());
    for (let i = 0; i < Math.round(scale * (recent ? 10 : 2) * rand() + 0.5); i++) addBid(at());
    // Calls just after local midnight and just before the next one: a fixed UTC offset puts them on
    // the wrong day across a DST change.
    const l = local(start, tz);
    if ((l.m === 10 && l.d >= 29) || (l.m === 11 && l.d <= 4) || (l.m === 3 && l.d >= 5 && l.d <= 11)) {
      addCall(zoned(y, m, d, 0, 20, tz));
      addCall(zoned(y, m, d, 23, 40, tz));
      addCall(zoned(y, m, d, 3, 10, tz));
    }
    [y, m, d] = [y2, m2, d2];
  }
  // A few in the last hour, so "the last hour" is never empty.
  for (const ago of [300, 1500, 2900]) addCall(now - ago);
  for (const x of [calls, messages, bids]) x.sort((a, b) => a.created_at - b.created_at);
  return { calls, messages, bids };
}

let cached: Dataset | undefined;
/** The dataset (deterministic: same rows on every call and every machine). */
export function evalDataset(): Dataset {
  cached ??= { ...generate(14, AGENTS, 'ev', 1), other: generate(41, ['Zed', 'Yara'], 'evx', 0.3) };
  return cached;
}

/** ISO country of a customer number. */
export function countryOf(n: string): string | null {
  if (n.startsWith('+1')) return AREA_CODES[n.slice(2, 5)]?.country ?? null;
  return FOREIGN_PREFIXES[n.slice(0, 3)] ?? null;
}
/** US state (or Canadian province) of a North American number. */
export const stateOf = (n: string) =>
  n.startsWith('+1') ? (AREA_CODES[n.slice(2, 5)]?.state ?? null) : null;
export const areaCodeOf = (n: string) => (n.startsWith('+1') ? n.slice(2, 5) : null);
