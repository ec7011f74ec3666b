// Webhook destination checks: address classification, the DoH client against recorded-format answers,
// and checkDestination's decisions.
import { describe, expect, it } from 'vitest';
import { addressProblem } from '../../src/lib/ip-ranges';
import { DohResolver, LocalResolver } from '../../src/lib/dns';
import { checkDestination, webhookUrlProblem } from '../../src/lib/url-guard';
import { installReceiver, onHost } from '../helpers/receiver';

import nipA from '../fixtures/dns/127.0.0.1.nip.io.A.json';
import nipAAAA from '../fixtures/dns/127.0.0.1.nip.io.AAAA.json';
import mixedA from '../fixtures/dns/mixed.rebind.example.A.json';
import mixedAAAA from '../fixtures/dns/mixed.rebind.example.AAAA.json';
import nxA from '../fixtures/dns/nonexistent.example.A.json';
import nxAAAA from '../fixtures/dns/nonexistent.example.AAAA.json';
import wwwA from '../fixtures/dns/www.example.com.A.json';
import wwwAAAA from '../fixtures/dns/www.example.com.AAAA.json';

const fixtures: Record<string, unknown> = {
  '127.0.0.1.nip.io A': nipA,
  '127.0.0.1.nip.io AAAA': nipAAAA,
  'mixed.rebind.example A': mixedA,
  'mixed.rebind.example AAAA': mixedAAAA,
  'nonexistent.example A': nxA,
  'nonexistent.example AAAA': nxAAAA,
  'www.example.com A': wwwA,
  'www.example.com AAAA': wwwAAAA,
};

describe('address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'this network'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'benchmarking'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'IPv4-mapped'],
    ['::ffff:7f00:1', 'IPv4-mapped'],
    ['::ffff:8.8.8.8', 'IPv4-mapped'],
    ['64:ff9b::a00:1', 'NAT64'],
    ['2002:7f00:1::', '6to4'],
    ['2001::1', 'Teredo'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
  ])('%s is refused (%s)', (ip, why) => {
    expect(addressProblem(ip)).toContain(why);
  });

  it.each([
    '8.8.8.8',
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '2600:1406:3a00:21::173e:2e65',
  ])('%s is public', (ip) => expect(addressProblem(ip)).toBeNull());
});

describe('URL text', () => {
  it.each([
    ['https://example.com:6379/', 'port'],
    ['https://example.com:22/', 'port'],
    ['https://user:pw@example.com/', 'credentials'],
    ['http://example.com/', 'https'],
    ['https://2130706433/', 'IP address'], // decimal 127.0.0.1
    ['https://0177.0.0.1/', 'IP address'], // octal
    ['https://0x7f.0.0.1/', 'IP address'], // hex
    ['https://0x7f000001/', 'IP address'],
    ['https://127.1/', 'IP address'],
    ['https://127.0.0.1./', 'IP address'], // trailing dot
    ['https://[::ffff:127.0.0.1]/', 'IP address'],
    ['https://[::1]/', 'IP address'],
    ['https://localhost./', 'public host'],
    ['https://metadata.google.internal/', 'public host'],
  ])('%s → %s', (url, why) => {
    expect(webhookUrlProblem(url, false)).toContain(why);
  });

  it.each([
    'https://example.com/',
    'https://example.com:443/x',
    'https://example.com:8443/',
    'https://example.com:80/',
  ])('%s passes the text check', (url) => expect(webhookUrlProblem(url, false)).toBeNull());
});

describe('DNS over HTTPS client', () => {
  installReceiver();
  const asked: string[] = [];
  onHost('doh.test', (req) => {
    const u = new URL(req.url);
    asked.push(`${u.searchParams.get('name')} ${u.searchParams.get('type')} ${req.headers.get('accept')}`);
    const body = fixtures[`${u.searchParams.get('name')} ${u.searchParams.get('type')}`];
    if (!body) return new Response('no fixture', { status: 500 });
    return Response.json(body, { headers: { 'content-type': 'application/dns-json' } });
  });
  const doh = new DohResolver('https://doh.test/dns-query');

  it('collects A and AAAA through CNAME chains', async () => {
    expect(await doh.resolve('www.example.com')).toEqual([
      '23.215.0.136',
      '23.215.0.138',
      '2600:1406:3a00:21::173e:2e65',
    ]);
    expect(asked).toContain('www.example.com A application/dns-json');
    expect(asked).toContain('www.example.com AAAA application/dns-json');
  });

  it('NXDOMAIN is no addresses; a server failure is a lookup error, not an answer', async () => {
    expect(await doh.resolve('nonexistent.example')).toEqual([]);
    await expect(doh.resolve('no-fixture.example')).rejects.toThrow(/DNS lookup/);
  });

  it('refuses a name whose answers include any private address, and a nip.io loopback', async () => {
    for (const url of ['https://127.0.0.1.nip.io/', 'https://mixed.rebind.example/']) {
      const r = await checkDestination(url, false, doh);
      expect(r).toMatchObject({ ok: false, permanent: true });
    }
    expect(await checkDestination('https://www.example.com/hook', false, doh)).toEqual({ ok: true });
    expect(await checkDestination('https://nonexistent.example/', false, doh)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('does not resolve'),
    });
    expect(await checkDestination('https://no-fixture.example/', false, doh)).toMatchObject({
      ok: false,
      permanent: false,
    });
  });
});

describe('local resolver (tests, development)', () => {
  it('answers as nip.io, sslip.io and localtest.me do', async () => {
    const local = new LocalResolver();
    expect(await local.resolve('169.254.169.254.nip.io')).toEqual(['169.254.169.254']);
    expect(await local.resolve('app-10-0-0-1.sslip.io')).toEqual(['10.0.0.1']);
    expect(await local.resolve('anything.localtest.me')).toEqual(['127.0.0.1']);
  });
});
