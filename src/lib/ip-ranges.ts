// Which IP addresses a webhook may reach: only globally routable unicast. Ranges from the IANA special-
// purpose registries (IPv4 and IPv6), as Stripe's and Svix's smokescreen deny lists use them.

/** Parses dotted-quad IPv4 (the only form a resolver or the URL parser hands us) to a 32-bit number. */
export function parseIpv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** Parses IPv6 (with `::` and an optional trailing dotted quad) to 8 16-bit groups. */
export function parseIpv6(raw: string): number[] | null {
  let s = raw.replace(/^\[|\]$/g, '').toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!/^[0-9a-f:.]+$/.test(s) || !s.includes(':')) return null;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const v4 = parseIpv4(tail[1]);
    if (v4 === null) return null;
    s = `${s.slice(0, -tail[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string) => (h ? h.split(':') : []);
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const fill = 8 - head.length - rest.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return null;
  const all = [...head, ...Array(halves.length === 2 ? fill : 0).fill('0'), ...rest];
  if (all.length !== 8 || all.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.map((g) => Number.parseInt(g, 16));
}

const V4_BLOCKED: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** Why an IPv4 address is not public, or null when it is. */
export function ipv4Problem(addr: number): string | null {
  for (const [base, bits, why] of V4_BLOCKED) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((addr & mask) >>> 0 === (parseIpv4(base)! & mask) >>> 0) return why;
  }
  return null;
}

/** Why an IPv6 address is not public, or null. Embedded IPv4 (mapped, NAT64, 6to4) is refused outright. */
export function ipv6Problem(g: number[]): string | null {
  if (g.slice(0, 7).every((x) => x === 0) && g[7] <= 1) return g[7] ? 'loopback' : 'unspecified';
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0))
    return 'IPv4-mapped or -compatible';
  if (g[0] === 0x64 && g[1] === 0xff9b) return 'NAT64 (embeds IPv4)';
  if (g[0] === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return 'discard-only';
  if (g[0] === 0x2001 && g[1] < 0x0200) return 'IETF protocol assignments (Teredo, ORCHID, …)';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'documentation';
  if (g[0] === 0x2002) return '6to4 (embeds IPv4)';
  if ((g[0] & 0xfe00) === 0xfc00) return 'unique local (private)';
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xffc0) === 0xfec0) return 'site-local';
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  if ((g[0] & 0xe000) !== 0x2000) return 'not global unicast';
  return null;
}

/** Why an address (either family) may not be a webhook destination, or null when it is public. */
export function addressProblem(ip: string): string | null {
  const v4 = parseIpv4(ip);
  if (v4 !== null) return ipv4Problem(v4);
  const v6 = parseIpv6(ip);
  if (v6) return ipv6Problem(v6);
  return 'not an IP address';
}
