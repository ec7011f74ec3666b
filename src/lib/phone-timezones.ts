// The time zones a phone number may be in, from Google libphonenumber's prefix map (see scripts/gen-phone-timezones.mjs).
import data from '../data/phone-timezones.json';

const prefixes = data.prefixes as Record<string, number[]>;
const MAX_PREFIX = Math.max(...Object.keys(prefixes).map((p) => p.length));

/** Longest-prefix match on the E.164 digits: a NANP number resolves by area code, others by country (or region). */
export function timeZonesForNumber(e164: string): string[] {
  const digits = e164.replace(/^\+/, '');
  for (let len = Math.min(MAX_PREFIX, digits.length); len > 0; len--) {
    const hit = prefixes[digits.slice(0, len)];
    if (hit) return hit.map((i) => data.zones[i]);
  }
  return [];
}
