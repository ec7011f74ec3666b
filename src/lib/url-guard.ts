// Webhook URLs (SPEC §9): https only, no IP literals, no loopback/private/link-local hosts, unless allowed.
const PRIVATE_SUFFIXES = ['.localhost', '.local', '.internal', '.intranet', '.lan', '.home.arpa', '.corp'];

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
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[') || /^[\d.]+$/.test(host) || /^0x[0-9a-f]+$/i.test(host) || host.includes(':'))
    return 'url must use a host name, not an IP address';
  if (host === 'localhost' || !host.includes('.') || PRIVATE_SUFFIXES.some((s) => host.endsWith(s)))
    return 'url must point to a public host';
  return null;
}
