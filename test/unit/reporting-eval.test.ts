// Checks the evaluation set itself (test/reporting-eval), not the Reporting AI: sizes, family shape,
// oracles that return finite, non-degenerate numbers, no duplicate phrasings, and a dataset that has
// rows for every kind of question (DST days, the last hour, every status and reason).
import { describe, expect, it } from 'vitest';
import { EVAL_CTX, evalDataset, REJECT_REASONS } from '../reporting-eval/dataset';
import {
  type Expected,
  SHORT_FAMILIES,
  close,
  families,
  inScope,
  mustDecline,
  mutations,
  NOW,
  TIMEZONE,
} from '../reporting-eval/questions';
import { local, zoned } from '../reporting-eval/time';

const numbers = (e: Expected): number[] => {
  if (e.kind === 'scalar') return [e.value];
  if (e.kind === 'compare') return [e.current, e.previous];
  if (e.kind === 'groups') return Object.values(e.values);
  return Object.values(e.values).flatMap((v) => (typeof v === 'number' ? [v] : Object.values(v)));
};
const norm = (q: string) =>
  q
    .toLowerCase()
    .replace(/[^a-z0-9%$]+/g, ' ')
    .trim();

describe('the Reporting AI evaluation set', () => {
  const d = evalDataset();

  it('has at least 400 in-scope questions, 100 must-decline questions and 10 mutations', () => {
    expect(inScope.length).toBeGreaterThanOrEqual(400);
    expect(mustDecline.length).toBeGreaterThanOrEqual(100);
    expect(mutations.length).toBeGreaterThanOrEqual(10);
    expect(new Set(mustDecline.map((x) => x.why)).size).toBeGreaterThanOrEqual(7);
  });

  it('gives every family 5–10 phrasings (except the listed short ones) and a unique id', () => {
    expect(new Set(families.map((f) => f.id)).size).toBe(families.length);
    for (const f of families) {
      if (SHORT_FAMILIES[f.id]) continue;
      expect(f.phrasings.length, f.id).toBeGreaterThanOrEqual(5);
      expect(f.phrasings.length, f.id).toBeLessThanOrEqual(10);
    }
  });

  it('has no duplicate phrasing anywhere (ignoring case and punctuation)', () => {
    const all = [...inScope.map((x) => x.q), ...mustDecline.map((x) => x.q)].map(norm);
    const dupes = all.filter((q, i) => all.indexOf(q) !== i);
    expect(dupes).toEqual([]);
  });

  it('has oracles that return finite numbers, not all zero, the same on every run', () => {
    for (const f of families) {
      const e = f.expect(d, EVAL_CTX);
      const xs = numbers(e);
      expect(xs.length, f.id).toBeGreaterThan(0);
      for (const x of xs) expect(Number.isFinite(x), `${f.id}: ${x}`).toBe(true);
      expect(
        xs.some((x) => x !== 0),
        f.id,
      ).toBe(true);
      if (e.kind === 'groups') expect(Object.keys(e.values).length, f.id).toBeGreaterThan(1);
      expect(f.expect(evalDataset(), { now: NOW, tz: TIMEZONE }), f.id).toEqual(e);
    }
  });

  it('covers every kind the issue lists', () => {
    const kinds = new Set(families.map((f) => f.kind));
    for (const k of ['count', 'rate', 'negation', 'threshold', 'order_stat', 'per_unit', 'units', 'time']) {
      expect(kinds.has(k as never), k).toBe(true);
    }
    for (const k of ['breakdown', 'compare', 'place', 'multi', 'messages', 'bids']) {
      expect(kinds.has(k as never), k).toBe(true);
    }
  });

  it('has data for every status, outcome, reason and both DST changes', () => {
    expect(new Set(d.calls.map((x) => x.status))).toEqual(
      new Set(['completed', 'no_answer', 'busy', 'failed', 'canceled']),
    );
    expect(d.calls.some((x) => x.outcome === 'voicemail')).toBe(true);
    expect(new Set(d.messages.map((x) => x.status)).size).toBe(5);
    expect(new Set(d.bids.flatMap((x) => (x.reject_reason ? [x.reject_reason] : [])))).toEqual(
      new Set(REJECT_REASONS),
    );
    const now = NOW / 1000;
    expect(d.calls.filter((x) => x.created_at >= now - 3600).length).toBeGreaterThanOrEqual(3);
    expect(d.calls.every((x) => x.created_at < now)).toBe(true);
    // 00:20 local on the day after each change: an hour off puts it on the previous day.
    for (const [m, day] of [
      [3, 9],
      [11, 2],
    ]) {
      const t = zoned(2026, m, day, 0, 20, TIMEZONE);
      expect(d.calls.some((x) => x.created_at === t)).toBe(true);
      expect(local(t, TIMEZONE).date).toBe(`2026-${String(m).padStart(2, '0')}-0${day}`);
    }
  });

  it('resolves local times across DST independently of the fixed-offset shortcut', () => {
    // 2026-03-08 has 23 hours and 2026-11-01 has 25 in New York.
    expect(zoned(2026, 3, 9, 0, 0, TIMEZONE) - zoned(2026, 3, 8, 0, 0, TIMEZONE)).toBe(23 * 3600);
    expect(zoned(2026, 11, 2, 0, 0, TIMEZONE) - zoned(2026, 11, 1, 0, 0, TIMEZONE)).toBe(25 * 3600);
    expect(zoned(2026, 11, 18, 10, 0, TIMEZONE) * 1000).toBe(NOW);
  });

  it('compares values the documented way', () => {
    expect(close(5, 5, 'count')).toBe(true);
    expect(close(5, 6, 'count')).toBe(false);
    expect(close(57.14, 57.1, 'percent')).toBe(true);
    expect(close(57.14, 57.3, 'percent')).toBe(false);
  });

  it('keeps the other tenant apart (different agents, never in the account rows)', () => {
    const ours = new Set(d.calls.map((x) => x.agent));
    expect(d.other.calls.length).toBeGreaterThan(0);
    expect(d.other.calls.some((x) => ours.has(x.agent))).toBe(false);
  });
});
