// The parts of an RTB ping that need no state: reading the publisher's parameters, and the static
// filters (status, schedule, geo) and ranking over an endpoint's compiled route set.
import type { RtbCaps, RtbGeo, RtbGeoSet, RtbSchedule } from '../db/schema';
import { localTime, toMinute } from '../lib/calling-window';
import { normalizePhone } from '../lib/phone';
import { stateForZip } from '../lib/zip-state';

export interface CompiledRoute {
  id: string;
  buyer: string;
  number: string;
  payout: number;
  duration: number | null;
  payout_condition: 'connected' | null;
  payout_condition_duration: number | null;
  priority: number;
  weight: number;
  schedule: RtbSchedule | null;
  geo: RtbGeo | null;
  caps: RtbCaps | null;
}

export interface CompiledEndpoint {
  version: number;
  rtb_id: string;
  endpoint_id: string;
  account_id: string;
  status: 'enabled' | 'disabled';
  bid_ttl_seconds: number;
  require_caller_id: boolean;
  max_routes: number | null;
  rtb_per_minute: number;
  /** Enabled routes only, already in rank order. */
  routes: CompiledRoute[];
  total_routes: number;
}

/** Payout (high first), then priority (1 is first), then weight (high first), then age. */
export function rankRoutes<T extends { payout: number; priority: number; weight: number }>(routes: T[]): T[] {
  return [...routes].sort((a, b) => b.payout - a.payout || a.priority - b.priority || b.weight - a.weight);
}

const ALIASES: Record<string, string> = {
  caller_id: 'caller',
  callerid: 'caller',
  cid: 'caller',
  ani: 'caller',
  caller_number: 'caller',
  phone: 'caller',
  zip_code: 'zip',
  zip: 'zip',
  zipcode: 'zip',
  caller_zip: 'zip',
  postal_code: 'zip',
  state: 'state',
  caller_state: 'state',
  publisher_id: 'publisher',
  pub_id: 'publisher',
  subid: 'publisher',
  sub_id: 'publisher',
};

export interface PingInput {
  caller: string | null;
  rawCaller: string | null;
  zip: string | null;
  state: string | null;
  areaCode: string | null;
  publisher: string | null;
  tags: Record<string, string>;
}

/** Case-insensitive names with aliases; the caller normalised to E.164, the state derived from the ZIP when absent. */
export function readPing(params: Record<string, unknown>): PingInput {
  const known: Record<string, string> = {};
  const tags: Record<string, string> = {};
  for (const [rawKey, rawValue] of Object.entries(params)) {
    if (rawValue === null || rawValue === undefined || typeof rawValue === 'object') continue;
    const value = String(rawValue).trim().slice(0, 200);
    const key = rawKey.trim().toLowerCase();
    const canonical = ALIASES[key];
    if (canonical) {
      if (!known[canonical] && value) known[canonical] = value;
    } else if (Object.keys(tags).length < 50) tags[rawKey.slice(0, 64)] = value;
  }
  const caller = known.caller ? normalizePhone(known.caller) : null;
  const zip = known.zip && /^\d{5}(-\d{4})?$/.test(known.zip) ? known.zip.slice(0, 5) : null;
  const state =
    known.state && /^[A-Za-z]{2}$/.test(known.state)
      ? known.state.toUpperCase()
      : zip
        ? stateForZip(zip)
        : null;
  const areaCode = caller?.startsWith('+1') ? caller.slice(2, 5) : null;
  return {
    caller,
    rawCaller: known.caller ?? null,
    zip,
    state,
    areaCode,
    publisher: known.publisher ?? null,
    tags,
  };
}

/** Open now in the route's own zone; null schedule = always; a day missing from `hours` is closed. */
export function scheduleOpen(schedule: RtbSchedule | null, now: number): boolean {
  if (!schedule) return true;
  const { day, minute } = localTime(now, schedule.timezone);
  return (schedule.hours[day] ?? []).some(
    ([start, end]) => minute >= toMinute(start) && minute < (end === '24:00' ? 1440 : toMinute(end)),
  );
}

function matches(set: RtbGeoSet | undefined, p: PingInput): boolean {
  if (!set) return false;
  return (
    (!!p.state && !!set.states?.includes(p.state)) ||
    (!!p.zip && !!set.zips?.includes(p.zip)) ||
    (!!p.areaCode && !!set.area_codes?.includes(p.areaCode))
  );
}

const hasAny = (set: RtbGeoSet | undefined) =>
  !!(set?.states?.length || set?.zips?.length || set?.area_codes?.length);

/** Empty or absent geo = everywhere. With an include list the caller must match one of its entries; any exclude match rules the route out. */
export function geoOk(geo: RtbGeo | null, p: PingInput): boolean {
  if (!geo) return true;
  if (hasAny(geo.include) && !matches(geo.include, p)) return false;
  return !matches(geo.exclude, p);
}

export type RejectReason = 'caller_id_required' | 'no_routes' | 'schedule' | 'geo' | 'caps';

/** The routes that pass status, schedule and geo, in rank order, and why none did. */
export function staticCandidates(
  ep: CompiledEndpoint,
  p: PingInput,
  now: number,
): { routes: CompiledRoute[]; reason: RejectReason | null } {
  if (!ep.routes.length) return { routes: [], reason: 'no_routes' };
  const open = ep.routes.filter((r) => scheduleOpen(r.schedule, now));
  if (!open.length) return { routes: [], reason: 'schedule' };
  const inGeo = open.filter((r) => geoOk(r.geo, p));
  return inGeo.length ? { routes: inGeo, reason: null } : { routes: [], reason: 'geo' };
}
