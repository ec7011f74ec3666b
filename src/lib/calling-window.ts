// Calling windows (README "Batch campaigns"): local clock times and weekdays during which a recipient may be dialled.
import { isValidTimeZone, zonedParts } from './zoned-time';

export { isValidTimeZone };
export const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Day = (typeof DAYS)[number];

export interface CallingWindow {
  start: string;
  end: string;
  days?: Day[];
  timezone?: string;
}

const recent = new Map<string, { minute: number; value: { day: Day; minute: number } }>();

/** Local weekday and minute of the day in `zone` at `ms` (remembered per zone for the current minute: hot paths ask often). */
export function localTime(ms: number, zone: string): { day: Day; minute: number } {
  const minute = Math.floor(ms / 60_000);
  const hit = recent.get(zone);
  if (hit && hit.minute === minute) return hit.value;
  const p = zonedParts(ms, zone);
  const value = { day: p.weekday as Day, minute: p.h * 60 + p.mi };
  if (recent.size > 1000) recent.clear();
  recent.set(zone, { minute, value });
  return value;
}

export const toMinute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Open in one zone: within [start, end) local time on an allowed day. A window that ends before it starts
 * runs overnight, and its early-morning part belongs to the previous day's window.
 */
function openIn(w: CallingWindow, ms: number, zone: string): boolean {
  const { day, minute } = localTime(ms, zone);
  const start = toMinute(w.start),
    end = toMinute(w.end);
  const allowed = (d: Day) => !w.days?.length || w.days.includes(d);
  if (start === end) return allowed(day);
  if (start < end) return minute >= start && minute < end && allowed(day);
  if (minute >= start) return allowed(day);
  if (minute < end) return allowed(DAYS[(DAYS.indexOf(day) + 6) % 7]);
  return false;
}

/** Open only if it is open in every zone the recipient may be in: never call outside the window. */
export function windowOpen(w: CallingWindow | null, zones: string[], ms: number): boolean {
  if (!w) return true;
  return zones.every((z) => openIn(w, ms, z));
}

/** The first minute at or after `ms` when the window is open in every zone, or null within 8 days. */
export function nextOpening(w: CallingWindow, zones: string[], ms: number): number | null {
  const minute = 60_000;
  let t = Math.ceil(ms / minute) * minute;
  for (let i = 0; i < 8 * 24 * 60; i++, t += minute) if (windowOpen(w, zones, t)) return t;
  return null;
}
