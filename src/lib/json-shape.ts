// Hostile JSON, refused before it is parsed: one linear pass over the text checks nesting depth and the
// number of keys in any one object, so a body nested 100 000 deep or carrying 100 000 metadata keys is a
// 400 naming where, instead of a parse (or a save) that ends in a stack overflow or a long block.

import { yieldToIsolate } from './yield';

export const MAX_JSON_DEPTH = 20;
/** No object in any request has legitimately more keys than this (metadata and variables allow 50). */
export const MAX_OBJECT_KEYS = 1000;

export interface ShapeProblem {
  message: string;
  path: Array<string | number>;
}

interface Frame {
  array: boolean;
  /** Where this container sits in its parent. */
  at: string | number | null;
  key: string | null;
  index: number;
  keys: number;
}

const QUOTE = 34,
  BACKSLASH = 92,
  OPEN_OBJ = 123,
  CLOSE_OBJ = 125,
  OPEN_ARR = 91,
  CLOSE_ARR = 93,
  COLON = 58,
  COMMA = 44;

const pathOf = (stack: Frame[]) => stack.slice(1).map((f) => f.at as string | number);

/** Characters scanned between yields to the event loop (~a few ms each), so a 16 MiB body never blocks long. */
export const SHAPE_SLICE = 1 << 18;

/**
 * The first depth or width problem in `text`, or null. Malformed JSON is left to the parser. A long
 * text is scanned a slice at a time with a yield between slices (other requests of the isolate run).
 */
export async function jsonShapeProblem(
  text: string,
  maxDepth = MAX_JSON_DEPTH,
  maxKeys = MAX_OBJECT_KEYS,
): Promise<ShapeProblem | null> {
  const stack: Frame[] = [];
  let lastString: string | null = null;
  let nextYield = SHAPE_SLICE;
  for (let i = 0; i < text.length; i++) {
    if (i >= nextYield) {
      nextYield = i + SHAPE_SLICE;
      await yieldToIsolate();
    }
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      let end = text.indexOf('"', i + 1);
      while (end > 0) {
        let slashes = 0;
        for (let j = end - 1; text.charCodeAt(j) === BACKSLASH; j--) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end < 0) return null; // unterminated: JSON.parse reports it
      const top = stack[stack.length - 1];
      // Only an object's keys are kept (for the error's path), and only short ones.
      lastString = top && !top.array && end - i <= 200 ? text.slice(i + 1, end) : null;
      i = end;
    } else if (ch === OPEN_OBJ || ch === OPEN_ARR) {
      const parent = stack[stack.length - 1];
      stack.push({
        array: ch === OPEN_ARR,
        at: parent ? (parent.array ? parent.index : parent.key) : null,
        key: null,
        index: 0,
        keys: 0,
      });
      if (stack.length > maxDepth)
        return {
          message: `JSON is nested more than ${maxDepth} levels deep`,
          path: pathOf(stack.slice(0, -1)),
        };
    } else if (ch === CLOSE_OBJ || ch === CLOSE_ARR) {
      stack.pop();
    } else if (ch === COLON) {
      const top = stack[stack.length - 1];
      if (top && !top.array) {
        top.key = lastString ?? '?';
        if (++top.keys > maxKeys)
          return { message: `an object may have at most ${maxKeys} keys`, path: pathOf(stack) };
      }
    } else if (ch === COMMA) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
    }
  }
  return null;
}
