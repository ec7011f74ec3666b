// A zone's UTC offset steps over an interval, so SQL can give every row the offset in force at its own
// instant (SQLite has no time-zone database). Offsets change at most a few times a year: sample every
// six days, then bisect each change down to the second.
import { utcOffsetSeconds } from '../lib/zoned-time';

export interface OffsetStep {
  /** ms since the epoch from which `offset` applies (the first step: from the interval's start). */
  from: number;
  /** seconds to add to UTC for local wall-clock time. */
  offset: number;
}

const STEP = 6 * 86400_000;
const cache = new Map<string, OffsetStep[]>();

export function offsetSteps(tz: string, from: number, to: number): OffsetStep[] {
  // Whole days either side keep the cache small (queries over the same period share it).
  const a = Math.floor(from / 86400_000) * 86400_000 - 86400_000;
  const b = Math.ceil(to / 86400_000) * 86400_000 + 86400_000;
  const key = `${tz}|${a}|${b}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const steps: OffsetStep[] = [{ from: a, offset: utcOffsetSeconds(tz, a) }];
  for (let t = a; t < b; t += STEP) {
    const u = Math.min(t + STEP, b);
    const before = utcOffsetSeconds(tz, t);
    if (utcOffsetSeconds(tz, u) === before) continue;
    let lo = t;
    let hi = u;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (utcOffsetSeconds(tz, mid) === before) lo = mid;
      else hi = mid;
    }
    steps.push({ from: hi, offset: utcOffsetSeconds(tz, hi) });
  }
  if (cache.size > 500) cache.clear();
  cache.set(key, steps);
  return steps;
}
