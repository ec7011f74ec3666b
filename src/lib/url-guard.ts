// Webhook destinations (SSRF), after Svix's smokescreen: the URL text is checked (https, ports 80/443/8443,
// no credentials, no IP literals or private names), then the host name is resolved and every address it
// has must be public (lib/ip-ranges.ts), at registration and again before each delivery, because DNS can
// change in between. ALLOW_PRIVATE_WEBHOOK_URLS=true (local development) skips all of it but credentials.
import { addressProblem } from './ip-ranges';
import { DnsError, type Resolver } from './dns';

const PRIVATE_SUFFIXES = ['.localhost', '.local', '.internal', '.intranet', '.lan', '.home.arpa', '.corp'];
export const ALLOWED_PORTS = ['', '80', '443', '8443'];

export function webhookUrlProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute URL';
  }
  if (url.username || url.password) return 'url must not contain credentials';
  if (allowPrivate)
    return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'url must use https';
  if (url.protocol !== 'https:') return 'url must use https';
  if (!ALLOWED_PORTS.includes(url.port)) return 'url port must be 443, 8443 or 80';
  // The URL parser has already turned decimal, octal, hex and short IPv4 forms into a dotted quad.
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[') || /^[\d.]+$/.test(host) || /^0x[0-9a-f]+$/i.test(host) || host.includes(':'))
    return 'url must use a host name, not an IP address';
  if (host === 'localhost' || !host.includes('.') || PRIVATE_SUFFIXES.some((s) => host.endsWith(s)))
    return 'url must point to a public host';
  return null;
}

export type DestinationCheck =
  | { ok: true }
  /** `permanent`: the URL or its addresses are refused; otherwise the lookup itself failed (retryable). */
  | { ok: false; problem: string; permanent: boolean };

/** The text check, then DNS: every A/AAAA address of the host must be public. */
export async function checkDestination(
  raw: string,
  allowPrivate: boolean,
  resolver: Resolver,
): Promise<DestinationCheck> {
  const text = webhookUrlProblem(raw, allowPrivate);
  if (text) return { ok: false, problem: text, permanent: true };
  if (allowPrivate) return { ok: true };
  const host = new URL(raw).hostname.replace(/\.$/, '');
  let addresses: string[];
  try {
    addresses = await resolver.resolve(host);
  } catch (err) {
    const msg = err instanceof DnsError ? err.message : `DNS lookup of ${host} failed`;
    return { ok: false, problem: msg, permanent: false };
  }
  if (!addresses.length) return { ok: false, problem: `url host ${host} does not resolve`, permanent: true };
  for (const ip of addresses) {
    const why = addressProblem(ip);
    if (why)
      return {
        ok: false,
        problem: `url host resolves to a non-public address (${ip}: ${why})`,
        permanent: true,
      };
  }
  return { ok: true };
}
