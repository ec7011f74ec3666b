// Reads a question while keeping account of every word: each recogniser `take`s the words it used
// (they are blanked so nothing reads them twice, and recorded under a slot), and whatever is left
// that is not a stop word is what the translator did not understand — it declines rather than ignore it.
import { STOP_WORDS } from './lexicon';

export function normalize(question: string): string {
  return ` ${question
    .toLowerCase()
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/\bcan't\b/g, 'can not')
    .replace(/\bwon't\b/g, 'will not')
    .replace(/n't\b/g, ' not')
    .replace(/'s\b/g, ' s')
    .replace(/(\d)\s*%/g, '$1 percent')
    .replace(/%/g, ' percent ')
    .replace(/[?!;"“”()]+/g, ' ')
    .replace(/[.,:](\s|$)/g, ' $1')
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
      .map((w) => w.replace(/^[-'$]+|[-']+$/g, ''))
      .filter((w) => w && !STOP_WORDS.has(w));
  }
}
