// JSON.parse of a whole 12 MiB body is one uninterruptible step (~40 ms on a quiet machine, several times that
// under load). This parses the same text a bounded slice at a time: any object or array that fits in a slice
// goes to JSON.parse whole; a larger one is walked member by member, and the isolate is yielded
// (lib/yield.ts) whenever a slice's worth of text has been handled. The result is what JSON.parse returns.
import { yieldToIsolate } from './yield';

/** Characters handled (scanned or parsed) between yields: a few ms of work. */
export const PARSE_SLICE = 1 << 18;

const QUOTE = 34,
  BACKSLASH = 92;
const isSpace = (ch: number) => ch === 32 || ch === 10 || ch === 13 || ch === 9;

export async function parseJsonInSlices(text: string, slice = PARSE_SLICE): Promise<unknown> {
  if (text.length <= slice) return JSON.parse(text);
  const parser = new SlicedParser(text, slice);
  const value = await parser.value();
  parser.space();
  if (parser.at < text.length) throw new SyntaxError(`Unexpected data after JSON at position ${parser.at}`);
  return value;
}

class SlicedParser {
  at = 0;
  private work = 0;
  constructor(
    private readonly text: string,
    private readonly slice: number,
  ) {}

  private async spend(chars: number) {
    this.work += chars;
    if (this.work >= this.slice) {
      this.work = 0;
      await yieldToIsolate();
    }
  }

  space() {
    while (this.at < this.text.length && isSpace(this.text.charCodeAt(this.at))) this.at++;
  }

  private fail(what: string): never {
    throw new SyntaxError(`${what} in JSON at position ${this.at}`);
  }

  /** Index just past the string that opens at `i` (a quote). */
  private stringEnd(i: number) {
    let end = this.text.indexOf('"', i + 1);
    while (end > 0) {
      let slashes = 0;
      for (let j = end - 1; this.text.charCodeAt(j) === BACKSLASH; j--) slashes++;
      if (slashes % 2 === 0) return end + 1;
      end = this.text.indexOf('"', end + 1);
    }
    return this.fail('Unterminated string');
  }

  /** Index just past the container that opens at `i`, or -1 when it is longer than a slice. */
  private containerEnd(i: number) {
    const { text } = this;
    const limit = Math.min(text.length, i + this.slice);
    let depth = 0;
    for (let k = i; k < limit; k++) {
      const ch = text.charCodeAt(k);
      if (ch === QUOTE) k = this.stringEnd(k) - 1;
      else if (ch === 123 || ch === 91) depth++;
      else if (ch === 125 || ch === 93) {
        if (--depth === 0) return k + 1;
      }
    }
    return limit === text.length ? this.fail('Unexpected end') : -1;
  }

  /** The token (number, true, false, null) at `at`. */
  private tokenEnd(i: number) {
    let k = i;
    for (; k < this.text.length; k++) {
      const ch = this.text.charCodeAt(k);
      if (ch === 44 || ch === 93 || ch === 125 || isSpace(ch)) break;
    }
    return k;
  }

  async value(): Promise<unknown> {
    this.space();
    const { text } = this;
    const start = this.at;
    const ch = text.charCodeAt(start);
    if (ch === 123 || ch === 91) {
      const end = this.containerEnd(start);
      await this.spend(end < 0 ? this.slice : end - start);
      if (end < 0) return ch === 123 ? this.object() : this.array();
      this.at = end;
      return JSON.parse(text.slice(start, end));
    }
    const end = ch === QUOTE ? this.stringEnd(start) : this.tokenEnd(start);
    if (end === start) this.fail('Unexpected token');
    this.at = end;
    await this.spend(end - start);
    return JSON.parse(text.slice(start, end));
  }

  private expect(ch: number) {
    this.space();
    if (this.text.charCodeAt(this.at) !== ch) this.fail(`Expected '${String.fromCharCode(ch)}'`);
    this.at++;
  }

  /** More members? Consumes the ',' or the closing `close`. */
  private more(close: number) {
    this.space();
    const ch = this.text.charCodeAt(this.at++);
    if (ch === 44) return true;
    if (ch === close) return false;
    return this.fail('Unexpected token');
  }

  private async object() {
    const out: Record<string, unknown> = {};
    this.expect(123);
    this.space();
    if (this.text.charCodeAt(this.at) === 125) {
      this.at++;
      return out;
    }
    do {
      this.space();
      if (this.text.charCodeAt(this.at) !== QUOTE) this.fail('Expected a key');
      const end = this.stringEnd(this.at);
      const key = JSON.parse(this.text.slice(this.at, end)) as string;
      this.at = end;
      this.expect(58);
      // As JSON.parse does: an own property even for "__proto__".
      Object.defineProperty(out, key, {
        value: await this.value(),
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } while (this.more(125));
    return out;
  }

  private async array() {
    const out: unknown[] = [];
    this.expect(91);
    this.space();
    if (this.text.charCodeAt(this.at) === 93) {
      this.at++;
      return out;
    }
    do out.push(await this.value());
    while (this.more(93));
    return out;
  }
}
