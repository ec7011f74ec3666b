// The sliced JSON parser (lib/json-slices.ts) and the sliced canonical JSON / SHA-256 (lib/crypto.ts) give
// exactly what their one-step versions give, and hand the isolate back while they work.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonInSlices, sha256Hex, sha256HexInSlices } from '../../src/lib/crypto';
import { parseJsonInSlices } from '../../src/lib/json-slices';

/** Runs `work` and counts how many 0 ms timers of other code ran before it finished. */
async function timersDuring<T>(work: () => Promise<T>) {
  let ticks = 0;
  let done = false;
  const tick = () => {
    if (done) return;
    ticks++;
    setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  const value = await work();
  done = true;
  return { value, ticks };
}

describe('parseJsonInSlices', () => {
  it('equals JSON.parse for any JSON text, whatever the slice size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.json(), fc.integer({ min: 1, max: 64 }), async (text, slice) => {
        expect(await parseJsonInSlices(text, slice)).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps JSON.parse semantics: __proto__ is an own key, the last duplicate wins, whitespace anywhere', async () => {
    const text = ' { "__proto__" : { "admin" : true } , "a" : [ 1 , 2 ] , "a" : [ 3 ] , "s" : "x\\"}" } ';
    const parsed = (await parseJsonInSlices(text, 4)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(['__proto__', 'a', 's']);
    expect(parsed).toStrictEqual(JSON.parse(text));
  });

  it.each([
    '{"a":1,}',
    '{"a":1',
    '[1 2]',
    '{"a" 1}',
    '{"a":tru}',
    '{"a":"x}',
    '{"a":1} x',
    '[1,]',
    '{a:1}',
    '',
  ])('%j is a SyntaxError, as JSON.parse says', async (text) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    await expect(parseJsonInSlices(text, 2)).rejects.toThrow(SyntaxError);
  });

  it('a 12 MiB batch body parses to the same value and lets other work run in between', async () => {
    const value = 'x'.repeat(480);
    const body = {
      agent_id: 'agent_1',
      recipients: Array.from({ length: 10_000 }, (_, i) => ({
        phone: `+1415${String(7000000 + i)}`,
        variables: { a: value, b: value, c: value.slice(0, 200) },
      })),
    };
    const text = JSON.stringify(body);
    const { value: parsed, ticks } = await timersDuring(() => parseJsonInSlices(text));
    expect(parsed).toStrictEqual(body);
    expect(ticks).toBeGreaterThan(10);
    // The one-step parse gives other work no turn at all.
    const oneStep = await timersDuring(async () => JSON.parse(text));
    expect(oneStep.ticks).toBe(0);
  });
});

describe('canonical JSON and SHA-256 in slices', () => {
  it('canonicalJsonInSlices is canonicalJson', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (v) => {
        expect(await canonicalJsonInSlices(v)).toBe(canonicalJson(v));
      }),
      { numRuns: 300 },
    );
    const big = { z: 1, recipients: Array.from({ length: 5000 }, (_, i) => ({ b: i, a: 'y'.repeat(200) })) };
    const { value, ticks } = await timersDuring(() => canonicalJsonInSlices(big));
    expect(value).toBe(canonicalJson(big));
    expect(ticks).toBeGreaterThan(1);
  });

  it('sha256HexInSlices is sha256Hex, surrogate pairs on slice edges included', async () => {
    const text = `${'a'.repeat((1 << 18) - 1)}😀${'é😀'.repeat(300_000)}`;
    expect(await sha256HexInSlices(text)).toBe(await sha256Hex(text));
    expect(await sha256HexInSlices('short')).toBe(await sha256Hex('short'));
  });
});
