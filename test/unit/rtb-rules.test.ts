import { describe, expect, it } from 'vitest';
import { startOf } from '../../src/lib/period-start';
import { geoOk, rankRoutes, readPing, scheduleOpen } from '../../src/services/rtb-rules';

describe('readPing', () => {
  it.each(['caller_id', 'callerid', 'cid', 'CALLER_ID', 'CallerId', 'ani', 'caller_number', 'phone'])(
    'reads the caller from %s',
    (key) => {
      expect(readPing({ [key]: '+15551234567' }).caller).toBe('+15551234567');
    },
  );
  it('normalises NANP input and derives the state from the ZIP; keeps other parameters as tags', () => {
    const p = readPing({
      CID: '(212) 555-0147',
      Zip_Code: '10001',
      pub_id: 'pub9',
      utm_source: 'fb',
      keyword: 'insurance',
    });
    expect(p).toMatchObject({
      caller: '+12125550147',
      zip: '10001',
      state: 'NY',
      areaCode: '212',
      publisher: 'pub9',
      tags: { utm_source: 'fb', keyword: 'insurance' },
    });
    expect(readPing({ zip: '90210' }).state).toBe('CA');
    expect(readPing({ zip: '90210', state: 'tx' }).state).toBe('TX'); // an explicit state wins
    expect(readPing({ caller_id: 'not a number' }).caller).toBeNull();
  });
});

describe('schedule', () => {
  const ny = {
    timezone: 'America/New_York',
    hours: {
      mon: [['09:00', '17:00']] as Array<[string, string]>,
      sun: [['09:00', '17:00']] as Array<[string, string]>,
    },
  };
  it('opens at the opening minute and closes at the closing minute', () => {
    expect(scheduleOpen(ny, Date.parse('2026-11-23T13:59:59Z'))).toBe(false); // Mon 08:59:59 EST
    expect(scheduleOpen(ny, Date.parse('2026-11-23T14:00:00Z'))).toBe(true); //  Mon 09:00 EST
    expect(scheduleOpen(ny, Date.parse('2026-11-23T21:59:59Z'))).toBe(true); //  Mon 16:59:59
    expect(scheduleOpen(ny, Date.parse('2026-11-23T22:00:00Z'))).toBe(false); // Mon 17:00
    expect(scheduleOpen(ny, Date.parse('2026-11-24T15:00:00Z'))).toBe(false); // Tuesday is not listed: closed
  });
  it('follows the zone across the DST change', () => {
    // Sunday 1 Nov 2026 New York falls back at 02:00: 09:00 local is 14:00 UTC (EST), not 13:00 (EDT).
    expect(scheduleOpen(ny, Date.parse('2026-11-01T13:30:00Z'))).toBe(false);
    expect(scheduleOpen(ny, Date.parse('2026-11-01T14:00:00Z'))).toBe(true);
    // The Sunday before, in EDT, 13:00 UTC is already 09:00.
    expect(scheduleOpen(ny, Date.parse('2026-10-25T13:00:00Z'))).toBe(true);
  });
  it('null is always open; 24:00 closes at midnight', () => {
    expect(scheduleOpen(null, Date.now())).toBe(true);
    const late = { timezone: 'UTC', hours: { sat: [['20:00', '24:00']] as Array<[string, string]> } };
    expect(scheduleOpen(late, Date.parse('2026-11-21T23:59:00Z'))).toBe(true);
    expect(scheduleOpen(late, Date.parse('2026-11-22T00:00:00Z'))).toBe(false);
  });
});

describe('geo', () => {
  const p = (x: Record<string, string>) => readPing(x);
  it('empty or absent is everywhere', () => {
    expect(geoOk(null, p({}))).toBe(true);
    expect(geoOk({ include: {}, exclude: {} }, p({}))).toBe(true);
  });
  it('include by state, zip or area code; exclude wins', () => {
    const geo = {
      include: { states: ['NY'], zips: ['94105'], area_codes: ['305'] },
      exclude: { zips: ['10004'] },
    };
    expect(geoOk(geo, p({ zip: '10001' }))).toBe(true);
    expect(geoOk(geo, p({ zip: '10004' }))).toBe(false);
    expect(geoOk(geo, p({ zip: '94105' }))).toBe(true);
    expect(geoOk(geo, p({ caller_id: '+13055550100' }))).toBe(true);
    expect(geoOk(geo, p({ zip: '60601' }))).toBe(false);
    expect(geoOk(geo, p({}))).toBe(false); // unknown location cannot satisfy an include list
    expect(geoOk({ exclude: { states: ['AK'] } }, p({ zip: '99501' }))).toBe(false);
    expect(geoOk({ exclude: { states: ['AK'] } }, p({}))).toBe(true);
  });
});

describe('ranking', () => {
  it('payout, then priority (1 first), then weight (high first), then the order given', () => {
    const routes = [
      { id: 'a', payout: 30, priority: 1, weight: 1 },
      { id: 'b', payout: 45, priority: 2, weight: 1 },
      { id: 'c', payout: 30, priority: 1, weight: 5 },
      { id: 'd', payout: 30, priority: 0, weight: 1 },
      { id: 'e', payout: 30, priority: 1, weight: 1 },
    ];
    expect(rankRoutes(routes).map((r) => r.id)).toEqual(['b', 'd', 'c', 'a', 'e']);
  });
});

describe('cap periods', () => {
  it('start at the hour, day and month in the route zone', () => {
    const now = Date.parse('2026-11-21T18:42:10.500Z'); // 13:42:10 in New York
    expect(new Date(startOf('hour', now, 'America/New_York')).toISOString()).toBe('2026-11-21T18:00:00.000Z');
    expect(new Date(startOf('day', now, 'America/New_York')).toISOString()).toBe('2026-11-21T05:00:00.000Z');
    expect(new Date(startOf('month', now, 'America/New_York')).toISOString()).toBe(
      '2026-11-01T05:00:00.000Z',
    );
    expect(new Date(startOf('hour', now, 'Asia/Kolkata')).toISOString()).toBe('2026-11-21T18:30:00.000Z');
  });
});
