#!/usr/bin/env node
// Regenerates src/data/zip-states.json (US ZIP code → state) from the `zipcodes` package's data:
// the state of each 3-digit ZIP prefix, plus the individual ZIPs that differ from their prefix's state.
// test/unit/zip-states.test.ts checks every ZIP in the package still maps to its state.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const codes = require('zipcodes/lib/codes.js').codes;
const version = require('zipcodes/package.json').version;

const byPrefix = new Map();
for (const [zip, info] of Object.entries(codes)) {
  if (!/^\d{5}$/.test(zip) || !info.state) continue;
  const p = zip.slice(0, 3);
  const counts = byPrefix.get(p) ?? new Map();
  counts.set(info.state, (counts.get(info.state) ?? 0) + 1);
  byPrefix.set(p, counts);
}
const prefixes = {};
for (const [p, counts] of [...byPrefix].sort()) prefixes[p] = [...counts].sort((a, b) => b[1] - a[1])[0][0];
const exceptions = {};
for (const [zip, info] of Object.entries(codes)) {
  if (/^\d{5}$/.test(zip) && info.state && prefixes[zip.slice(0, 3)] !== info.state)
    exceptions[zip] = info.state;
}
writeFileSync(
  new URL('../src/data/zip-states.json', import.meta.url),
  `${JSON.stringify({ source: `zipcodes@${version}`, prefixes, exceptions })}\n`,
);
console.log(`${Object.keys(prefixes).length} prefixes, ${Object.keys(exceptions).length} exceptions`);
