// Host name resolution for webhook destinations (SSRF checks in lib/url-guard.ts). Workers have no
// resolver API, so production asks a DNS-over-HTTPS endpoint (JSON API, RFC 8484's sibling that
// Cloudflare and Google serve); tests and local development use a table (`WEBHOOK_DNS=local`).

export interface Resolver {
  /** Every A and AAAA address of `host` (CNAMEs followed by the server); [] when it has none. */
  resolve(host: string): Promise<string[]>;
}

export class DnsError extends Error {}

const DEFAULT_DOH = 'https://cloudflare-dns.com/dns-query';
const TIMEOUT_MS = 3000;

/** DNS over HTTPS, JSON flavour (`application/dns-json`): one query for A, one for AAAA. */
export class DohResolver implements Resolver {
  constructor(private readonly endpoint = DEFAULT_DOH) {}

  private async query(host: string, type: 'A' | 'AAAA'): Promise<string[]> {
    const url = `${this.endpoint}?name=${encodeURIComponent(host)}&type=${type}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: 'application/dns-json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      // The runtime's own error text (which may carry internal references) stays out of the answer.
      throw new DnsError(
        `DNS lookup of ${host} could not be completed (the resolver ${err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'could not be reached'})`,
      );
    }
    if (!res.ok) throw new DnsError(`DNS lookup of ${host} failed: HTTP ${res.status}`);
    const body = (await res.json().catch(() => null)) as {
      Status?: number;
      Answer?: Array<{ type: number; data: string }>;
    } | null;
    if (!body || typeof body.Status !== 'number')
      throw new DnsError(`DNS lookup of ${host}: unreadable answer`);
    // 3 = NXDOMAIN: the name does not exist; other non-zero codes are server failures.
    if (body.Status === 3) return [];
    if (body.Status !== 0) throw new DnsError(`DNS lookup of ${host} failed: rcode ${body.Status}`);
    const want = type === 'A' ? 1 : 28;
    return (body.Answer ?? []).filter((a) => a.type === want).map((a) => a.data);
  }

  async resolve(host: string): Promise<string[]> {
    const [a, aaaa] = await Promise.all([this.query(host, 'A'), this.query(host, 'AAAA')]);
    return [...a, ...aaaa];
  }
}

/** A public address the local resolver gives names it has no rule for (example.com's). */
export const LOCAL_DEFAULT_ADDRESS = '93.184.215.14';
const localRecords = new Map<string, string[]>([
  ['localhost', ['127.0.0.1', '::1']],
  ['localtest.me', ['127.0.0.1']],
]);

/** Tests add names here (DNS rebinding: a name that resolves differently at delivery). */
export function setLocalRecord(host: string, addresses: string[] | null) {
  if (addresses) localRecords.set(host.toLowerCase(), addresses);
  else localRecords.delete(host.toLowerCase());
}

/** Names whose lookup fails as an unreachable resolver would (tests of the transient path). */
const failingHosts = new Set<string>();
export function setLocalFailure(host: string, on: boolean) {
  if (on) failingHosts.add(host.toLowerCase());
  else failingHosts.delete(host.toLowerCase());
}

/**
 * What the public wildcard services answer, without the network: `*.localtest.me` → 127.0.0.1,
 * `10.0.0.1.nip.io` / `app-10-0-0-1.sslip.io` → the embedded address; any other name → a public address.
 */
export class LocalResolver implements Resolver {
  async resolve(host: string): Promise<string[]> {
    const h = host.toLowerCase().replace(/\.$/, '');
    if (failingHosts.has(h))
      throw new DnsError(`DNS lookup of ${h} could not be completed (the resolver could not be reached)`);
    const known = localRecords.get(h);
    if (known) return known;
    if (h.endsWith('.localtest.me') || h.endsWith('.localhost')) return ['127.0.0.1'];
    const embedded =
      /(?:^|[.-])(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})\.(?:nip\.io|sslip\.io)$/.exec(h);
    if (embedded) return [embedded.slice(1).join('.')];
    if (h.endsWith('.invalid')) return [];
    return [LOCAL_DEFAULT_ADDRESS];
  }
}

export function resolverFor(env: { WEBHOOK_DNS?: string; WEBHOOK_DOH_URL?: string }): Resolver {
  return env.WEBHOOK_DNS === 'local'
    ? new LocalResolver()
    : new DohResolver(env.WEBHOOK_DOH_URL || DEFAULT_DOH);
}
