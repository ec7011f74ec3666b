// Spot checks of the generated data tables (regenerate with scripts/gen-*.mjs when their source packages update).
import { describe, expect, it } from 'vitest';
import { stateForZip } from '../../src/lib/zip-state';
import { timeZonesForNumber } from '../../src/lib/phone-timezones';
import { isValidTimeZone } from '../../src/lib/calling-window';
import zipData from '../../src/data/zip-states.json';
import tzData from '../../src/data/phone-timezones.json';

describe('zip → state', () => {
  it('knows well-known ZIPs and rejects malformed ones', () => {
    expect(stateForZip('10001')).toBe('NY');
    expect(stateForZip('90210')).toBe('CA');
    expect(stateForZip('99501')).toBe('AK');
    expect(stateForZip('60601-1234')).toBe('IL');
    expect(stateForZip('1234')).toBeNull();
    expect(zipData.source).toMatch(/^zipcodes@/);
  });
});

describe('number → time zones', () => {
  it('resolves NANP by area code and elsewhere by country', () => {
    expect(timeZonesForNumber('+12125550147')).toEqual(['America/New_York']);
    expect(timeZonesForNumber('+12135550147')).toEqual(['America/Los_Angeles']);
    expect(timeZonesForNumber('+919876543210')).toEqual(['Asia/Calcutta']);
    expect(timeZonesForNumber('+447700900123')).toContain('Europe/London');
  });
  it('every zone in the table is one the runtime knows', () => {
    for (const zone of tzData.zones) expect(isValidTimeZone(zone), zone).toBe(true);
  });
});
