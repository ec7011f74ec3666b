// Cap windows (hourly, daily, monthly) in a route's own time zone, for the RtbExchange Durable Object.
import { zonedParts } from './zoned-time';

const periodStarts = new Map<string, { start: number; validUntil: number }>();
/** How long after a period starts it surely has not ended (a DST day is 23 h; February is 28 days). */
const SURELY_WITHIN = { hour: 3600_000, day: 23 * 3600_000, month: 28 * 86400_000 - 3600_000 };

/** The start (ms) of the current hour, day or month in `zone`, remembered until it surely changes. */
export function startOf(unit: 'hour' | 'day' | 'month', now: number, zone: string): number {
  const key = `${unit}|${zone}`;
  const hit = periodStarts.get(key);
  if (hit && now >= hit.start && now < hit.validUntil) return hit.start;
  const start = computeStartOf(unit, now, zone);
  if (periodStarts.size > 1000) periodStarts.clear();
  periodStarts.set(key, { start, validUntil: start + SURELY_WITHIN[unit] });
  return start;
}

function computeStartOf(unit: 'hour' | 'day' | 'month', now: number, zone: string): number {
  const p = zonedParts(now, zone);
  const intoHour = (p.mi * 60 + p.s) * 1000 + (now % 1000);
  if (unit === 'hour') return now - intoHour;
  const intoDay = intoHour + p.h * 3600_000;
  if (unit === 'day') return now - intoDay;
  return now - intoDay - (p.d - 1) * 86400_000;
}
