// Conditions read around the measures: a filter set off from a list of measures (it applies to every
// one), and filters no row can meet (declined rather than answered with 0). Used by translator.ts and,
// for the second, by the LLM path (llm.ts).
import { PROPERTIES } from './lexicon';
import type { Found, MeasureRead } from './measures';
import type { Cond, View } from './model';
import { Scanner } from './scanner';

const LIST = /\s(?:and|as well as|plus|&|along with|together with)\s|,/;
/**
 * A condition set off from a list of measures applies to every measure in it: "for inbound calls:
 * calls, answered calls and conversions", "calls, answered calls and conversions for inbound",
 * "…, conversions (inbound only)". Written inside one item ("calls, answered calls, inbound
 * conversions") it stays that item's.
 */
export function takeListFilters(s: Scanner, view: View, conds: Found[]) {
  if (!LIST.test(s.rest)) return;
  const props = PROPERTIES.filter((p) => p.views.includes(view));
  const one = props.map((p) => `(?:${p.re.source})`).join('|');
  const noun = '(?: (?:calls?|messages?|texts?|bids?))?';
  const props2 = `(?:${one})(?: (?:${one}))?${noun}`;
  // Before the list "of inbound calls: …" too; after it, "of" would read "number of conversions".
  const phrase = (of: string) =>
    `(?:(?:for|among|amongst|across${of}) (?:all |the |our )?${props2}(?: only)?|(?:only )?(?:${one})${noun} only)`;
  for (const re of [
    // Not the first of two joined conditions ("for inbound and outbound calls: …").
    new RegExp(`^[\\s,-]*${phrase('|of')}(?=[\\s,-])(?! (?:and|or|&|plus|as well as)\\b)`),
    new RegExp(`(?<=[\\s,])${phrase('')}(?=[\\s,-]*$)`),
  ]) {
    const m = s.rest.match(re);
    // Only while a list remains once it is taken out.
    if (!m || m.index === undefined) continue;
    const rest = s.rest.slice(0, m.index) + ' '.repeat(m[0].length) + s.rest.slice(m.index + m[0].length);
    if (!LIST.test(rest.replace(/^[\s,-]+|[\s,-]+$/g, ''))) continue;
    const taken = s.take(re, 'filter')!;
    const sub = new Scanner(taken[0]);
    for (const p of props)
      for (const x of sub.takeAll(p.re, 'filter'))
        conds.push({
          cond: p.cond,
          pos: taken.index + x.index,
          end: taken.index + x.index + x[0].length,
          name: p.name,
        });
  }
}

/**
 * Filters no row can meet, which would answer 0 for a question that meant something else: two values
 * of one column ("inbound and outbound calls": each, or either?), or an answered call (a voicemail is
 * answered) that was busy or rang out — those were never answered.
 */
export function contradiction(filters: Cond[], view: View): string | null {
  const one = view === 'call_logs' ? 'a call' : view === 'messages' ? 'a message' : 'a bid';
  for (const [i, f] of filters.entries()) {
    const g = filters.find((x, j) => j < i && x.column === f.column && x.op === '=' && f.op === '=');
    if (g && g.value !== f.value) {
      const col = f.column.replace(/_/g, ' ');
      return `${one} has one ${col}, so none is both "${String(g.value)}" and "${String(f.value)}". Ask for each ("by ${col}") or for one of them.`;
    }
  }
  const answered = filters.some(
    (f) => (f.column === 'answered' || f.column === 'voicemail') && f.op === '=' && f.value === 1,
  );
  const never = filters.find(
    (f) => f.column === 'status' && f.op === '=' && (f.value === 'busy' || f.value === 'no_answer'),
  );
  return answered && never
    ? `a call that was ${String(never.value).replace('_', ' ')} was never answered, so none is both. Ask for one of them.`
    : null;
}

/**
 * "how many inbound and outbound calls": two values of one column sharing one noun, read as two measures,
 * could mean each or either (their total). Asked back; "inbound calls and outbound calls" names each.
 */
export function coordinatedValues(reads: Array<{ c: Scanner; r: MeasureRead }>): string | null {
  const [first, second] = reads.map(({ r }) => r.props);
  if (/\b(?:calls?|messages?|texts?|bids?|pings?)\b/.test(reads[0].c.text)) return null;
  if (first.length !== 1 || first[0].cond.length !== 1 || !second?.length) return null;
  const [a] = first[0].cond;
  if (!second[0].cond.some((x) => x.column === a.column && x.value !== a.value)) return null;
  const [x, y] = [first[0].name, second[0].name];
  return `"${x} and ${y}" could mean each or either. Ask for each ("${x} calls and ${y} calls") or for their total.`;
}
