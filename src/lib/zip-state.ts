// US ZIP code → state, from the zipcodes package (see scripts/gen-zip-states.mjs).
import data from '../data/zip-states.json';

const prefixes = data.prefixes as Record<string, string>;
const exceptions = data.exceptions as Record<string, string>;

export function stateForZip(zip: string): string | null {
  const five = zip.trim().slice(0, 5);
  if (!/^\d{5}$/.test(five)) return null;
  return exceptions[five] ?? prefixes[five.slice(0, 3)] ?? null;
}
