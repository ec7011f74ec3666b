import { yieldToIsolate } from './yield';

const enc = new TextEncoder();
const hex = (digest: ArrayBuffer) =>
  [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');

export async function sha256Hex(input: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', enc.encode(input)));
}

/** Characters encoded, hashed or serialised between yields in the *InSlices variants (a few ms of work). */
const SLICE_CHARS = 1 << 18;

/** sha256Hex of a long text (a 12 MiB batch's canonical JSON) fed to a DigestStream a slice at a time. */
export async function sha256HexInSlices(input: string): Promise<string> {
  if (input.length <= SLICE_CHARS) return sha256Hex(input);
  const stream = new crypto.DigestStream('SHA-256');
  const writer = stream.getWriter();
  for (let i = 0; i < input.length; ) {
    let end = Math.min(input.length, i + SLICE_CHARS);
    const last = input.charCodeAt(end - 1);
    if (end < input.length && last >= 0xd800 && last <= 0xdbff) end++; // never split a surrogate pair
    await writer.write(enc.encode(input.slice(i, end)));
    i = end;
    await yieldToIsolate();
  }
  await writer.close();
  return hex(await stream.digest);
}

/** Compares two strings without leaking where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = enc.encode(a),
    y = enc.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** JSON with sorted keys, so two equal bodies hash the same whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * canonicalJson(value), the same text, built with a yield between the items of a long top-level array
 * (a batch's 10 000 recipients) so serialising a 12 MiB body never blocks the isolate for long.
 */
export async function canonicalJsonInSlices(value: unknown): Promise<string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return canonicalJson(value);
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts: string[] = [];
  let since = 0;
  for (const [k, v] of entries) {
    if (!Array.isArray(v)) {
      parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
      continue;
    }
    const items: string[] = [];
    for (const item of v) {
      const text = canonicalJson(item);
      items.push(text);
      since += text.length;
      if (since >= SLICE_CHARS) {
        since = 0;
        await yieldToIsolate();
      }
    }
    parts.push(`${JSON.stringify(k)}:[${items.join(',')}]`);
  }
  return `{${parts.join(',')}}`;
}
