// Standard Webhooks (https://www.standardwebhooks.com): whsec_<base64 key>, v1,<base64 HMAC-SHA256(id.timestamp.body)>.
const enc = new TextEncoder();

const toB64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromB64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export function newWebhookSecret(): string {
  return `whsec_${toB64(crypto.getRandomValues(new Uint8Array(24)))}`;
}

export async function signPayload(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    fromB64(secret.replace(/^whsec_/, '')),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, enc.encode(`${id}.${timestamp}.${body}`));
  return `v1,${toB64(new Uint8Array(mac))}`;
}

/** The three headers; with a rotated secret still in its overlap, both signatures (space-separated). */
export async function webhookHeaders(
  secrets: string[],
  id: string,
  timestamp: number,
  body: string,
): Promise<Record<string, string>> {
  const sigs = await Promise.all(secrets.map((s) => signPayload(s, id, timestamp, body)));
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': sigs.join(' ') };
}
